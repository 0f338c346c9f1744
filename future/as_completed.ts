// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { Future } from "./future.ts";
import { TimeoutError } from "./errors.ts";
import { checkTimeout } from "./_timeout.ts";
import { race } from "./_race.ts";

/** Options for {@linkcode asCompleted}. */
export interface AsCompletedOptions {
  /**
   * How many milliseconds, from the call, until every future must be done;
   * none means no limit.
   */
  timeout?: number;
  /** Stops the iteration: the next step rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * Yields each future as it completes (finishes or is cancelled), as Python's
 * `concurrent.futures.as_completed`: the ones already done first, then the
 * others in the order they complete. Each distinct future is yielded once,
 * and what is yielded is the `Future` itself, so `resultNow()` reads it.
 *
 * Breaking out of the loop early stops the iteration and leaves no timer
 * running.
 *
 * @typeParam T The futures' value type.
 * @param fs The futures; duplicates are yielded once.
 * @param options `timeout` and `signal`.
 * @returns An async iterator of the futures in completion order.
 * @throws {TimeoutError} If the timeout passes before all are done.
 * @throws {RangeError} If `timeout` is negative or `NaN`.
 * @throws {unknown} `signal.reason`, if `signal` aborts first.
 *
 * @example Handling results as they arrive
 * ```ts
 * import { asCompleted, Future } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const slow = new Future<string>();
 * const fast = new Future<string>();
 * setTimeout(() => slow.setResult("slow"), 30);
 * setTimeout(() => fast.setResult("fast"), 10);
 *
 * const order: string[] = [];
 * for await (const future of asCompleted([slow, fast])) {
 *   order.push(future.resultNow());
 * }
 * assert.deepEqual(order, ["fast", "slow"]);
 * ```
 */
export function asCompleted<T>(
  fs: Iterable<Future<T>>,
  options: AsCompletedOptions = {},
): AsyncIterableIterator<Future<T>> {
  const { timeout, signal } = options;
  if (timeout !== undefined) checkTimeout(timeout);
  const start = performance.now();
  // Taken at the call, as Python does, so later changes to `fs` do not count.
  return iterate([...new Set(fs)], start, timeout, signal);
}

async function* iterate<T>(
  all: Future<T>[],
  start: number,
  timeout: number | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<Future<T>, void, undefined> {
  const pending = new Set<Future<T>>();
  for (const f of all) if (!f.done()) pending.add(f);
  for (const f of all) {
    if (pending.has(f)) continue;
    signal?.throwIfAborted();
    yield f;
  }

  const completed: Future<T>[] = [];
  let wake: (() => void) | undefined;
  const onDone = (f: Future<T>) => {
    completed.push(f);
    wake?.();
  };
  for (const f of pending) f.addDoneCallback(onDone);
  try {
    while (pending.size > 0) {
      signal?.throwIfAborted();
      if (completed.length === 0) {
        const left = timeout === undefined
          ? undefined
          : timeout - (performance.now() - start);
        await race(
          new Promise<void>((resolve) => wake = resolve),
          { timeout: left, signal },
          () =>
            new TimeoutError(
              `${pending.size} (of ${all.length}) futures unfinished after ${timeout} ms`,
            ),
        );
        wake = undefined;
      }
      // Yielded one at a time so a future that completes meanwhile joins
      // the queue in order.
      for (let i = 0; i < completed.length; i++) {
        const f = completed[i];
        pending.delete(f);
        yield f;
      }
      completed.length = 0;
    }
  } finally {
    for (const f of pending) f.removeDoneCallback(onDone);
  }
}
