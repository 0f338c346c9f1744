// Copyright 2026 the @concurrent/futures authors. MIT license.
import { checkMilliseconds } from "./_check_ms.ts";
import type { Coroutine } from "./types.ts";
import { sleeping } from "./_sleepers.ts";

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
  checkMilliseconds(ms, "sleep() ms");
  return sleeping(ms, value);
}
