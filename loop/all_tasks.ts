// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { EventLoop } from "./event_loop.ts";
import { getRunningLoop } from "./get_running_loop.ts";
import type { Task } from "./task.ts";

/**
 * The tasks of a loop that are not done yet (Python's `asyncio.all_tasks`).
 *
 * @param loop The loop; the running one by default.
 * @returns A new set of the pending tasks.
 * @throws {InvalidStateError} If no loop is given and none is running.
 *
 * @example
 * ```ts
 * import { allTasks, EventLoop, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const task = loop.createTask(sleep(100));
 * assert.deepEqual(allTasks(loop), new Set([task]));
 * await loop.runUntilComplete(task);
 * assert.equal(allTasks(loop).size, 0);
 * loop.close();
 * ```
 */
export function allTasks(
  loop: EventLoop = getRunningLoop(),
): Set<Task<unknown>> {
  return new Set(loop._tasks);
}
