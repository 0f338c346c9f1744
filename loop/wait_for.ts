// Copyright 2026 the @concurrent/futures authors. MIT license.
import { checkMilliseconds } from "./_check_ms.ts";
import { CancelledError, TimeoutError } from "../future/errors.ts";
import { getRunningLoop } from "./get_running_loop.ts";
import { timeout } from "./timeout.ts";
import type { Awaitable, Coroutine } from "./types.ts";
import { checkAwaitable, futureOn } from "./_awaitables.ts";
import { cancelAndWait } from "./_cancel_and_wait.ts";

/**
 * Waits for `aw` at most `ms` milliseconds (Python 3.12's
 * `asyncio.wait_for`): on timeout the work is cancelled, its end is waited
 * for, and a `TimeoutError` is thrown; if the work swallows the
 * cancellation, its value is returned instead. With `ms <= 0` a coroutine
 * is cancelled without ever starting.
 *
 * @typeParam T What `aw` evaluates to.
 * @param aw A coroutine (run in the calling task), a future or a promise.
 * @param ms The time limit; `Infinity` means none.
 * @returns A coroutine evaluating to the value of `aw`.
 * @throws {RangeError} If `ms` is not a number.
 * @throws {TypeError} If `aw` is not awaitable.
 * @throws {TimeoutError} If `aw` is not done within `ms`.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "@concurrent/futures";
 * import { run, sleep, waitFor } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* main() {
 *   const fast = yield* waitFor(sleep(10, "fast"), 100);
 *   try {
 *     yield* waitFor(sleep(1000), 100);
 *   } catch (error) {
 *     return [fast, error instanceof TimeoutError];
 *   }
 * }
 * assert.deepEqual(await run(main(), { virtualTime: true }), ["fast", true]);
 * ```
 */
export function waitFor<T>(aw: Awaitable<T>, ms: number): Coroutine<T> {
  checkMilliseconds(ms, "waitFor() ms");
  checkAwaitable(aw, "waitFor()");
  return ms <= 0 ? cancelNow(aw) : timeout(ms, aw);
}

function* cancelNow<T>(aw: Awaitable<T>): Coroutine<T> {
  const future = futureOn(aw, getRunningLoop());
  if (future.done()) return future.resultNow();
  yield* cancelAndWait(future);
  try {
    return future.resultNow();
  } catch (error) {
    if (error instanceof CancelledError) {
      throw new TimeoutError("The operation timed out (timeout <= 0)", {
        cause: error,
      });
    }
    throw error;
  }
}
