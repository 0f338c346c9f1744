// Copyright 2026 the @concurrent/futures authors. MIT license.
import { failed } from "../future/_failed.ts";
import type { Future } from "../future/future.ts";
import {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type ReturnWhen,
  type WaitResult,
} from "../future/wait.ts";
import { checkTimeout } from "../future/_timeout.ts";
import { getRunningLoop } from "./get_running_loop.ts";
import type { TimerHandle } from "./timer_handle.ts";
import type { Awaitable, Coroutine } from "./types.ts";
import { futureOn, listAwaitables } from "./_awaitables.ts";

/** Options for the loop's {@linkcode wait}. */
export interface LoopWaitOptions {
  /** Return after this many ms of the loop's clock even if not done. */
  timeout?: number;
  /**
   * When to return: `"FIRST_COMPLETED"`, `"FIRST_EXCEPTION"` or
   * `"ALL_COMPLETED"` (the default).
   */
  returnWhen?: ReturnWhen;
}

/**
 * Waits for awaitables (Python's `asyncio.wait`): coroutines are wrapped in
 * tasks on the loop that runs the wait, and the coroutine evaluates to the
 * sets of `done` and `notDone` futures. It never throws on timeout; it
 * returns what is done. Nothing is cancelled.
 *
 * @typeParam T The value type of the awaitables.
 * @param aws Coroutines, futures or promises (duplicates count once).
 * @param options `timeout` (ms) and `returnWhen`.
 * @returns A coroutine evaluating to `{ done, notDone }`.
 * @throws {TypeError} If `aws` is not an iterable of awaitables.
 * @throws {RangeError} If `aws` is empty, `timeout` is negative or
 * `returnWhen` is unknown.
 *
 * @example Python's `loop.run_until_complete(asyncio.wait(coros))`
 * ```ts
 * import { EventLoop, sleep, wait } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const coros = [sleep(300, "c"), sleep(100, "a"), sleep(200, "b")];
 * const { done, notDone } = await loop.runUntilComplete(
 *   wait(coros, { timeout: 250 }),
 * );
 * assert.deepEqual([...done].map((f) => f.resultNow()).sort(), ["a", "b"]);
 * assert.equal(notDone.size, 1);
 * loop.close();
 * ```
 */
export function wait<T>(
  aws: Iterable<Awaitable<T>>,
  options: LoopWaitOptions = {},
): Coroutine<WaitResult<T>> {
  const list = listAwaitables(aws, "wait()");
  if (list.length === 0) {
    throw new RangeError("wait() needs at least one awaitable");
  }
  const { timeout, returnWhen = ALL_COMPLETED } = options;
  if (timeout !== undefined) checkTimeout(timeout);
  if (
    returnWhen !== ALL_COMPLETED && returnWhen !== FIRST_COMPLETED &&
    returnWhen !== FIRST_EXCEPTION
  ) {
    throw new RangeError(`Unknown returnWhen value: ${String(returnWhen)}`);
  }
  return waitFutures(list, timeout, returnWhen);
}

function* waitFutures<T>(
  list: Awaitable<T>[],
  timeout: number | undefined,
  returnWhen: ReturnWhen,
): Coroutine<WaitResult<T>> {
  const loop = getRunningLoop();
  const futures = new Set<Future<T>>();
  // The same awaitable twice is one future, as Python's set(fs) makes it.
  for (const aw of new Set(list)) futures.add(futureOn(aw, loop));
  const waiter = loop.createFuture<void>();
  let handle: TimerHandle | null = null;
  const release = () => {
    if (!waiter.done()) waiter.setResult();
  };
  if (timeout !== undefined && timeout !== Infinity) {
    handle = loop.callLater(timeout, release);
  }
  let counter = futures.size;
  const onCompletion = (future: Future<T>) => {
    counter--;
    if (
      counter <= 0 || returnWhen === FIRST_COMPLETED ||
      (returnWhen === FIRST_EXCEPTION && failed(future))
    ) {
      handle?.cancel();
      release();
    }
  };
  for (const future of futures) future.addDoneCallback(onCompletion);
  try {
    yield* waiter;
  } finally {
    handle?.cancel();
    for (const future of futures) future.removeDoneCallback(onCompletion);
  }
  const done = new Set<Future<T>>();
  const notDone = new Set<Future<T>>();
  for (const future of futures) (future.done() ? done : notDone).add(future);
  return { done, notDone };
}
