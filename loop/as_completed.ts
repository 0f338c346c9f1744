// Copyright 2026 the @concurrent/futures authors. MIT license.
import { TimeoutError } from "../future/errors.ts";
import type { Future } from "../future/future.ts";
import { checkTimeout } from "../future/_timeout.ts";
import { getRunningLoop } from "./get_running_loop.ts";
import type { TimerHandle } from "./timer_handle.ts";
import type { Awaitable, Coroutine } from "./types.ts";
import { futureOn, listAwaitables } from "./_awaitables.ts";
import { wakeUpNext } from "./_waiters.ts";

/** Options for the loop's {@linkcode asCompleted}. */
export interface LoopAsCompletedOptions {
  /**
   * After this many ms of the loop's clock, the coroutines not yet
   * satisfied throw `TimeoutError`.
   */
  timeout?: number;
}

/**
 * Iterates over coroutines that evaluate to the results of `aws` in the
 * order they complete (the generator-era `asyncio.as_completed`):
 * `for (const next of asCompleted(aws)) { const v = yield* next; }`.
 * Start the iteration inside a running loop; coroutines among `aws` become
 * tasks then.
 *
 * @typeParam T The value type.
 * @param aws Coroutines, futures or promises (duplicates count once).
 * @param options `timeout` in ms.
 * @returns An iterator of coroutines, one per distinct awaitable.
 * @throws {TypeError} If `aws` is not an iterable of awaitables.
 * @throws {RangeError} If `timeout` is negative.
 * @throws {TimeoutError} From the coroutines still waiting when the timeout
 * passes.
 *
 * @example
 * ```ts
 * import { asCompleted, run, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* main() {
 *   const order: string[] = [];
 *   for (const next of asCompleted([sleep(30, "c"), sleep(10, "a"), sleep(20, "b")])) {
 *     order.push(yield* next);
 *   }
 *   return order;
 * }
 * assert.deepEqual(await run(main(), { virtualTime: true }), ["a", "b", "c"]);
 * ```
 */
export function asCompleted<T>(
  aws: Iterable<Awaitable<T>>,
  options: LoopAsCompletedOptions = {},
): IterableIterator<Coroutine<T>> {
  const list = listAwaitables(aws, "asCompleted()");
  if (options.timeout !== undefined) checkTimeout(options.timeout);
  return iterate(list, options.timeout);
}

function* iterate<T>(
  list: Awaitable<T>[],
  timeout: number | undefined,
): IterableIterator<Coroutine<T>> {
  const loop = getRunningLoop();
  const todo = new Set<Future<T>>();
  // The same awaitable twice is one future, as Python's set(fs) makes it.
  for (const aw of new Set(list)) todo.add(futureOn(aw, loop));
  // Completed futures, and null for each one the timeout gave up on.
  const done: (Future<T> | null)[] = [];
  const waiters = new Set<Future<void>>();
  let handle: TimerHandle | null = null;
  const push = (item: Future<T> | null) => {
    done.push(item);
    wakeUpNext(waiters, undefined);
  };
  const onCompletion = (future: Future<T>) => {
    if (!todo.delete(future)) return; // the timeout came first
    push(future);
    if (todo.size === 0) handle?.cancel();
  };
  const total = todo.size;
  for (const future of [...todo]) future.addDoneCallback(onCompletion);
  if (todo.size > 0 && timeout !== undefined && timeout !== Infinity) {
    handle = loop.callLater(timeout, () => {
      for (const future of todo) {
        future.removeDoneCallback(onCompletion);
        push(null);
      }
      todo.clear();
    });
  }
  function* waitForOne(): Coroutine<T> {
    while (done.length === 0) {
      const waiter = loop.createFuture<void>();
      waiters.add(waiter);
      try {
        yield* waiter;
      } catch (error) {
        // Woken, but leaving: the completion goes to the next waiter.
        if (done.length > 0) wakeUpNext(waiters, undefined);
        throw error;
      } finally {
        waiters.delete(waiter);
      }
    }
    const future = done.shift() as Future<T> | null;
    if (future === null) {
      throw new TimeoutError(`asCompleted() timed out after ${timeout} ms`);
    }
    return future.resultNow();
  }
  for (let i = 0; i < total; i++) yield waitForOne();
}
