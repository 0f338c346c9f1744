// Copyright 2026 the @concurrent/futures authors. MIT license.
import { InvalidStateError } from "../future/errors.ts";
import type { Task } from "./task.ts";
import type { Coroutine } from "./types.ts";
import { state } from "./_state.ts";

/** Options for {@linkcode createTask}. */
export interface CreateTaskOptions {
  /** The task's name; `Task-<n>` by default. */
  name?: string;
}

/**
 * Wraps a coroutine in a task on the running loop (Python's
 * `asyncio.create_task`). The task only is scheduled: its body starts when
 * the creator yields.
 *
 * @typeParam T What the coroutine returns.
 * @param coro The coroutine.
 * @param options `name`, shown by `getName()`.
 * @returns The task.
 * @throws {InvalidStateError} If no loop is running (use
 * `loop.createTask()` there).
 * @throws {TypeError} If `coro` is not a coroutine.
 *
 * @example
 * ```ts
 * import { createTask, run, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* main() {
 *   const a = createTask(sleep(200, "a"), { name: "first" });
 *   const b = createTask(sleep(100, "b"));
 *   assert.equal(a.getName(), "first");
 *   return [yield* a, yield* b];
 * }
 * assert.deepEqual(await run(main(), { virtualTime: true }), ["a", "b"]);
 * ```
 */
export function createTask<T>(
  coro: Coroutine<T>,
  options: CreateTaskOptions = {},
): Task<T> {
  const loop = state.running;
  if (loop === null) {
    throw new InvalidStateError(
      "createTask() needs a running event loop; outside one, use loop.createTask()",
    );
  }
  return loop.createTask(coro, options);
}
