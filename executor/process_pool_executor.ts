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
import type { WorkerPoolExecutorOptions } from "./worker_pool_executor.ts";
import { mapTasks } from "./_map.ts";
import { Pool } from "./_pool/pool.ts";
import { taskSpec } from "./_task.ts";
import { type CommonPoolOptions, poolConfig } from "./_pool/options.ts";
import { checkProcessSupport, checkV8Flags } from "./_pool/process_support.ts";
import { permissionFlags } from "./_pool/permission_flags.ts";
import { lazyTransport } from "./_pool/lazy_transport.ts";
import { isDeno, runtimeName } from "./_runtime.ts";
import { NotSupportedError } from "../future/errors.ts";
import { checkRunCall } from "./_run_options.ts";

// Loaded when a pool is made, by a URL no bundler follows: a browser
// bundle never sees its node: imports. It imports the child's entry, so
// both are in Deno's cache before the first child starts (which then
// waits on no network).
const PROCESS_TRANSPORT = new URL(
  "./_pool/process_transport.ts",
  import.meta.url,
);
type ProcessTransportModule = typeof import("./_pool/process_transport.ts");

// One import for the program: pools made one after another do not start
// dynamic imports of the same module while it is still being loaded.
let processTransportModule: Promise<ProcessTransportModule> | undefined;
function loadProcessTransport(): Promise<ProcessTransportModule> {
  processTransportModule ??=
    (import(PROCESS_TRANSPORT.href) as Promise<ProcessTransportModule>)
      .catch((error) => {
        // A failed load is tried again by the next pool.
        processTransportModule = undefined;
        throw error;
      });
  return processTransportModule;
}

/** Options for {@linkcode ProcessPoolExecutor}. */
// deno-lint-ignore no-explicit-any
export interface ProcessPoolExecutorOptions<A extends unknown[] = any[]>
  extends Omit<WorkerPoolExecutorOptions<A>, "permissions" | "workerUrl"> {
  /**
   * The child processes' sandbox, given to each as `--allow-*` flags:
   * `"inherit"` (every permission this program holds), `"none"`, or an
   * object read as for a Deno Worker, where a key left out is denied.
   * Plain functions run under any sandbox; a module task needs read
   * access to its files (e.g. `read: [dir]`). A denied access fails the
   * task with an error named `NotCapable`. No unstable flag is needed.
   * @default {"inherit"}
   */
  permissions?: Deno.PermissionOptions | "inherit";
  /** V8 flags for the children, e.g. `["--max-old-space-size=128"]`. */
  v8Flags?: string[];
}

/**
 * Python's process pool, for real: runs tasks in parallel in child
 * processes of the Deno binary running this program (`Deno.execPath()`).
 * Arguments and results cross by structured clone (V8 serialization, as
 * pickle); a value that cannot be cloned, or would arrive changed (a
 * `URL`, a `Deno.FsFile`, a `Blob`, which a child's messages cannot
 * carry), fails its future with an error named `DataCloneError`. Errors
 * come back as on a {@linkcode WorkerPoolExecutor}, with their fields,
 * and with their class when it is built in or given to
 * {@linkcode registerErrorClass} (see {@linkcode TaskFunction}).
 *
 * Stopping a task (its `timeout`, its `signal`, `terminateWorkers()`)
 * kills its process with `SIGKILL`, so CPU-bound work stops at once, which
 * no Worker can promise; a fresh process takes its place. Each child leads
 * a process group of its own, and the kill reaches the whole group (when
 * this program holds `--allow-run` in full, as `-A` gives), so nothing a
 * task started outlives it, nor the pool's shutdown. A task that
 * watches its {@linkcode TaskContext} (`this.signal`,
 * `this.throwIfCancelled()`) may end by itself within the `grace` of
 * `run` and keep its process. A child that
 * exits, is killed or runs out of memory fails only the task it ran, with
 * `WorkerCrashedError` naming how it ended. A task's `console.log` reaches
 * this program's stdout and stderr; no child outlives the pool, nor this
 * program, even one killed with `SIGKILL`.
 *
 * The channel to a child is part of the sandbox: a child that writes a
 * malformed message, or announces one longer than 1 GiB (the most a
 * message may carry, either way), is killed and fails its task with
 * `WorkerCrashedError`; nothing waits on what it announced.
 *
 * Tasks are plain functions (self-contained, shipped by source) or
 * {@linkcode moduleTask}s; a child resolves and loads imports as this
 * program does (same working directory, config and lock file), from
 * Deno's cache or, when it is empty (a first run, CI, a container), from
 * the network, as `deno run` would. Several
 * queued tasks may travel in one message when that is faster; a task
 * shipped to a child counts as running, as in Python (`cancel()` returns
 * `false` for it), so the pool keeps tasks until a child is about to need
 * them, and never ships one behind a task that has run longer than the
 * pool's usual task.
 *
 * Starting a process costs tens of milliseconds and each message a system
 * call: for many small tasks, or in browsers, use
 * {@linkcode WorkerPoolExecutor}.
 *
 * @example CPU-bound work in two processes
 * ```ts
 * import { ProcessPoolExecutor } from "@concurrent/futures/executor";
 * import assert from "node:assert/strict";
 *
 * function fib(n: number): number {
 *   return n < 2 ? n : fib(n - 1) + fib(n - 2);
 * }
 *
 * await using ex = new ProcessPoolExecutor({ maxWorkers: 2 });
 * const futures = [20, 21, 22].map((n) => ex.submit(fib, n));
 * const results = [];
 * for (const f of futures) results.push(await f.result());
 * assert.deepEqual(results, [6765, 10946, 17711]);
 * ```
 */
export class ProcessPoolExecutor implements Executor {
  #pool: Pool;
  #maxWorkers: number;

  /**
   * Creates the pool. Processes start on demand, when work is submitted,
   * except `minWorkers` of them, which start now.
   *
   * @param options Every {@linkcode WorkerPoolExecutor} option, with
   * `permissions` for the children's flags, and `v8Flags`.
   * @throws {NotSupportedError} Outside Deno (Node, Bun, browsers): use
   * {@linkcode WorkerPoolExecutor} there.
   * @throws {Deno.errors.NotCapable} If this program lacks `--allow-run` or
   * `--allow-env` (both are needed to start the children; `-A` has them).
   * @throws {RangeError} If `maxWorkers` or `maxTasksPerWorker` is not a
   * positive integer, `minWorkers` is not an integer from 0 to
   * `maxWorkers`, `idleTimeout` is negative, or a V8 flag holds a comma.
   * @throws {TypeError} For bad `permissions`, or an `initializer` that is
   * not a function or module task.
   *
   * @example
   * ```ts
   * import { ProcessPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * assert.throws(() => new ProcessPoolExecutor({ maxWorkers: 0 }), RangeError);
   * await using ex = new ProcessPoolExecutor({ maxWorkers: 2, name: "demo" });
   * assert.equal(ex.maxWorkers, 2);
   * ```
   */
  constructor(options: ProcessPoolExecutorOptions = {}) {
    const { permissions = "inherit", v8Flags } = options;
    if (!isDeno) {
      throw new NotSupportedError(
        `ProcessPoolExecutor starts child processes of the Deno binary, ` +
          `which ${runtimeName} cannot: use WorkerPoolExecutor, which runs ` +
          `tasks on worker threads here`,
      );
    }
    checkProcessSupport();
    // Checked now; the transport and its node: modules load on first use.
    permissionFlags(permissions);
    checkV8Flags(v8Flags ?? []);
    const config = poolConfig(
      options as CommonPoolOptions,
      "ProcessPoolExecutor",
      lazyTransport(
        () =>
          loadProcessTransport().then(({ processTransport }) =>
            processTransport({ permissions, v8Flags })
          ),
        false,
      ),
    );
    config.carriesHostObjects = false;
    this.#maxWorkers = config.maxWorkers;
    this.#pool = new Pool(config);
  }

  /**
   * The most processes, and so the most tasks running at once.
   *
   * @example
   * ```ts
   * import { ProcessPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * await using ex = new ProcessPoolExecutor({ maxWorkers: 3 });
   * assert.equal(ex.maxWorkers, 3);
   * ```
   */
  get maxWorkers(): number {
    return this.#maxWorkers;
  }

  /**
   * {@linkcode Executor.stats}: `workers` are live child processes, `busy`
   * those running a task.
   *
   * @example
   * ```ts
   * import { ProcessPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });
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
   * {@linkcode Executor.submit} in a child process: a plain `fn` travels by
   * its source (self-contained, see {@linkcode TaskFunction}), `args` by V8
   * serialization; an argument that cannot be cloned fails the future at once
   * (`DataCloneError`).
   *
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {TypeError} If `fn` cannot be sent to a process (a native,
   * bound or method-shorthand function).
   *
   * @example
   * ```ts
   * import { ProcessPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });
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
   * {@linkcode RunOptions}. On this pool, a running task hears of a stop
   * once its child's event loop turns (`this.signal`,
   * `this.throwIfCancelled()`); if it does not end within `grace`, its
   * process is killed with `SIGKILL`, with every process of its process
   * group (what the task started dies with it), so its work stops for
   * certain, even in a synchronous loop that never yields, and a fresh one
   * takes over when there is work for it.
   * `transfer` is accepted and copies, as does `this.transfer(...)`: a
   * process shares no memory with the pool.
   *
   * @param fn A self-contained function or a {@linkcode moduleTask}.
   * @param args Its arguments, as an array.
   * @param options `signal`, `timeout` (ms of running time, from the task's start), `transfer`,
   * `onProgress`, `grace` (ms).
   * @returns The future of its result.
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {RangeError} If `timeout` or `grace` is negative or NaN.
   * @throws {TypeError} If `fn` cannot be sent to a process, `args` is not
   * an array, `onProgress` is not a function, `signal` not an
   * `AbortSignal` or `transfer` not an array of objects.
   *
   * @example Stopping an endless loop
   * ```ts
   * import { ProcessPoolExecutor, TimeoutError } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });
   * const stuck = ex.run(() => {
   *   for (;;) Math.random();
   * }, [], { timeout: 50 });
   * await assert.rejects(stuck.result(), TimeoutError);
   * assert.equal(await ex.submit(() => "still serving").result(), "still serving");
   * ```
   *
   * @example Progress, and a cooperative stop that keeps the process
   * ```ts
   * import {
   *   ProcessPoolExecutor,
   *   type TaskContext,
   *   TimeoutError,
   * } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * async function crunch(this: TaskContext, rounds: number): Promise<number> {
   *   let sum = 0;
   *   for (let round = 1; round <= rounds; round++) {
   *     for (let i = 0; i < 100_000; i++) sum += i % 7;
   *     this.progress(round);
   *     // The stop message is read when the event loop turns.
   *     await new Promise((resolve) => setTimeout(resolve, 0));
   *     this.throwIfCancelled();
   *   }
   *   return sum;
   * }
   *
   * await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });
   * const rounds: unknown[] = [];
   * const future = ex.run(crunch, [3], { onProgress: (r) => rounds.push(r) });
   * assert.equal(await future.result(), 899_985);
   * assert.deepEqual(rounds, [1, 2, 3]);
   *
   * const pid = await ex.submit(() => Deno.pid).result();
   * const endless = ex.run(crunch, [Infinity], { timeout: 50, grace: 2000 });
   * await assert.rejects(endless.result(), TimeoutError);
   * // It ended within its grace: the same process serves the next task.
   * assert.equal(await ex.submit(() => Deno.pid).result(), pid);
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
   * {@linkcode Executor.map} in the child processes: each chunk of
   * `chunksize` items is one task, which makes many small tasks cheaper.
   *
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {RangeError} For a bad `timeout`, `chunksize` or `buffersize`.
   * @throws {TimeoutError} From the iterator, when `timeout` passes.
   *
   * @example
   * ```ts
   * import { ProcessPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * await using ex = new ProcessPoolExecutor({ maxWorkers: 2 });
   * const squares = [];
   * for await (const n of ex.map((x: number) => x * x, [1, 2, 3, 4])) {
   *   squares.push(n);
   * }
   * assert.deepEqual(squares, [1, 4, 9, 16]);
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
   * {@linkcode Executor.shutdown}: `cancelFutures` cancels the tasks still in
   * the pool's queue (those shipped to a process count as running), and each
   * process exits once it has no more work.
   *
   * @example
   * ```ts
   * import { InvalidStateError, ProcessPoolExecutor } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const ex = new ProcessPoolExecutor({ maxWorkers: 1 });
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
   * Kills every child process now (`SIGKILL`) and shuts the executor down
   * (Python 3.14's `terminate_workers`): running tasks fail with
   * `WorkerCrashedError`, tasks that have not started are cancelled.
   *
   * @example
   * ```ts
   * import { ProcessPoolExecutor, WorkerCrashedError } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const ex = new ProcessPoolExecutor({ maxWorkers: 1 });
   * const stuck = ex.submit(() => {
   *   for (;;) Math.random();
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
   * import { ProcessPoolExecutor } from "@concurrent/futures/executor";
   * import assert from "node:assert/strict";
   *
   * let future;
   * {
   *   await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });
   *   future = ex.submit(() => "done");
   * }
   * assert.equal(future.resultNow(), "done");
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }
}
