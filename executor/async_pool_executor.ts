// Copyright 2026 the @concurrent/futures authors. MIT license.
import { chainFuture } from "../future/_chain.ts";
import { Future } from "../future/future.ts";
import { InvalidStateError, type TimeoutError } from "../future/errors.ts";
import type {
  Executor,
  ExecutorStats,
  MapOptions,
  RunOptions,
  ShutdownOptions,
  TaskFunction,
} from "./executor.ts";
import { mapTasks } from "./_map.ts";
import { checkPositiveInteger, checkTask } from "./_task.ts";
import { Fifo } from "./_fifo.ts";
import { PoolFuture } from "./_pool/future.ts";
import { RunningTaskContext } from "./_task_context.ts";
import {
  armStop,
  callTask,
  checkRunCall,
  deliverProgress,
} from "./_run_options.ts";

/** Options for {@linkcode AsyncPoolExecutor}. */
export interface AsyncPoolExecutorOptions {
  /** The most calls in progress at once (a positive integer). @default {16} */
  maxWorkers?: number;
  /** A name for the pool, shown when it is inspected. */
  name?: string;
}

interface Job {
  future: PoolFuture<unknown>;
  fn: TaskFunction<unknown[], unknown>;
  args: unknown[];
  onProgress: ((value: unknown) => void) | undefined;
  /** Milliseconds of running time it may take, from its start. */
  timeout: number | undefined;
  /** The task's `this`, once it started. */
  context: RunningTaskContext | undefined;
}

/**
 * An executor on the current thread: runs async functions with at most
 * `maxWorkers` calls in progress at once. It is the job Python gives
 * `ThreadPoolExecutor`: bounding I/O-bound work. Closures are fine here,
 * since nothing is copied; CPU-bound work wants a
 * {@linkcode WorkerPoolExecutor}.
 *
 * Each task is called with `this` bound to its {@linkcode TaskContext}:
 * `run` takes `onProgress`, and a task stopped by `signal` or `timeout`
 * learns of it through `this.signal`.
 *
 * @example Fetch-like work, three at a time
 * ```ts
 * import { AsyncPoolExecutor } from "@concurrent/futures/executor";
 * import assert from "node:assert/strict";
 *
 * let inProgress = 0;
 * let most = 0;
 * async function load(id: number): Promise<string> {
 *   most = Math.max(most, ++inProgress);
 *   await new Promise((resolve) => setTimeout(resolve, 5));
 *   inProgress--;
 *   return `item ${id}`;
 * }
 *
 * await using ex = new AsyncPoolExecutor({ maxWorkers: 3 });
 * const futures = [1, 2, 3, 4, 5, 6].map((id) => ex.submit(load, id));
 * assert.equal(await futures[5].result(), "item 6");
 * assert.equal(most, 3);
 * ```
 */
export class AsyncPoolExecutor implements Executor {
  #maxWorkers: number;
  #name: string;
  #queue = new Fifo<Job>();
  #running = 0;
  #completed = 0;
  #failed = 0;
  #shutdown = false;
  #idle: (() => void)[] = [];

  /**
   * Creates the pool; nothing runs until work is submitted.
   *
   * @param options `maxWorkers` and `name`.
   * @throws {RangeError} If `maxWorkers` is not a positive integer.
   *
   * @example
   * ```ts
   * import { AsyncPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * assert.throws(() => new AsyncPoolExecutor({ maxWorkers: 0 }), RangeError);
   * await using ex = new AsyncPoolExecutor({ maxWorkers: 4 });
   * assert.equal(ex.maxWorkers, 4);
   * ```
   */
  constructor(options: AsyncPoolExecutorOptions = {}) {
    const { maxWorkers = 16, name = "AsyncPoolExecutor" } = options;
    checkPositiveInteger(maxWorkers, "maxWorkers", true);
    this.#maxWorkers = maxWorkers;
    this.#name = String(name);
  }

  /**
   * The most calls in progress at once.
   *
   * @example
   * ```ts
   * import { AsyncPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * await using ex = new AsyncPoolExecutor();
   * assert.equal(ex.maxWorkers, 16);
   * ```
   */
  get maxWorkers(): number {
    return this.#maxWorkers;
  }

  /**
   * {@linkcode Executor.stats}: `workers` and `busy` both count the calls in
   * progress.
   *
   * @example
   * ```ts
   * import { AsyncPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * await using ex = new AsyncPoolExecutor({ maxWorkers: 1 });
   * const fail = ex.submit(() => Promise.reject(new Error("no")));
   * const ok = ex.submit(() => 1);
   * assert.equal(ex.stats.queued, 1);
   * await fail.exception();
   * await ok.result();
   * assert.deepEqual(ex.stats, {
   *   workers: 0, busy: 0, queued: 0, completed: 2, failed: 1,
   * });
   * ```
   */
  get stats(): ExecutorStats {
    return {
      workers: this.#running,
      busy: this.#running,
      queued: [...this.#queue].filter((job) => !job.future.done()).length,
      completed: this.#completed,
      failed: this.#failed,
    };
  }

  /**
   * {@linkcode Executor.submit} on this thread: `fn` is called as it is, with
   * `args` as they are (nothing is copied), at once if fewer than
   * `maxWorkers` calls are in progress, otherwise when one ends. A module
   * task's module is imported first.
   *
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {TypeError} If `fn` is not a function or a module task.
   *
   * @example
   * ```ts
   * import { AsyncPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * await using ex = new AsyncPoolExecutor();
   * const future = ex.submit(async (a: number, b: number) => a + b, 2, 3);
   * assert.equal(await future.result(), 5);
   * ```
   */
  submit<A extends unknown[], R>(
    fn: TaskFunction<A, R>,
    ...args: A
  ): Future<Awaited<R>> {
    return this.run(fn, args);
  }

  /**
   * `submit` with per-task options. `signal` and `timeout` settle the
   * future at once (cancelled, or failed with a `TimeoutError`).
   * `timeout` counts running time, from the moment the task starts: a
   * task waiting for one of the `maxWorkers` places is not timed (for a
   * deadline from the call, pass `signal: AbortSignal.timeout(ms)`). A task
   * that has not started never starts, a running one sees its `this.signal`
   * abort with the signal's reason or the `TimeoutError`. Nothing on the
   * current thread can be killed, so a running task ends only when it
   * notices (its signal, `this.throwIfCancelled()`); until then it keeps its
   * place among the `maxWorkers` calls in progress. `onProgress` receives
   * each `this.progress(value)` at once, in order. `grace` and `transfer`
   * are checked, as on every executor, and otherwise ignored (nothing is
   * copied or killed).
   *
   * @param fn The function or module task; it is called with `this` bound
   * to its {@linkcode TaskContext}.
   * @param args Its arguments, as an array.
   * @param options `signal`, `timeout` (ms of running time, from the task's start), `onProgress`.
   * @returns The future of its result.
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {RangeError} If `timeout` or `grace` is negative or NaN.
   * @throws {TypeError} If `fn` is not a function or a module task, `args`
   * is not an array, `onProgress` is not a function, `signal` not an
   * `AbortSignal` or `transfer` not an array of objects.
   *
   * @example Progress, and a timeout that stops the task
   * ```ts
   * import {
   *   AsyncPoolExecutor,
   *   type TaskContext,
   *   TimeoutError,
   * } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * async function download(this: TaskContext, chunks: number): Promise<string> {
   *   for (let i = 1; i <= chunks; i++) {
   *     await new Promise((resolve) => setTimeout(resolve, 2));
   *     if (this.signal.aborted) return "gave up";
   *     this.progress(i);
   *   }
   *   return "complete";
   * }
   *
   * await using ex = new AsyncPoolExecutor();
   * const chunks: unknown[] = [];
   * const ok = ex.run(download, [3], { onProgress: (i) => chunks.push(i) });
   * assert.equal(await ok.result(), "complete");
   * assert.deepEqual(chunks, [1, 2, 3]);
   *
   * const slow = ex.run(download, [1000], { timeout: 10 });
   * await assert.rejects(slow.result(), TimeoutError);
   * ```
   */
  run<A extends unknown[], R>(
    fn: TaskFunction<A, R>,
    args: A,
    options: RunOptions = {},
  ): Future<Awaited<R>> {
    this.#checkOpen();
    checkTask(fn);
    checkRunCall(args, options);
    const { signal, timeout, onProgress } = options;
    const future = new PoolFuture<unknown>(() => true);
    const job: Job = {
      future,
      fn: fn as TaskFunction<unknown[], unknown>,
      args,
      onProgress,
      timeout,
      context: undefined,
    };
    if (signal?.aborted) {
      future.forceCancel();
      return future as Future<Awaited<R>>;
    }
    // The signal counts from now; the timeout once the task starts.
    if (signal !== undefined) {
      armStop(
        future,
        { signal },
        (error, reason) => this.#stop(job, error, reason),
      );
    }
    if (this.#running < this.#maxWorkers) this.#start(job);
    else this.#queue.push(job);
    return future as Future<Awaited<R>>;
  }

  /**
   * {@linkcode Executor.map} with at most `maxWorkers` calls at once;
   * `chunksize` is checked and otherwise ignored, as Python's thread pool
   * does.
   *
   * @throws {RangeError} For a bad `timeout`, `chunksize` or `buffersize`.
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {TimeoutError} From the iterator, when `timeout` passes.
   *
   * @example
   * ```ts
   * import { AsyncPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * await using ex = new AsyncPoolExecutor({ maxWorkers: 2 });
   * const lengths = [];
   * for await (const n of ex.map(async (s: string) => s.length, ["a", "bb"])) {
   *   lengths.push(n);
   * }
   * assert.deepEqual(lengths, [1, 2]);
   * ```
   */
  map<A, R>(
    fn: TaskFunction<[A], R>,
    items: Iterable<A> | AsyncIterable<A>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>> {
    checkTask(fn);
    this.#checkOpen();
    const task = fn as TaskFunction<[A], R>;
    return mapTasks<A, Awaited<R>>({
      items,
      options,
      submitBatch: (batch) => {
        const future = this.submit(task, batch[0]);
        const wrapped = new Future<Awaited<R>[]>();
        // Cancelling the batch cancels the call if it has not started.
        chainFuture(future, wrapped, (value) => [value]);
        return wrapped;
      },
      batching: false,
    });
  }

  /**
   * {@linkcode Executor.shutdown}: with `wait`, the promise resolves once
   * every call has ended (nothing can be killed here).
   *
   * @example
   * ```ts
   * import { AsyncPoolExecutor, InvalidStateError } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const ex = new AsyncPoolExecutor({ maxWorkers: 1 });
   * const first = ex.submit(() => new Promise((r) => setTimeout(r, 5)));
   * const second = ex.submit(() => 2);
   * await ex.shutdown({ cancelFutures: true });
   * assert.equal(first.done(), true);
   * assert.equal(second.cancelled(), true);
   * assert.throws(() => ex.submit(() => 3), InvalidStateError);
   * ```
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false } = options;
    this.#shutdown = true;
    if (cancelFutures) {
      for (const job of this.#queue.drain()) job.future.cancel();
    }
    if (!wait || (this.#running === 0 && this.#queue.length === 0)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * `shutdown({ wait: true })`, for `await using`, as on every
   * {@linkcode Executor}.
   *
   * @example
   * ```ts
   * import { AsyncPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * let future;
   * {
   *   await using ex = new AsyncPoolExecutor();
   *   future = ex.submit(() => new Promise((r) => setTimeout(() => r(1), 5)));
   * }
   * assert.equal(future.done(), true);
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  #checkOpen(): void {
    if (this.#shutdown) {
      throw new InvalidStateError(
        `Cannot submit to ${this.#name} after shutdown`,
      );
    }
  }

  /**
   * An abort (`error` undefined) or a timeout: the future settles now, a
   * running task is told through its signal.
   */
  #stop(job: Job, error: TimeoutError | undefined, reason?: unknown): void {
    const { future } = job;
    if (future.done()) return;
    if (error === undefined) future.forceCancel();
    else {
      this.#completed++;
      this.#failed++;
      future.setException(error);
    }
    job.context?.stop(error ?? reason);
  }

  #start(job: Job): void {
    const { future, fn, args, onProgress } = job;
    if (!future.setRunningOrNotifyCancel()) {
      this.#next();
      return;
    }
    this.#running++;
    if (job.timeout !== undefined) {
      armStop(
        future,
        { timeout: job.timeout },
        (error) => this.#stop(job, error),
      );
    }
    const context = new RunningTaskContext({
      interval: 0,
      sink: onProgress && ((values) => deliverProgress(onProgress, values)),
    });
    job.context = context;
    const promise = callTask(fn, args, context);
    promise.then(
      (value) => this.#end(job, true, value),
      (error) => this.#end(job, false, error),
    );
  }

  /** The call is over; its outcome is dropped if the future settled. */
  #end(job: Job, ok: boolean, outcome: unknown): void {
    const { future, context } = job;
    this.#running--;
    job.context = undefined;
    context!.end();
    if (!future.done()) {
      this.#completed++;
      if (ok) future.setResult(outcome);
      else {
        this.#failed++;
        future.setException(outcome);
      }
    }
    this.#next();
  }

  #next(): void {
    while (this.#running < this.#maxWorkers && this.#queue.length > 0) {
      const job = this.#queue.shift()!;
      if (job.future.done()) continue;
      this.#start(job);
    }
    if (this.#running === 0 && this.#queue.length === 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const resolve of idle) resolve();
    }
  }

  /**
   * Shows the name and the stats in `console.log`.
   *
   * @returns A one-line description.
   *
   * @example
   * ```ts
   * import { AsyncPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using pool = new AsyncPoolExecutor();
   * assert.equal(
   *   Deno.inspect(pool),
   *   'AsyncPoolExecutor {"workers":0,"busy":0,"queued":0,"completed":0,"failed":0}',
   * );
   * ```
   */
  [Symbol.for("Deno.customInspect")](): string {
    return `${this.#name} ${JSON.stringify(this.stats)}`;
  }
}
