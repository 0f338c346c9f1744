// Copyright 2026 the @concurrent/futures authors. MIT license.
import { failed } from "../future/_failed.ts";
import { CancelledError } from "../future/errors.ts";
import { Future } from "../future/future.ts";
import { getRunningLoop } from "./get_running_loop.ts";
import type { Awaitable, AwaitedOf, Coroutine } from "./types.ts";
import { ensureFuture, listAwaitables } from "./_ensure_future.ts";

/** Options for {@linkcode gather}. */
export interface GatherOptions {
  /**
   * Put the errors of failed children in the result list instead of
   * throwing the first one. @default {false}
   */
  returnExceptions?: boolean;
}

/**
 * Runs awaitables concurrently and evaluates to their results in the order
 * given (Python's `asyncio.gather`). Coroutines become tasks on the loop
 * that runs the gather. The first failure is thrown at once, while the
 * other children keep running; with `returnExceptions` the errors take
 * their place in the list instead. Cancelling the gather cancels every
 * child that is not done.
 *
 * @typeParam A The tuple (or array) of awaitables.
 * @param aws Coroutines, futures or promises.
 * @param options `returnExceptions`.
 * @returns A coroutine evaluating to the list of results.
 * @throws {TypeError} If `aws` is not an iterable of awaitables.
 * @throws {unknown} The first child's error, without `returnExceptions`.
 *
 * @example
 * ```ts
 * import { gather, run, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* main() {
 *   const [a, b] = yield* gather([sleep(200, "a"), sleep(100, 2)]);
 *   return `${a}${b}`;
 * }
 * assert.equal(await run(main(), { virtualTime: true }), "a2");
 * ```
 *
 * @example Collecting errors
 * ```ts
 * import { gather, run } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* fail(): Generator<unknown, number, unknown> {
 *   throw new RangeError("no");
 * }
 * const results = await run(gather([fail(), Promise.resolve(1)], {
 *   returnExceptions: true,
 * }));
 * assert.ok(results[0] instanceof RangeError);
 * assert.equal(results[1], 1);
 * ```
 */
export function gather<const A extends readonly Awaitable<unknown>[]>(
  aws: A,
  options?: GatherOptions & { returnExceptions?: false },
): Coroutine<{ -readonly [K in keyof A]: AwaitedOf<A[K]> }>;
/**
 * Runs an iterable of awaitables concurrently and evaluates to their
 * results in order.
 *
 * @typeParam T The value type.
 * @param aws Coroutines, futures or promises.
 * @param options `returnExceptions`.
 * @returns A coroutine evaluating to the list of results.
 */
export function gather<T>(
  aws: Iterable<Awaitable<T>>,
  options?: GatherOptions & { returnExceptions?: false },
): Coroutine<T[]>;
/**
 * Runs awaitables concurrently and evaluates to their results in order,
 * with the errors of failed children in their places.
 *
 * @param aws Coroutines, futures or promises.
 * @param options `{ returnExceptions: true }`.
 * @returns A coroutine evaluating to the list of results and errors.
 */
export function gather(
  aws: Iterable<Awaitable<unknown>>,
  options: GatherOptions & { returnExceptions: true },
): Coroutine<unknown[]>;
export function gather(
  aws: Iterable<Awaitable<unknown>>,
  options: GatherOptions = {},
): Coroutine<unknown[]> {
  const list = listAwaitables(aws, "gather()");
  return gatherAll(list, options.returnExceptions === true);
}

/** The outer future of a gather: cancelling it cancels the children. */
class GatheringFuture extends Future<unknown[]> {
  cancelRequested = false;
  readonly children: Future<unknown>[];

  constructor(children: Future<unknown>[]) {
    super();
    this.children = children;
  }

  override cancel(message?: string): boolean {
    if (this.done()) return false;
    let cancelled = false;
    for (const child of this.children) {
      if (child.cancel(message)) cancelled = true;
    }
    if (cancelled) this.cancelRequested = true;
    return cancelled;
  }
}

function* gatherAll(
  list: Awaitable<unknown>[],
  returnExceptions: boolean,
): Coroutine<unknown[]> {
  if (list.length === 0) return [];
  const loop = getRunningLoop();
  const byArg = new Map<Awaitable<unknown>, Future<unknown>>();
  const children: Future<unknown>[] = [];
  for (const aw of list) {
    let future = byArg.get(aw);
    if (future === undefined) {
      future = ensureFuture(aw, loop);
      byArg.set(aw, future);
    }
    children.push(future);
  }
  const outer = new GatheringFuture(children);
  loop._adopt(outer);
  const total = byArg.size;
  let finished = 0;
  const onDone = (child: Future<unknown>) => {
    finished++;
    if (outer.done()) {
      if (!child.cancelled()) child.exceptionNow(); // marks it retrieved
      return;
    }
    if (!returnExceptions) {
      if (child.cancelled()) {
        outer.setException(cancelledErrorOf(child));
        return;
      }
      if (failed(child)) {
        outer.setException(child.exceptionNow());
        return;
      }
    }
    if (finished < total) return;
    const results = children.map((f) => {
      if (f.cancelled()) return cancelledErrorOf(f);
      return failed(f) ? f.exceptionNow() : f.resultNow();
    });
    if (outer.cancelRequested) outer.setException(cancelledErrorOf(child));
    else outer.setResult(results);
  };
  for (const future of byArg.values()) future.addDoneCallback(onDone);
  return yield* outer;
}

function cancelledErrorOf(future: Future<unknown>): CancelledError {
  try {
    future.resultNow();
  } catch (error) {
    if (error instanceof CancelledError) return error;
  }
  return new CancelledError();
}
