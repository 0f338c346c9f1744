// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { Future } from "./future.ts";
import { checkTimeout } from "./_timeout.ts";
import { armRace } from "./_race.ts";
import { failed } from "./_failed.ts";

/**
 * `wait` returns as soon as any future finishes or is cancelled.
 *
 * @example
 * ```ts
 * import { Future, FIRST_COMPLETED, wait } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const done = Future.from(1);
 * const pending = new Future<number>();
 * const result = await wait([done, pending], { returnWhen: FIRST_COMPLETED });
 * assert.deepEqual([...result.done], [done]);
 * ```
 */
export const FIRST_COMPLETED = "FIRST_COMPLETED";
/**
 * `wait` returns as soon as any future fails with an error, or when all
 * are done.
 *
 * @example
 * ```ts
 * import { Future, FIRST_EXCEPTION, wait } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const failed = new Future<number>();
 * failed.setException(new Error("boom"));
 * const pending = new Future<number>();
 * const result = await wait([failed, pending], {
 *   returnWhen: FIRST_EXCEPTION,
 * });
 * assert.deepEqual([...result.notDone], [pending]);
 * ```
 */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";
/**
 * `wait` returns when every future is done (the default).
 *
 * @example
 * ```ts
 * import { ALL_COMPLETED, Future, wait } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const a = Future.from(Promise.resolve(1));
 * const b = Future.from(2);
 * const { done } = await wait([a, b], { returnWhen: ALL_COMPLETED });
 * assert.equal(done.size, 2);
 * ```
 */
export const ALL_COMPLETED = "ALL_COMPLETED";

/** When {@linkcode wait} returns: one of the three constants. */
export type ReturnWhen =
  | typeof FIRST_COMPLETED
  | typeof FIRST_EXCEPTION
  | typeof ALL_COMPLETED;

/** Options for {@linkcode wait}. */
export interface WaitOptions {
  /**
   * How many milliseconds to wait at most; when it passes, `wait` returns
   * what is done by then. None means no limit.
   */
  timeout?: number;
  /** When to return. @default {ALL_COMPLETED} */
  returnWhen?: ReturnWhen;
  /** Stops waiting: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** The two sets {@linkcode wait} returns: every future is in one of them. */
export interface WaitResult<T> {
  /** The futures that finished or were cancelled. */
  done: Set<Future<T>>;
  /** The futures that were still pending or running. */
  notDone: Set<Future<T>>;
}

const RETURN_WHEN: ReadonlySet<string> = new Set([
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ALL_COMPLETED,
]);

/**
 * Waits for futures to complete, as Python's `concurrent.futures.wait`:
 * returns when the `returnWhen` condition holds or `timeout` ms pass, with
 * the futures split into the done and the not done. A cancelled future
 * counts as done. It never rejects on timeout.
 *
 * @typeParam T The futures' value type.
 * @param fs The futures; duplicates are counted once.
 * @param options `timeout`, `returnWhen` and `signal`.
 * @returns The `done` and `notDone` sets.
 * @throws {RangeError} If `timeout` is negative or `NaN`, or `returnWhen`
 * is not one of the three constants.
 * @throws {unknown} `signal.reason`, if `signal` aborts first.
 *
 * @example Waiting for the first of several
 * ```ts
 * import { Future, FIRST_COMPLETED, wait } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const fast = new Future<string>();
 * const slow = new Future<string>();
 * setTimeout(() => fast.setResult("fast"), 10);
 *
 * const { done, notDone } = await wait([fast, slow], {
 *   returnWhen: FIRST_COMPLETED,
 * });
 * assert.deepEqual([...done], [fast]);
 * assert.deepEqual([...notDone], [slow]);
 * ```
 *
 * @example A timeout returns what is done so far
 * ```ts
 * import { Future, wait } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const never = new Future<number>();
 * const { done, notDone } = await wait([never], { timeout: 20 });
 * assert.equal(done.size, 0);
 * assert.equal(notDone.size, 1);
 * ```
 */
export function wait<T>(
  fs: Iterable<Future<T>>,
  options: WaitOptions = {},
): Promise<WaitResult<T>> {
  const { timeout, returnWhen = ALL_COMPLETED, signal } = options;
  if (timeout !== undefined) checkTimeout(timeout);
  if (!RETURN_WHEN.has(returnWhen)) {
    throw new RangeError(
      `returnWhen must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, got ${
        String(returnWhen)
      }`,
    );
  }
  const all = new Set(fs);
  const split = (): WaitResult<T> => {
    const done = new Set<Future<T>>();
    const notDone = new Set<Future<T>>();
    for (const f of all) (f.done() ? done : notDone).add(f);
    return { done, notDone };
  };
  const satisfied = (): boolean => {
    let pending = 0;
    for (const f of all) {
      if (!f.done()) pending++;
      else if (returnWhen === FIRST_COMPLETED) return true;
      else if (returnWhen === FIRST_EXCEPTION && failed(f)) return true;
    }
    return pending === 0;
  };

  if (signal?.aborted) return Promise.reject(signal.reason);
  if (satisfied() || timeout === 0) return Promise.resolve(split());

  return new Promise<WaitResult<T>>((resolve, reject) => {
    let pending = 0;
    const finish = () => {
      for (const f of all) f.removeDoneCallback(onDone);
      disarm();
      resolve(split());
    };
    const onDone = (f: Future<T>) => {
      pending--;
      if (
        returnWhen === FIRST_COMPLETED ||
        (returnWhen === FIRST_EXCEPTION && failed(f)) ||
        pending === 0
      ) {
        finish();
      }
    };
    // A timeout returns what is done; an abort rejects.
    const disarm = armRace({ timeout, signal }, finish, (reason) => {
      for (const f of all) f.removeDoneCallback(onDone);
      reject(reason);
    });
    for (const f of all) {
      if (!f.done()) {
        pending++;
        f.addDoneCallback(onDone);
      }
    }
  });
}
