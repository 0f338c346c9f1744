// Copyright 2026 the @concurrent/futures authors. MIT license.
// Process-wide state of the generator event loop: which loop is running its
// callbacks right now (set only while a loop runs synchronously, so a loop
// that awaits the host in between never leaks into unrelated code), which
// task is being stepped, and the loop set with `setEventLoop`.

import type { EventLoop } from "./event_loop.ts";
import type { Task } from "./task.ts";

/** The mutable state shared by the loop's modules. */
export const state: {
  running: EventLoop | null;
  task: Task<unknown> | null;
  current: EventLoop | null;
} = { running: null, task: null, current: null };

/**
 * What `yield* sleep(0)` yields: the task goes round the loop once, as a
 * bare `yield` does in asyncio.
 */
export const SLEEP0: unique symbol = Symbol("sleep(0)");

/** What a task sends into its coroutine when it resumes it after SLEEP0. */
export const RESUME: unique symbol = Symbol("resume");
