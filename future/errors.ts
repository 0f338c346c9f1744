// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * The error classes shared by futures, executors and the event loop.
 *
 * Every class extends `Error`, sets `name` to its own class name and keeps
 * `cause` when one is given, so `instanceof` checks and log lines both say
 * what went wrong.
 *
 * @module
 */

/**
 * Thrown when a timeout elapses: `Future.result(timeout)`, `asCompleted`,
 * `asyncio.waitFor`, `asyncio.timeout` and executor `map`/`run` deadlines.
 *
 * @example Telling a timeout apart from other failures
 * ```ts
 * import { Future, TimeoutError } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const future = new Future<number>();
 * await assert.rejects(future.result(10), TimeoutError);
 * assert.equal(future.done(), false); // the future itself keeps going
 * ```
 */
export class TimeoutError extends Error {
  /**
   * Creates a `TimeoutError`.
   *
   * @param message What timed out.
   * @param options `cause`, when the timeout wraps another error.
   */
  constructor(message = "The operation timed out", options?: ErrorOptions) {
    super(message, options);
    this.name = "TimeoutError";
  }
}

/**
 * Thrown when the result of a cancelled future or task is asked for, and
 * thrown into a coroutine whose task is cancelled.
 *
 * @example The result of a cancelled future
 * ```ts
 * import { CancelledError, Future } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const future = new Future<number>();
 * future.cancel();
 * await assert.rejects(future.result(), CancelledError);
 * ```
 */
export class CancelledError extends Error {
  /**
   * Creates a `CancelledError`.
   *
   * @param message Why the work was cancelled.
   * @param options `cause`, when there is one.
   */
  constructor(message = "The operation was cancelled", options?: ErrorOptions) {
    super(message, options);
    this.name = "CancelledError";
  }
}

/**
 * Thrown when an operation is illegal in the current state: setting the
 * result of a done future, `resultNow()` on a pending future, submitting to
 * an executor after `shutdown`, or using a closed event loop.
 *
 * @example Setting a result twice
 * ```ts
 * import { Future, InvalidStateError } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const future = new Future<number>();
 * future.setResult(1);
 * assert.throws(() => future.setResult(2), InvalidStateError);
 * ```
 */
export class InvalidStateError extends Error {
  /**
   * Creates an `InvalidStateError`.
   *
   * @param message Which operation was illegal, and why.
   * @param options `cause`, when there is one.
   */
  constructor(message = "Invalid state", options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidStateError";
  }
}

/**
 * Thrown when an executor can no longer run work, for example because its
 * workers cannot start. Pending and later submissions fail with it.
 *
 * @example Recognising a broken executor
 * ```ts
 * import { BrokenExecutorError } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const error = new BrokenExecutorError("worker failed to start", {
 *   cause: new SyntaxError("Unexpected token"),
 * });
 * assert.equal(error.name, "BrokenExecutorError");
 * assert.ok(error.cause instanceof SyntaxError);
 * ```
 */
export class BrokenExecutorError extends Error {
  /**
   * Creates a `BrokenExecutorError`.
   *
   * @param message Why the executor is broken.
   * @param options `cause`: the error that broke it.
   */
  constructor(
    message = "The executor can no longer run work",
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "BrokenExecutorError";
  }
}

/**
 * Thrown when the worker running a task died: an uncaught error outside the
 * task, `self.close()`, or the worker being terminated. Only the task that
 * worker was running fails; the pool replaces the worker and goes on.
 *
 * @example A crash is also a broken-executor error
 * ```ts
 * import { BrokenExecutorError, WorkerCrashedError } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const error = new WorkerCrashedError("worker 1 exited");
 * assert.ok(error instanceof BrokenExecutorError);
 * assert.equal(error.name, "WorkerCrashedError");
 * ```
 */
export class WorkerCrashedError extends BrokenExecutorError {
  /**
   * Creates a `WorkerCrashedError`.
   *
   * @param message Which worker died, and how.
   * @param options `cause`: the uncaught error, when there is one.
   */
  constructor(
    message = "The worker running the task died",
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "WorkerCrashedError";
  }
}

/**
 * Thrown when a part of the module cannot run on this runtime: a
 * `ProcessPoolExecutor` outside Deno (use `WorkerPoolExecutor`, which runs
 * everywhere), or Deno's `permissions` given to a pool on another runtime.
 *
 * @example Telling a missing feature apart from a failure
 * ```ts
 * import { NotSupportedError } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const error = new NotSupportedError("no child processes in a browser");
 * assert.ok(error instanceof Error);
 * assert.equal(error.name, "NotSupportedError");
 * ```
 */
export class NotSupportedError extends Error {
  /**
   * Creates a `NotSupportedError`.
   *
   * @param message What this runtime cannot do, and what to use instead.
   * @param options `cause`, if any.
   */
  constructor(
    message = "This runtime does not support the operation",
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "NotSupportedError";
  }
}
