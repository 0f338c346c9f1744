// Copyright 2026 the @concurrent/futures authors. MIT license.

/**
 * What `this` is inside a task: every executor calls a task with `this`
 * bound to a `TaskContext`, so a task declared
 * `function task(this: TaskContext, n: number)` (a plain function or a
 * module export) can report progress, notice that it was stopped, and move
 * buffers back instead of copying them. Tasks that ignore `this` work
 * unchanged. Arrow functions have no `this` of their own: a task that wants
 * the context is written with `function`.
 *
 * The context belongs to one call: once the task has ended, its methods do
 * nothing. They may be called detached (`const { progress } = this`).
 *
 * What applies where:
 * - `signal` and `throwIfCancelled()` on every executor. A stopped task
 *   keeps running until it notices, so this is how it ends early, cleans
 *   up, and (on a worker pool, within the `grace` of `run`) keeps its
 *   worker alive.
 * - `progress(value)` reaches the `onProgress` callback given to `run`; it
 *   is dropped when there is none (`submit`, `map`), after the task ended,
 *   and once it was stopped.
 * - `transfer(...buffers)` moves buffers on a `WorkerPoolExecutor`; a
 *   `ProcessPoolExecutor` copies them, an `AsyncPoolExecutor` hands the
 *   result over as it is.
 *
 * @example A task that reports its progress and can be stopped
 * ```ts
 * import { AsyncPoolExecutor, type TaskContext } from "@concurrent/futures/executor";
 * import assert from "node:assert/strict";
 *
 * async function count(this: TaskContext, to: number): Promise<number> {
 *   let n = 0;
 *   while (n < to) {
 *     await new Promise((resolve) => setTimeout(resolve, 1));
 *     this.throwIfCancelled();
 *     this.progress(++n);
 *   }
 *   return n;
 * }
 *
 * await using ex = new AsyncPoolExecutor();
 * const seen: unknown[] = [];
 * const done = ex.run(count, [3], { onProgress: (n) => seen.push(n) });
 * assert.equal(await done.result(), 3);
 * assert.deepEqual(seen, [1, 2, 3]);
 *
 * // A timeout settles the future at once and stops the task's loop.
 * const endless = ex.run(count, [Infinity], { timeout: 20 });
 * await assert.rejects(endless.result());
 * ```
 */
export interface TaskContext {
  /**
   * Aborts when the task is stopped: cancelled, aborted through the
   * `signal` of `run`, or timed out. Its `reason` is the caller's abort
   * reason, or the `TimeoutError` the future failed with. Pass it on to
   * `fetch` and other APIs that take a signal, or listen to it to clean up.
   *
   * @example Passing the signal on
   * ```ts
   * import { AsyncPoolExecutor, type TaskContext } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * let reason: unknown;
   * function wait(this: TaskContext): Promise<void> {
   *   return new Promise((resolve) => {
   *     this.signal.addEventListener("abort", () => {
   *       reason = this.signal.reason;
   *       resolve();
   *     });
   *   });
   * }
   *
   * await using ex = new AsyncPoolExecutor();
   * const controller = new AbortController();
   * const future = ex.run(wait, [], { signal: controller.signal });
   * controller.abort("no longer needed");
   * assert.equal(future.cancelled(), true);
   * assert.equal(reason, "no longer needed");
   * ```
   */
  readonly signal: AbortSignal;
  /**
   * Throws a `CancelledError` (its `cause` is the signal's reason) once the
   * task was stopped; otherwise does nothing. It is cheap and synchronous:
   * on a `WorkerPoolExecutor` it reads a flag in memory shared with the
   * pool, so it works inside a CPU loop that never yields. That is how
   * CPU-bound work on Workers stops on time, since Deno cannot stop a
   * Worker that is busy in synchronous code. In a `ProcessPoolExecutor`
   * child it sees the stop once the child's event loop turns (the process
   * is killed after `grace` anyway).
   *
   * @throws {CancelledError} Once the task was stopped.
   *
   * @example Checking in a loop
   * ```ts
   * import {
   *   AsyncPoolExecutor,
   *   CancelledError,
   *   type TaskContext,
   * } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * let thrown: unknown;
   * async function poll(this: TaskContext): Promise<void> {
   *   try {
   *     for (;;) {
   *       await new Promise((resolve) => setTimeout(resolve, 1));
   *       this.throwIfCancelled();
   *     }
   *   } catch (error) {
   *     thrown = error;
   *     throw error;
   *   }
   * }
   *
   * const ex = new AsyncPoolExecutor();
   * const future = ex.run(poll, [], { timeout: 10 });
   * await future.exception();
   * await ex.shutdown(); // waits for the task to end
   * assert.ok(thrown instanceof CancelledError);
   * ```
   */
  throwIfCancelled(): void;
  /**
   * Reports progress: `value` reaches the `onProgress` callback of `run`
   * on the caller's side. Values arrive in the order they were reported,
   * all before the task's future settles; a worker sends them in batches,
   * so frequent calls are cheap. On a worker pool the value is copied
   * (structured clone) at the call, so an object the task changes later
   * arrives as it was when reported. Calls after the task ended or was
   * stopped, or without an `onProgress`, are dropped.
   *
   * @param value Anything the caller understands: a count, a fraction, an
   * object.
   * @throws {DOMException} Named `DataCloneError`, on a worker pool, if the
   * value cannot be cloned (a function, a symbol); the values reported
   * before it still arrive.
   *
   * @example
   * ```ts
   * import { AsyncPoolExecutor, type TaskContext } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * function steps(this: TaskContext, n: number): string {
   *   for (let i = 1; i <= n; i++) this.progress(i / n);
   *   return "done";
   * }
   *
   * await using ex = new AsyncPoolExecutor();
   * const fractions: unknown[] = [];
   * const future = ex.run(steps, [4], { onProgress: (f) => fractions.push(f) });
   * assert.equal(await future.result(), "done");
   * assert.deepEqual(fractions, [0.25, 0.5, 0.75, 1]);
   * ```
   */
  progress(value: unknown): void;
  /**
   * Names buffers of the return value to move back to the caller instead
   * of copying them (on a `WorkerPoolExecutor`; other executors copy, or
   * hand the value over as it is). The task must not touch them after it
   * returns. Calls add to the list; duplicates are harmless.
   *
   * @param list `ArrayBuffer`s and other transferable objects.
   * @throws {TypeError} If an item is not an object.
   *
   * @example
   * ```ts
   * import { AsyncPoolExecutor, type TaskContext } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * function fill(this: TaskContext, size: number): Uint8Array {
   *   const bytes = new Uint8Array(size).fill(7);
   *   this.transfer(bytes.buffer);
   *   return bytes;
   * }
   *
   * await using ex = new AsyncPoolExecutor();
   * const bytes = await ex.submit(fill, 1024).result();
   * assert.equal(bytes.length, 1024);
   * assert.equal(bytes[1023], 7);
   * ```
   */
  transfer(...list: Transferable[]): void;
}
