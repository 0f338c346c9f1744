// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { Future } from "../future/future.ts";
import type { ModuleTask } from "./module_task.ts";
import type { TaskContext } from "./task_context.ts";

/**
 * What an executor runs: a plain function, or a module export named by
 * {@linkcode moduleTask}. Either may be sync or async.
 *
 * A worker pool ships a plain function by its source text, so it must be
 * self-contained (no closure over outer variables; it may
 * `await import(...)`); an {@linkcode AsyncPoolExecutor} calls it as it is.
 *
 * What crosses to a worker (a Deno Worker, a child process, another
 * machine) arrives as it was sent, or fails loudly:
 *
 * - **Closures.** A plain function that names a variable it does not
 *   declare and that is not a global of the runtime fails with a
 *   `ReferenceError` naming the variable and saying why, with the line of
 *   the function's source in its stack. Globals that exist only where
 *   tasks run (`name`, `self`, `close`, `postMessage`, `onmessage`) are
 *   not visible to its source (`globalThis.name` still is), so a task never
 *   reads the worker's `name` where it meant the caller's.
 * - **Errors** come back with their class when it is a built-in one or
 *   this package's (`TimeoutError`, ...), or one registered with
 *   {@linkcode registerErrorClass}; any other arrives as an `Error` with
 *   its `name`. Each keeps its `message`, the stack where it was thrown,
 *   `cause` and `AggregateError.errors` (recursively) and its own data
 *   fields (`code`, `status`, ...).
 * - **Values** are copied by structured clone: a class instance arrives as
 *   a plain object with its own enumerable fields (its methods and private
 *   fields stay behind). A value that would arrive as something else than
 *   was sent fails its future with a `DOMException` named
 *   `DataCloneError` that names its class, on the way in (arguments) and
 *   out (results, progress values): an instance without fields of its
 *   own, which would arrive as `{}` (a `URL`, a `Deno.FsFile` or another
 *   resource, a `Headers`, ...), and `Blob`, `File` or `CryptoKey` on a
 *   child process, whose messages cannot carry them. `Date`, `RegExp`, `Map`, `Set`,
 *   buffers and typed arrays, errors and boxed primitives travel as they
 *   are.
 *
 * Every executor calls a task with `this` bound to a {@linkcode TaskContext};
 * a task that wants it declares `function task(this: TaskContext, ...)`,
 * one that ignores it needs nothing. A task declaring another `this` type
 * is refused by the type checker.
 *
 * @typeParam A The argument tuple.
 * @typeParam R What the function returns (a promise is awaited).
 */
export type TaskFunction<A extends unknown[], R> =
  | ((this: TaskContext, ...args: A) => R)
  | ModuleTask<A, R>;

/** Options for {@linkcode Executor.map}. */
export interface MapOptions {
  /**
   * Milliseconds, counted from the call to `map`, within which every result
   * must be ready; when they pass, the iterator throws a `TimeoutError` and
   * the work that has not started is cancelled. None means no limit.
   */
  timeout?: number;
  /**
   * How many items go to a worker in one message (a positive integer).
   * Large values cut the messaging cost of many small tasks. An
   * {@linkcode AsyncPoolExecutor} checks it and otherwise ignores it, as
   * Python's thread pool does. @default {1}
   */
  chunksize?: number;
  /**
   * The most chunks submitted but not yet yielded (a positive integer):
   * `map` reads its input only that far ahead, so an endless iterable works.
   * None means the whole input is read and submitted at once.
   */
  buffersize?: number;
  /**
   * Stops the map: the iterator throws `signal.reason`, the input is no
   * longer read, and the work that has not started is cancelled.
   */
  signal?: AbortSignal;
}

/** Options for {@linkcode Executor.shutdown}. */
export interface ShutdownOptions {
  /**
   * Whether the returned promise waits until running work is done and the
   * workers are gone. @default {true}
   */
  wait?: boolean;
  /** Cancels the submitted work that has not started. @default {false} */
  cancelFutures?: boolean;
}

/**
 * Per-task options for `run`. Every executor honours `signal`, `timeout`
 * and `onProgress`; `transfer` and `grace` concern the worker pools only
 * (an {@linkcode AsyncPoolExecutor} copies nothing and kills nothing).
 */
export interface RunOptions {
  /**
   * Stops the task: one that has not started never starts; the future is
   * cancelled at once. A running task sees its `this.signal` abort with
   * the signal's reason; on a worker pool, its worker is killed and
   * replaced unless the task ends within `grace`.
   */
  signal?: AbortSignal;
  /**
   * Milliseconds of running time the task may take, counted from the
   * moment it starts (time spent queued does not count): then it is
   * stopped as by `signal`, its future fails at once with a
   * `TimeoutError`, and that error is the reason of its `this.signal`.
   * For a deadline from the call, queue time included, pass
   * `signal: AbortSignal.timeout(ms)` (the future is then cancelled).
   *
   * @example A limit on the task's own work, and a deadline from the call
   * ```ts
   * import { AsyncPoolExecutor, CancelledError } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * await using ex = new AsyncPoolExecutor({ maxWorkers: 1 });
   * const wait = (ms: number) => new Promise((r) => setTimeout(() => r(ms), ms));
   * const first = ex.submit(wait, 100);
   * // Queued 100 ms behind `first`, then runs 10 ms of its 50.
   * const limited = ex.run(wait, [10], { timeout: 50 });
   * // 50 ms from the call: it is still queued.
   * const deadline = ex.run(wait, [10], { signal: AbortSignal.timeout(50) });
   * assert.equal(await limited.result(), 10);
   * await assert.rejects(deadline.result(), CancelledError);
   * await first.result();
   * ```
   */
  timeout?: number;
  /**
   * Objects whose ownership moves to the worker instead of being copied
   * (an `ArrayBuffer` is left detached in the caller). A
   * `ProcessPoolExecutor` copies them; an {@linkcode AsyncPoolExecutor}
   * passes the arguments as they are.
   */
  transfer?: Transferable[];
  /**
   * Called on the caller's side with each `this.progress(value)` of the
   * task, in order, all before the future settles. Progress reported after
   * the task was stopped is dropped. A throw from the callback is logged
   * and does not disturb the task.
   */
  onProgress?: (value: unknown) => void;
  /**
   * Milliseconds a stopped task (aborted or timed out) gets to end by
   * itself, e.g. by `this.throwIfCancelled()`, before its worker or
   * process is killed and replaced; if it ends in time, its worker is kept
   * and spared the cost of a restart. The future settles at once either
   * way. Worker pools only: nothing can be killed on an
   * {@linkcode AsyncPoolExecutor}, where a stopped task runs until it
   * notices its signal. @default {0}
   */
  grace?: number;
}

/** A snapshot of an executor's activity, from its `stats` getter. */
export interface ExecutorStats {
  /** Live workers (for an `AsyncPoolExecutor`: calls in progress). */
  workers: number;
  /** Tasks running now. */
  busy: number;
  /** Tasks submitted and not started yet. */
  queued: number;
  /** Tasks that ran to an outcome, failed ones included. */
  completed: number;
  /** Tasks that failed. */
  failed: number;
}

/**
 * The interface of Python's `concurrent.futures.Executor`: submit tasks,
 * map a function over items, shut down. `await using` an executor is
 * Python's `with` block: leaving the block waits for the work and frees the
 * workers.
 *
 * @example Any executor through the interface
 * ```ts
 * import { AsyncPoolExecutor, type Executor } from "@concurrent/futures/executor";
 * import assert from "node:assert/strict";
 *
 * async function squares(ex: Executor): Promise<number[]> {
 *   const out: number[] = [];
 *   for await (const n of ex.map((x: number) => x * x, [1, 2, 3])) out.push(n);
 *   return out;
 * }
 * async function cube(ex: Executor, n: number): Promise<number> {
 *   const future = ex.run((x: number) => x ** 3, [n], { timeout: 1000 });
 *   return await future.result();
 * }
 * await using ex = new AsyncPoolExecutor();
 * assert.deepEqual(await squares(ex), [1, 4, 9]);
 * assert.equal(await cube(ex, 2), 8);
 * assert.equal(ex.stats.completed, 4);
 * ```
 */
export interface Executor extends AsyncDisposable {
  /**
   * Schedules `fn(...args)` and returns a future of its result: `run`
   * without options. A value that cannot cross to where the task runs
   * fails the future, never the call (see {@linkcode TaskFunction}).
   *
   * @param fn The task: a function or a {@linkcode moduleTask}.
   * @param args Its arguments.
   * @returns The future of its result; a throw or a rejection of the task
   * fails it, and so does a broken executor (`BrokenExecutorError`).
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {TypeError} If `fn` is not a task this executor can run (a
   * native, bound or method-shorthand function cannot travel by source).
   */
  submit<A extends unknown[], R>(
    fn: TaskFunction<A, R>,
    ...args: A
  ): Future<Awaited<R>>;
  /**
   * `submit` with per-task options (see {@linkcode RunOptions}): a signal
   * or a timeout that stops the task, progress reports, buffers to move.
   * The task is called with `this` bound to its {@linkcode TaskContext},
   * whose `signal` aborts when the task is stopped. The future settles at
   * once on an abort or a timeout, whatever the task does; a task that has
   * not started never starts.
   *
   * @param fn The task.
   * @param args Its arguments, as an array.
   * @param options `signal`, `timeout`, `onProgress`, `transfer`, `grace`.
   * @returns The future of its result.
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {RangeError} If `timeout` or `grace` is negative or NaN.
   * @throws {TypeError} If `args` is not an array, `onProgress` is not a
   * function, `signal` not an `AbortSignal` or `transfer` not an array of
   * objects.
   */
  run<A extends unknown[], R>(
    fn: TaskFunction<A, R>,
    args: A,
    options?: RunOptions,
  ): Future<Awaited<R>>;
  /**
   * Calls `fn` on every item and yields the results in input order. Work
   * starts eagerly, at most `buffersize` chunks ahead of what was yielded
   * when it is given (so an endless iterable works); the iterator throws
   * the first error in input order, and a `TimeoutError` once `timeout` ms
   * have passed since the call. Leaving the loop early (`break`, a throw),
   * a timeout or the `signal` cancels the work that has not started. See
   * {@linkcode MapOptions}.
   *
   * @param fn The task, called with one item.
   * @param items An iterable or async iterable.
   * @param options `timeout`, `chunksize`, `buffersize`, `signal`.
   * @returns An async iterator of the results.
   * @throws {RangeError} For a bad `chunksize`, `buffersize` or `timeout`.
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {TimeoutError} From the iterator, when `timeout` passes.
   */
  map<A, R>(
    fn: TaskFunction<[A], R>,
    items: Iterable<A> | AsyncIterable<A>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>>;
  /**
   * Refuses new work (`submit`, `run` and `map` then throw
   * `InvalidStateError`) and frees the executor's resources once the
   * submitted work is done. With `cancelFutures`, the work that has not
   * started is cancelled; with `wait` (the default), the promise resolves
   * once running work is done and the workers are gone. Calling it again
   * is harmless. See {@linkcode ShutdownOptions}.
   *
   * @param options `wait` and `cancelFutures`.
   * @returns A promise that resolves as `wait` says.
   */
  shutdown(options?: ShutdownOptions): Promise<void>;
  /**
   * A snapshot of the executor's activity (see {@linkcode ExecutorStats}),
   * read anew at each access.
   */
  readonly stats: ExecutorStats;
  /**
   * `shutdown({ wait: true })`: `await using ex = ...` is Python's `with`
   * block, leaving it waits for the work and frees the workers.
   *
   * @returns The promise of `shutdown({ wait: true })`.
   */
  [Symbol.asyncDispose](): Promise<void>;
}
