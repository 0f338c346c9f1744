// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * A generator-coroutine event loop, Python's generator-era `asyncio`.
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
export * from "./run.ts";
export * from "./wait.ts";
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
