// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { Future } from "../../future/mod.ts";
import { type Coroutine, EventLoop, type Task } from "../../loop/mod.ts";

/** Runs `main` on a fresh virtual-time loop and closes it. */
export async function runLoop<T>(
  main: (loop: EventLoop) => Coroutine<T> | Future<T>,
): Promise<T> {
  const loop = new EventLoop({ virtualTime: true });
  try {
    return await loop.runUntilComplete(main(loop));
  } finally {
    loop.close();
  }
}

/** Waits for a task and reports how it ended, never throwing. */
export function* outcome(task: Task<unknown>): Coroutine<string> {
  try {
    return `ok:${String(yield* task)}`;
  } catch (error) {
    return (error as Error).name;
  }
}
