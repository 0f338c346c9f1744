// Copyright 2026 the @concurrent/futures authors. MIT license.
import { checkMilliseconds } from "./_check_ms.ts";
import {
  CancelledError,
  InvalidStateError,
  TimeoutError,
} from "../future/errors.ts";
import { currentTask } from "./current_task.ts";
import { getRunningLoop } from "./get_running_loop.ts";
import type { Handle } from "./handle.ts";
import type { Awaitable, Coroutine } from "./types.ts";
import { checkAwaitable, toCoroutine } from "./_awaitables.ts";

/**
 * Runs `coro` in the calling task with a deadline `ms` milliseconds away
 * (Python's `async with asyncio.timeout(ms)`): when it passes, the task is
 * cancelled, and the `CancelledError` coming out of `coro` becomes a
 * `TimeoutError` with the `CancelledError` as `cause`. Only its own
 * cancellation is converted: with nested timeouts, the one that expired
 * throws, and a cancellation from elsewhere stays a `CancelledError`.
 *
 * @typeParam T What `coro` evaluates to.
 * @param ms The time limit; `Infinity` means none, 0 or less cancels at the
 * first suspension.
 * @param coro The work: a coroutine (or a future or promise to wait on).
 * @returns A coroutine evaluating to the value of `coro`.
 * @throws {RangeError} If `ms` is not a number.
 * @throws {TimeoutError} If the deadline passes first.
 * @throws {InvalidStateError} If run outside a task.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "@concurrent/futures";
 * import { run, sleep, timeout } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* main() {
 *   assert.equal(yield* timeout(100, sleep(50, "in time")), "in time");
 *   try {
 *     yield* timeout(100, sleep(500));
 *   } catch (error) {
 *     return error instanceof TimeoutError;
 *   }
 * }
 * assert.equal(await run(main(), { virtualTime: true }), true);
 * ```
 */
export function timeout<T>(ms: number, coro: Awaitable<T>): Coroutine<T> {
  checkMilliseconds(ms, "timeout() ms");
  checkAwaitable(coro, "timeout()");
  return withTimeout(ms, coro);
}

function* withTimeout<T>(ms: number, aw: Awaitable<T>): Coroutine<T> {
  const loop = getRunningLoop();
  const task = currentTask();
  if (task === null) {
    throw new InvalidStateError("timeout() must be used inside a task");
  }
  const cancelling = task.cancelling();
  let expired = false;
  const expire = () => {
    expired = true;
    task.cancel();
  };
  let handle: Handle | null = null;
  if (ms !== Infinity) {
    handle = ms <= 0 ? loop.callSoon(expire) : loop.callLater(ms, expire);
  }
  try {
    return yield* toCoroutine(aw);
  } catch (error) {
    if (expired) {
      // Our own cancel() is undone exactly once, here or in `finally`.
      expired = false;
      if (task.uncancel() <= cancelling && error instanceof CancelledError) {
        throw new TimeoutError(`The operation timed out after ${ms} ms`, {
          cause: error,
        });
      }
    }
    throw error;
  } finally {
    handle?.cancel();
    if (expired) task.uncancel();
  }
}
