// Copyright 2026 the @concurrent/futures authors. MIT license.
import { Future } from "../future/future.ts";
import { isPromiseLike } from "../future/_is_promise_like.ts";
import { getEventLoop } from "./get_event_loop.ts";
import { Task } from "./task.ts";
import type { Awaitable, Coroutine } from "./types.ts";
import { describe, isCoroutine } from "./_awaitables.ts";

/**
 * Gives a future for any awaitable (Python's `asyncio.ensure_future`): a
 * future or task as it is; a coroutine becomes a task on the running loop,
 * or on `getEventLoop()` when none runs; a promise becomes a future that
 * settles with it.
 *
 * @typeParam T What `aw` evaluates to.
 * @param aw A future, coroutine or promise.
 * @returns A future of its value.
 * @throws {TypeError} If `aw` is none of these.
 *
 * @example
 * ```ts
 * import { Future } from "@concurrent/futures";
 * import { ensureFuture, run, sleep, Task } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* main() {
 *   const task = ensureFuture(sleep(10, "coroutine"));
 *   assert.ok(task instanceof Task);
 *   const future = Future.from(1);
 *   assert.equal(ensureFuture(future), future);
 *   const promised = ensureFuture(Promise.resolve("promise"));
 *   return [yield* task, yield* promised];
 * }
 * assert.deepEqual(await run(main(), { virtualTime: true }), [
 *   "coroutine",
 *   "promise",
 * ]);
 * ```
 */
export function ensureFuture<T>(aw: Awaitable<T>): Future<T> {
  if (aw instanceof Future) return aw;
  if (isCoroutine(aw)) {
    return new Task(aw as Coroutine<T>, { loop: getEventLoop() });
  }
  if (isPromiseLike(aw)) return Future.from(aw) as Future<T>;
  throw new TypeError(
    `ensureFuture() needs a future, a coroutine or a promise, got ${
      describe(aw)
    }`,
  );
}
