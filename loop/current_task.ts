// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { Task } from "./task.ts";
import { state } from "./_state.ts";

/**
 * Returns the task whose coroutine is running now (Python's
 * `asyncio.current_task`).
 *
 * @returns The running task, or `null` outside any task.
 *
 * @example
 * ```ts
 * import { currentTask, EventLoop } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const task = loop.createTask((function* () {
 *   return currentTask();
 * })());
 * assert.equal(await loop.runUntilComplete(task), task);
 * assert.equal(currentTask(), null);
 * loop.close();
 * ```
 */
export function currentTask(): Task<unknown> | null {
  return state.task;
}
