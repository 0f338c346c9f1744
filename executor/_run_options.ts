// Copyright 2026 the @concurrent/futures authors. MIT license.
// The caller's side of `run` options, shared by every executor, and the
// call of a task on the current thread.
import type { Future } from "../future/future.ts";
import { CancelledError, TimeoutError } from "../future/errors.ts";
import { checkTimeout } from "../future/_timeout.ts";
import { armRace } from "../future/_race.ts";
import type { RunOptions, TaskFunction } from "./executor.ts";
import type { RunningTaskContext } from "./_task_context.ts";
import { isModuleTask } from "./_task.ts";

/**
 * Throws at the call for a bad option: a `RangeError` for a negative or
 * NaN `timeout` or `grace`, a `TypeError` for an `onProgress` that is not a
 * function, a `signal` that is not an `AbortSignal`, or a `transfer` that
 * is not an array of objects.
 */
export function checkRunOptions(options: RunOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("run() options must be an object");
  }
  const { timeout, grace, onProgress, signal, transfer } = options;
  if (timeout !== undefined) checkTimeout(timeout, "run() timeout");
  if (grace !== undefined) checkTimeout(grace, "run() grace");
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new TypeError(
      `run() onProgress must be a function, got ${
        onProgress === null ? "null" : typeof onProgress
      }`,
    );
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError("run() signal must be an AbortSignal");
  }
  if (transfer !== undefined) checkTransfer(transfer);
}

function checkTransfer(transfer: unknown): void {
  if (!Array.isArray(transfer)) {
    throw new TypeError(
      `run() transfer must be an array of transferable objects, got ${
        transfer === null ? "null" : typeof transfer
      }`,
    );
  }
  for (const item of transfer) {
    if (typeof item !== "object" || item === null) {
      throw new TypeError(
        `run() transfer takes transferable objects, got ${
          item === null ? "null" : typeof item
        }`,
      );
    }
  }
}

/**
 * Checks a `run(task, args, options)` call before anything starts: a
 * `TypeError` when `args` is not an array, then {@linkcode checkRunOptions}.
 */
export function checkRunCall(args: unknown, options: RunOptions): void {
  if (!Array.isArray(args)) {
    throw new TypeError("run() takes the task's arguments as an array");
  }
  checkRunOptions(options);
}

/**
 * Calls `onProgress` with each value in order, while `future` (if given)
 * is pending: a callback may stop its own task. A throw from the callback
 * is logged, as Python logs a failing done callback, and the next values
 * are still delivered: the task goes on either way.
 */
export function deliverProgress(
  onProgress: (value: unknown) => void,
  values: readonly unknown[],
  future?: Future<unknown>,
): void {
  for (let i = 0; i < values.length; i++) {
    if (future?.done()) return;
    try {
      onProgress(values[i]);
    } catch (error) {
      console.error("Exception in an onProgress callback", error);
    }
  }
}

/**
 * Arms `timeout` (ms from now) and `signal` for one task: the first to fire
 * calls `stop` with the `TimeoutError`, or with `undefined` and the
 * signal's reason for an abort. Both are disarmed once `future` is done.
 * An already aborted signal is for the caller to check first. Executors
 * arm the signal at the call and the timeout when the task starts, so
 * that `RunOptions.timeout` counts running time only.
 *
 * @returns What disarms both (e.g. for a task that goes back to a queue).
 */
export function armStop(
  future: Future<unknown>,
  options: Pick<RunOptions, "signal" | "timeout">,
  stop: (error: TimeoutError | undefined, reason?: unknown) => void,
): () => void {
  const { signal, timeout } = options;
  if (timeout === undefined && signal === undefined) return () => {};
  const disarm = armRace(
    { timeout, signal },
    () =>
      stop(new TimeoutError(`The task did not finish within ${timeout} ms`)),
    (reason) => stop(undefined, reason),
  );
  future.addDoneCallback(disarm);
  return disarm;
}

type AnyTask = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Calls a task on the current thread with `this` bound to `context`; a
 * module task's module is imported first, and a task stopped meanwhile is
 * not called (as on a worker). Every failure is a rejection.
 */
export function callTask(
  fn: TaskFunction<unknown[], unknown>,
  args: unknown[],
  context: RunningTaskContext,
): Promise<unknown> {
  try {
    if (!isModuleTask(fn)) {
      return Promise.resolve((fn as AnyTask).apply(context, args));
    }
    return import(fn.url).then((module) => {
      const exported = module[fn.exportName];
      if (typeof exported !== "function") {
        throw new TypeError(
          `Module ${fn.url} has no exported function "${fn.exportName}"`,
        );
      }
      if (context.stopped) {
        throw new CancelledError("The task was stopped before it started", {
          cause: context.signal.reason,
        });
      }
      return (exported as AnyTask).apply(context, args);
    });
  } catch (error) {
    return Promise.reject(error);
  }
}
