// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { Future } from "../future/future.ts";
import type {
  Executor,
  ExecutorStats,
  MapOptions,
  RunOptions,
  ShutdownOptions,
  TaskFunction,
} from "./executor.ts";
import { mapTasks } from "./_map.ts";
import { Pool } from "./_pool/pool.ts";
import { taskSpec } from "./_task.ts";
import { checkRunCall } from "./_run_options.ts";
import { type CommonPoolOptions, poolConfig } from "./_pool/options.ts";
import { workerTransport } from "./_pool/worker_transport.ts";
import { isDeno, runtimeName } from "./_runtime.ts";
import { NotSupportedError } from "../future/errors.ts";

/** Options for {@linkcode WorkerPoolExecutor}. */
// deno-lint-ignore no-explicit-any
export interface WorkerPoolExecutorOptions<A extends unknown[] = any[]> {
  /**
   * The most workers, and so the most tasks running at once (a positive
   * integer). @default {navigator.hardwareConcurrency (Node 20: os.availableParallelism())}
   */
  maxWorkers?: number;
  /**
   * Workers started at construction and kept past `idleTimeout` (an
   * integer from 0 to `maxWorkers`), so that the first tasks do not wait
   * for a worker to start. @default {0}
   */
  minWorkers?: number;
  /**
   * Runs once in every worker before its first task, with `initargs`; its
   * global state is visible to the tasks. If it throws, the executor is
   * broken: pending and later futures fail with `BrokenExecutorError`.
   */
  initializer?: TaskFunction<A, unknown>;
  /** The arguments of `initializer`. */
  initargs?: A;
  /**
   * Recycles a worker after this many tasks (a positive integer); a fresh
   * worker takes its place. @default {Infinity}
   */
  maxTasksPerWorker?: number;
  /**
   * Milliseconds after which an idle worker is closed, so that a pool that
   * is never shut down does not keep the process alive for longer.
   * `Infinity` keeps workers until `shutdown`. @default {1000}
   */
  idleTimeout?: number;
  /**
   * Sandboxes the workers, e.g. `"none"`; by default they inherit the
   * program's permissions.
   *
   * Needs `--unstable-worker-options` (or `"unstable": ["worker-options"]`
   * in the program's `deno.json`). Without it, Deno ends the whole program
   * with exit code 70 when the first worker starts, and no API tells a
   * library beforehand whether the flag is set. A library that cannot
   * count on its users' flags should sandbox with
   * {@linkcode ProcessPoolExecutor}, which needs no unstable flag.
   */
  permissions?: Deno.PermissionOptions;
  /** The pool's name; workers are named after it. */
  name?: string;
  /**
   * The URL of the workers' entry module. By default it is
   * `_runner/worker.ts` (or `.js`, matching the package's own extension) in
   * the package's `executor/` folder, which holds when the package runs from its files
   * (Deno, JSR, npm). A bundled program bundles that entry too and names
   * it here, or places it as `_worker.js` beside the bundle (README,
   * "Browsers and bundles").
   */
  workerUrl?: string | URL;
}

/**
 * Runs tasks in parallel on Workers, as Python's `ProcessPoolExecutor`
 * runs them in processes: each worker is a separate isolate, arguments and
 * results are copied by structured clone. The Workers are the runtime's
 * own: Deno's and Bun's Web Workers, module Web Workers in a browser,
 * `node:worker_threads` on Node. Where there is no shared memory (a page
 * without cross-origin isolation), the pool works by messages alone, and a
 * task shipped to a worker counts as running.
 *
 * A task is a plain function, shipped to each worker once by its source
 * text (so it must be self-contained: no closure over outer variables; it
 * may `await import(...)`), or a {@linkcode moduleTask}, imported once per
 * worker. Both may be sync or async. A worker runs one task at a time.
 * When tasks wait, the pool ships several to a worker in one message,
 * sized to keep it busy for about one round trip, and results come back
 * in batches too; a lone task on an idle pool still goes at once. Every
 * guarantee holds for each task of a batch: `cancel()` returns `true`
 * exactly when the task will never start, aborting one task hurts no
 * other, and an idle worker takes back tasks waiting behind a slow one.
 *
 * Every task is called with `this` bound to its {@linkcode TaskContext}:
 * it can report progress to the caller, and notice that it was stopped,
 * even inside a synchronous CPU loop (see `run`).
 *
 * Errors come back with their class (built-in ones, and those given to
 * {@linkcode registerErrorClass}), `name`, `message`, the worker-side
 * `stack`, `cause` and own fields; a closure over the caller's variables
 * fails with a `ReferenceError` that says why, and a value that would
 * arrive changed (a `URL`, a `Deno.FsFile`) with a `DataCloneError` (see
 * {@linkcode TaskFunction}). A worker that dies
 * (an uncaught error, `self.close()`, `Deno.exit()`) fails only the task
 * it was running, with `WorkerCrashedError`, and is replaced.
 *
 * @example CPU-bound work on two workers
 * ```ts
 * import { WorkerPoolExecutor } from "@concurrent/futures/executor";
 * import assert from "node:assert/strict";
 *
 * function fib(n: number): number {
 *   return n < 2 ? n : fib(n - 1) + fib(n - 2);
 * }
 *
 * await using ex = new WorkerPoolExecutor({ maxWorkers: 2 });
 * const futures = [20, 21, 22].map((n) => ex.submit(fib, n));
 * const results = [];
 * for (const f of futures) results.push(await f.result());
 * assert.deepEqual(results, [6765, 10946, 17711]);
 * ```
 */
export class WorkerPoolExecutor implements Executor {
  #pool: Pool;
  #maxWorkers: number;

  /**
   * Creates the pool. Workers start on demand, when work is submitted,
   * except `minWorkers` of them, which start now.
   *
   * @param options `maxWorkers`, `minWorkers`, `initializer`/`initargs`,
   * `maxTasksPerWorker`, `idleTimeout`, `permissions`, `name`, `workerUrl`.
   * @throws {NotSupportedError} If `permissions` is given outside Deno.
   * @throws {RangeError} If `maxWorkers` or `maxTasksPerWorker` is not a
   * positive integer, `minWorkers` is not an integer from 0 to
   * `maxWorkers`, or `idleTimeout` is negative.
   * @throws {TypeError} If `initializer` is not a function or module task,
   * or cannot be sent to a worker.
   *
   * @example
   * ```ts
   * import { WorkerPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * assert.throws(() => new WorkerPoolExecutor({ maxWorkers: 0 }), RangeError);
   * await using ex = new WorkerPoolExecutor({ maxWorkers: 2, name: "demo" });
   * assert.equal(ex.maxWorkers, 2);
   * ```
   */
  constructor(options: WorkerPoolExecutorOptions = {}) {
    if (options.permissions !== undefined && !isDeno) {
      throw new NotSupportedError(
        `WorkerPoolExecutor's permissions are Deno's; ${runtimeName} cannot ` +
          `sandbox a worker: leave the option out`,
      );
    }
    const config = poolConfig(
      options as CommonPoolOptions,
      "WorkerPoolExecutor",
      workerTransport(options.permissions, options.workerUrl),
    );
    this.#maxWorkers = config.maxWorkers;
    // Without minWorkers, nothing starts before the first task.
    this.#pool = new Pool(config);
  }

  /**
   * The most workers, and so the most tasks running at once.
   *
   * @example
   * ```ts
   * import { WorkerPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * await using ex = new WorkerPoolExecutor({ maxWorkers: 3 });
   * assert.equal(ex.maxWorkers, 3);
   * ```
   */
  get maxWorkers(): number {
    return this.#maxWorkers;
  }

  /**
   * {@linkcode Executor.stats}: `workers` are live Workers, `busy` those
   * running a task.
   *
   * @example
   * ```ts
   * import { WorkerPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
   * await ex.submit((x: number) => x, 1).result();
   * await ex.submit(() => { throw new Error("no"); }).exception();
   * const { completed, failed, workers } = ex.stats;
   * assert.deepEqual({ completed, failed, workers }, {
   *   completed: 2, failed: 1, workers: 1,
   * });
   * ```
   */
  get stats(): ExecutorStats {
    return this.#pool.stats;
  }

  /**
   * {@linkcode Executor.submit} on a Worker: a plain `fn` travels by its
   * source (self-contained, see {@linkcode TaskFunction}), `args` by
   * structured clone; an argument that cannot be cloned fails the future at
   * once (`DataCloneError`).
   *
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {TypeError} If `fn` cannot be sent to a worker (a native, bound
   * or method-shorthand function).
   *
   * @example
   * ```ts
   * import { WorkerPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
   * const future = ex.submit(async (a: number, b: number) => a * b, 6, 7);
   * assert.equal(await future.result(), 42);
   * ```
   */
  submit<A extends unknown[], R>(
    fn: TaskFunction<A, R>,
    ...args: A
  ): Future<Awaited<R>> {
    return this.run(fn, args);
  }

  /**
   * {@linkcode Executor.run}: `submit` with the per-task options of
   * {@linkcode RunOptions}. On this pool, a stopped task that does not end
   * within `grace` has its Worker terminated and replaced, and the tasks
   * queued behind it on that Worker go back to the pool's queue;
   * `transfer` moves argument buffers to the Worker, and the task moves
   * buffers of its result back with `this.transfer(...)`.
   *
   * Deno 2.9.6 cannot terminate a Worker that is busy in synchronous code:
   * a CPU loop that timed out keeps its thread busy, and the process
   * alive, until it ends. `this.throwIfCancelled()` is the cure: it reads
   * a stop flag in memory shared with the pool, so it throws a
   * `CancelledError` inside a loop that never yields, as soon as the task
   * is stopped. Call it in CPU-bound loops, and give them a `grace` to keep
   * their worker. A task that awaits (timers, I/O, promises) stops at once
   * when its worker is terminated.
   *
   * @param fn A self-contained function or a {@linkcode moduleTask}.
   * @param args Its arguments, as an array.
   * @param options `signal`, `timeout` (ms of running time, from the task's start), `transfer`,
   * `onProgress`, `grace` (ms).
   * @returns The future of its result.
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {RangeError} If `timeout` or `grace` is negative or NaN.
   * @throws {TypeError} If `fn` cannot be sent to a worker, `args` is not
   * an array, `onProgress` is not a function, `signal` not an
   * `AbortSignal` or `transfer` not an array of objects.
   *
   * @example A CPU loop that reports progress and stops on time
   * ```ts
   * import {
   *   type TaskContext,
   *   TimeoutError,
   *   WorkerPoolExecutor,
   * } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * function count(this: TaskContext, to: number): number {
   *   let n = 0;
   *   while (n < to) {
   *     for (let i = 0; i < 100_000; i++) n += i % 2; // no await anywhere
   *     this.throwIfCancelled(); // ends the loop once the task is stopped
   *     this.progress(n);
   *   }
   *   return n;
   * }
   *
   * await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
   * const seen: unknown[] = [];
   * const future = ex.run(count, [150_000], { onProgress: (n) => seen.push(n) });
   * assert.equal(await future.result(), 150_000);
   * assert.deepEqual(seen, [50_000, 100_000, 150_000]);
   *
   * // Endless: the future fails at once, the loop ends at its next check,
   * // and within the grace its worker is kept for the next task.
   * const endless = ex.run(count, [Infinity], { timeout: 50, grace: 1000 });
   * await assert.rejects(endless.result(), TimeoutError);
   * assert.equal(await ex.submit(() => "still serving").result(), "still serving");
   * ```
   */
  run<A extends unknown[], R>(
    fn: TaskFunction<A, R>,
    args: A,
    options: RunOptions = {},
  ): Future<Awaited<R>> {
    const spec = taskSpec(fn as TaskFunction<never, unknown>);
    checkRunCall(args, options);
    return this.#pool.submit(spec, args, options) as Future<Awaited<R>>;
  }

  /**
   * {@linkcode Executor.map} on the Workers: each chunk of `chunksize`
   * items travels in one message, which makes many small tasks much cheaper.
   *
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {RangeError} For a bad `timeout`, `chunksize` or `buffersize`.
   * @throws {TimeoutError} From the iterator, when `timeout` passes.
   *
   * @example
   * ```ts
   * import { WorkerPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * await using ex = new WorkerPoolExecutor({ maxWorkers: 2 });
   * const squares = [];
   * const items = Array.from({ length: 1000 }, (_, i) => i);
   * for await (const n of ex.map((x: number) => x * x, items, { chunksize: 100 })) {
   *   squares.push(n);
   * }
   * assert.equal(squares[999], 998001);
   * ```
   */
  map<A, R>(
    fn: TaskFunction<[A], R>,
    items: Iterable<A> | AsyncIterable<A>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>> {
    const spec = taskSpec(fn as TaskFunction<never, unknown>);
    this.#pool.checkOpen();
    return mapTasks<A, Awaited<R>>({
      items,
      options,
      submitBatch: (batch) =>
        this.#pool.submit(spec, batch, { batch: true }) as Future<
          Awaited<R>[]
        >,
      // map() items are checked when they travel, as chunks are.
      submitOne: (item) =>
        this.#pool.submit(spec, [item], { precheck: false }) as Future<
          Awaited<R>
        >,
    });
  }

  /**
   * {@linkcode Executor.shutdown}: `cancelFutures` also cancels the tasks a
   * Worker holds queued, and each Worker is closed once it has no more work.
   *
   * @example
   * ```ts
   * import { InvalidStateError, WorkerPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const ex = new WorkerPoolExecutor({ maxWorkers: 1 });
   * const futures = [1, 2, 3].map((n) => ex.submit((x: number) => x + 1, n));
   * await ex.shutdown();
   * assert.equal(futures[2].resultNow(), 4);
   * assert.throws(() => ex.submit(() => 0), InvalidStateError);
   * ```
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false } = options;
    return this.#pool.shutdown(wait, cancelFutures);
  }

  /**
   * Stops every worker now and shuts the executor down: running tasks fail
   * with `WorkerCrashedError`, tasks that have not started are cancelled.
   *
   * @example
   * ```ts
   * import { WorkerCrashedError, WorkerPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const ex = new WorkerPoolExecutor({ maxWorkers: 1 });
   * const stuck = ex.submit(() => {
   *   const end = Date.now() + 300;
   *   while (Date.now() < end) Math.random();
   * });
   * const next = ex.submit(() => 1);
   * await ex.shutdown({ wait: false });
   * ex.terminateWorkers();
   * await assert.rejects(stuck.result(), WorkerCrashedError);
   * assert.equal(next.cancelled(), true);
   * ```
   */
  terminateWorkers(): void {
    this.#pool.terminateWorkers();
  }

  /**
   * `shutdown({ wait: true })`, for `await using`, as on every
   * {@linkcode Executor}.
   *
   * @example
   * ```ts
   * import { WorkerPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * let future;
   * {
   *   await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
   *   future = ex.submit(() => "done");
   * }
   * assert.equal(future.resultNow(), "done");
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }
}
