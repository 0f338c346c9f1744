// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { Future } from "../future/future.ts";
import { getRunningLoop } from "./get_running_loop.ts";
import { SLEEP0 } from "./_state.ts";
import type { Coroutine } from "./types.ts";

/**
 * Suspends the calling coroutine for `ms` milliseconds of the loop's clock
 * (Python's `asyncio.sleep`), then evaluates to `value`. `sleep(0)` (or
 * less) yields exactly one round of the loop, letting other tasks run.
 *
 * @typeParam T The type of `value`.
 * @param ms How long to sleep; 0 or less means one round.
 * @param value What the sleep evaluates to.
 * @returns A coroutine; `yield*` it.
 * @throws {RangeError} If `ms` is not a number.
 * @throws {InvalidStateError} When run outside a loop (at its first step).
 *
 * @example
 * ```ts
 * import { EventLoop, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * function* main() {
 *   const start = loop.time();
 *   const value = yield* sleep(2500, "woke");
 *   return [value, loop.time() - start];
 * }
 * assert.deepEqual(await loop.runUntilComplete(main()), ["woke", 2500]);
 * loop.close();
 * ```
 */
export function sleep(ms?: number): Coroutine<void>;
/**
 * Suspends the calling coroutine for `ms` milliseconds, then evaluates to
 * `value`.
 *
 * @typeParam T The type of `value`.
 * @param ms How long to sleep; 0 or less means one round.
 * @param value What the sleep evaluates to.
 * @returns A coroutine; `yield*` it.
 */
export function sleep<T>(ms: number, value: T): Coroutine<T>;
export function sleep<T>(ms = 0, value?: T): Coroutine<T | undefined> {
  if (typeof ms !== "number" || Number.isNaN(ms)) {
    throw new RangeError(
      `sleep() needs a number of milliseconds, got ${
        typeof ms === "number" ? ms : typeof ms
      }`,
    );
  }
  return ms <= 0 ? sleep0(value) : sleepFor(ms, value);
}

function* sleep0<T>(value: T): Coroutine<T> {
  yield SLEEP0;
  return value;
}

function* sleepFor<T>(ms: number, value: T): Coroutine<T> {
  const loop = getRunningLoop();
  const future = loop.createFuture<T>();
  const handle = loop.callLater(ms, settle, future, value);
  try {
    // The task throws the future's cancellation in here, or resumes once
    // it holds `value`; no need to delegate to its iterator.
    yield future;
    return value;
  } finally {
    handle.cancel();
  }
}

function settle<T>(future: Future<T>, value: T): void {
  if (!future.done()) future.setResult(value);
}
