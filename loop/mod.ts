// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * A generator-coroutine event loop, Python's generator-era `asyncio`.
 *
 * A coroutine is a `function*`; `yield*` is Python's `yield from` and
 * works on coroutines, futures and tasks (`yield promise` waits on a
 * promise). {@linkcode EventLoop} runs them as {@linkcode Task}s; the module
 * functions ({@linkcode sleep}, {@linkcode wait}, {@linkcode gather},
 * {@linkcode waitFor}, {@linkcode timeout}, {@linkcode TaskGroup}, ...)
 * follow asyncio, with milliseconds for durations. With
 * `{ virtualTime: true }` the clock jumps over idle time, so hours of
 * sleeping take milliseconds.
 *
 * @example Python's `loop.run_until_complete(asyncio.wait(coros))`
 * ```ts
 * import { EventLoop, sleep, wait } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const order: number[] = [];
 * function* sleeper(i: number, seconds: number) {
 *   yield* sleep(seconds * 1000);
 *   order.push(i);
 * }
 * const loop = new EventLoop({ virtualTime: true });
 * const coros = [sleeper(0, 3), sleeper(1, 1), sleeper(2, 2)];
 * await loop.runUntilComplete(wait(coros));
 * loop.close();
 * assert.deepEqual(order, [1, 2, 0]);
 * assert.equal(loop.time(), 3000);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./handle.ts";
export * from "./timer_handle.ts";
export * from "./event_loop.ts";
export * from "./task.ts";
export * from "./get_running_loop.ts";
export * from "./current_task.ts";
export * from "./sleep.ts";
export * from "./await_promise.ts";
export * from "./get_event_loop.ts";
export * from "./set_event_loop.ts";
export * from "./new_event_loop.ts";
export * from "./all_tasks.ts";
export * from "./create_task.ts";
export * from "./ensure_future.ts";
export * from "./run.ts";
export * from "./wait.ts";
export {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type ReturnWhen,
} from "../future/wait.ts";
export * from "./wait_for.ts";
export * from "./gather.ts";
export * from "./shield.ts";
export * from "./as_completed.ts";
export * from "./timeout.ts";
export * from "./task_group.ts";
export * from "./lock.ts";
export * from "./event.ts";
export * from "./condition.ts";
export * from "./semaphore.ts";
export * from "./bounded_semaphore.ts";
export * from "./barrier.ts";
export * from "./broken_barrier_error.ts";
export * from "./queue.ts";
export * from "./priority_queue.ts";
export * from "./lifo_queue.ts";
export * from "./queue_errors.ts";
