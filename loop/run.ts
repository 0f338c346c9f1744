// Copyright 2026 the @concurrent/futures authors. MIT license.
import { failed } from "../future/_failed.ts";
import { InvalidStateError } from "../future/errors.ts";
import { Future } from "../future/future.ts";
import { checkTimeout } from "../future/_timeout.ts";
import { EventLoop } from "./event_loop.ts";
import { gather } from "./gather.ts";
import type { Task } from "./task.ts";
import type { Coroutine } from "./types.ts";
import { waitFor } from "./wait_for.ts";
import { describe, isCoroutine, toCoroutine } from "./_awaitables.ts";
import { state } from "./_state.ts";

/** Options for {@linkcode run}. */
export interface RunOptions {
  /** Run on a virtual clock that jumps over idle time. */
  virtualTime?: boolean;
  /**
   * A time limit in ms for the coroutine, on the loop's clock: the main
   * task is cancelled and `run` throws `TimeoutError` (as `waitFor`).
   */
  timeout?: number;
  /** Aborting cancels the main task; `run` then rejects with the reason. */
  signal?: AbortSignal;
}

/**
 * Runs a coroutine on a new event loop and closes the loop (Python's
 * `asyncio.run`): tasks still pending at the end are cancelled and waited
 * for, the default executor is shut down, and the loop is closed. A future
 * is waited for the same way, so `run(gather(coros))` runs the gather's
 * children on the new loop.
 *
 * @typeParam T What the coroutine returns.
 * @param main The coroutine, or a future such as a `gather`.
 * @param options `virtualTime`, `timeout` and `signal`.
 * @returns A promise of the coroutine's value.
 * @throws {InvalidStateError} If called from code a loop is running.
 * @throws {TypeError} If `main` is neither a coroutine nor a future.
 * @throws {TimeoutError} If `timeout` passes first.
 * @throws {unknown} The coroutine's error, or `signal.reason`.
 *
 * @example
 * ```ts
 * import { run, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* main() {
 *   yield* sleep(10_000);
 *   return "ten seconds later";
 * }
 * assert.equal(await run(main(), { virtualTime: true }), "ten seconds later");
 * ```
 */
export async function run<T>(
  main: Coroutine<T> | Future<T>,
  options: RunOptions = {},
): Promise<T> {
  if (state.running !== null) {
    throw new InvalidStateError(
      "run() cannot be called from code a running event loop runs",
    );
  }
  if (!isCoroutine(main) && !(main instanceof Future)) {
    throw new TypeError(
      `run() needs a coroutine or a future, got ${describe(main)}`,
    );
  }
  const { timeout, signal } = options;
  if (timeout !== undefined) checkTimeout(timeout);
  signal?.throwIfAborted();
  const loop = new EventLoop({ virtualTime: options.virtualTime });
  const task = loop.createTask(
    timeout === undefined ? toCoroutine(main) : waitFor(main, timeout),
  );
  const abort = () => task.cancel(String(signal?.reason));
  signal?.addEventListener("abort", abort, { once: true });
  try {
    return await loop.runUntilComplete(task);
  } catch (error) {
    if (signal?.aborted && task.cancelled()) throw signal.reason;
    throw error;
  } finally {
    signal?.removeEventListener("abort", abort);
    try {
      await cancelAll(loop);
      await loop._defaultExecutor?.shutdown({ wait: true });
    } finally {
      loop.close();
    }
  }
}

async function cancelAll(loop: EventLoop): Promise<void> {
  const tasks: Task<unknown>[] = [...loop._tasks];
  if (tasks.length === 0) return;
  for (const task of tasks) task.cancel();
  await loop.runUntilComplete(gather(tasks, { returnExceptions: true }));
  for (const task of tasks) {
    if (task.cancelled()) continue;
    const error = task.exceptionNow();
    if (failed(task)) {
      loop.callExceptionHandler({
        message: "Unhandled exception during run() shutdown",
        exception: error,
        task,
      });
    }
  }
}
