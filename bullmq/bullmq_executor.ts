// Copyright 2026 the @concurrent/futures authors. MIT license.
import type {
  Executor,
  Future,
  MapOptions,
  RunOptions,
  ShutdownOptions,
  TaskFunction,
} from "@concurrent/futures";
import { checkRunCall, mapTasks } from "@concurrent/futures/_internal";
import type { BullMQExecutorOptions } from "./bullmq_executor_options.ts";
import type { BullMQExecutorStats } from "./bullmq_executor_stats.ts";
import { executorConfig } from "./_executor_config.ts";
import { JobClient } from "./_job_client.ts";
import { taskRef } from "./_task_ref.ts";

export type { RedisConnection, RedisEndpoint } from "./_connection.ts";
export type { BullMQExecutorOptions } from "./bullmq_executor_options.ts";
export type { BullMQExecutorStats } from "./bullmq_executor_stats.ts";

/**
 * The `Executor` interface over a BullMQ queue on Redis: tasks run on worker
 * processes on any number of machines (each started with
 * `deno run -A jsr:@concurrent/futures-bullmq/worker --queue <name> --redis <url>`),
 * and BullMQ keeps the jobs durable, hands a dead worker's job to another
 * one, and survives a Redis restart (with its append-only file).
 *
 * Tasks are module exports ({@linkcode moduleTask}) whose URL the workers
 * can import (`https:`, `jsr:`, `npm:`, or a `file:` path that exists on
 * their machine); plain functions travel by their source, and run only on
 * workers started with `--allow-source`. Arguments and results are copied
 * by structured clone, errors keep their class, name, message and stack.
 *
 * `cancel()` on a future keeps Python's promise: it returns `true` only
 * while the job has not been sent to Redis, and then it never runs. Once it
 * is in Redis, {@linkcode BullMQExecutor.revoke} asks Redis: it removes a
 * job no worker has claimed (`true`, and the job never runs) or answers
 * `false`, atomically with respect to the workers' claims.
 *
 * Workers run only the modules they were started with (`--tasks`).
 *
 * Its connections to Redis keep the program alive until it is shut down
 * (`await using` does it).
 *
 * @example Two workers, one executor (needs Redis and running workers)
 * ```ts ignore
 * import { BullMQExecutor } from "@concurrent/futures-bullmq";
 * import { moduleTask } from "@concurrent/futures";
 *
 * // Workers: deno run -A jsr:@concurrent/futures-bullmq/worker \
 * //   --queue jobs --redis redis://127.0.0.1:6379 --tasks ./tasks.ts
 * await using ex = new BullMQExecutor({
 *   queue: "jobs",
 *   connection: "redis://127.0.0.1:6379",
 * });
 * const fib = moduleTask<typeof import("./tasks.ts"), "fib">(
 *   new URL("./tasks.ts", import.meta.url),
 *   "fib",
 * );
 * const future = ex.submit(fib, 30);
 * console.log(await future.result());
 * for await (const n of ex.map(fib, [20, 21, 22], { chunksize: 2 })) {
 *   console.log(n);
 * }
 * ```
 */
export class BullMQExecutor implements Executor {
  #client: JobClient;

  /**
   * Connects to Redis, in the background: submissions made meanwhile are
   * sent once it is up. If Redis cannot be reached within `connectTimeout`,
   * the executor is broken: {@linkcode BullMQExecutor.ready} rejects and
   * every future fails with a `BrokenExecutorError` naming the cause.
   *
   * @param options `queue`, `connection`, `prefix`, `lockDuration`,
   * `stalledInterval`, `keepResults`, `connectTimeout`, `maxPayloadBytes`,
   * `maxCrashes`.
   * @throws {TypeError} For a bad queue name or connection.
   * @throws {RangeError} For a negative or non-numeric duration.
   *
   * @example Bad input fails at once, or within the connect timeout
   * ```ts
   * import { BullMQExecutor } from "@concurrent/futures-bullmq";
   * import { BrokenExecutorError } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * assert.throws(
   *   () => new BullMQExecutor({ queue: "jobs", connection: "http://x" }),
   *   TypeError,
   * );
   * const ex = new BullMQExecutor({
   *   queue: "jobs",
   *   connection: "redis://127.0.0.1:1", // nothing listens there
   *   connectTimeout: 200,
   * });
   * await assert.rejects(ex.ready, BrokenExecutorError);
   * const future = ex.submit(() => 1);
   * await assert.rejects(future.result(), /Cannot reach Redis/);
   * await ex.shutdown();
   * ```
   */
  constructor(options: BullMQExecutorOptions) {
    this.#client = new JobClient(executorConfig(options));
  }

  /**
   * Resolves once Redis is reached and the executor listens to its queue's
   * events; rejects with `BrokenExecutorError` when it cannot be reached
   * within `connectTimeout`. Submitting does not need to wait for it.
   *
   * @example
   * ```ts
   * import { BullMQExecutor } from "@concurrent/futures-bullmq";
   * import assert from "node:assert/strict";
   *
   * const ex = new BullMQExecutor({
   *   queue: "jobs",
   *   connection: { host: "127.0.0.1", port: 1 },
   *   connectTimeout: 100,
   * });
   * await assert.rejects(ex.ready, /Cannot reach Redis at redis:\/\/127.0.0.1:1/);
   * await ex.shutdown();
   * ```
   */
  get ready(): Promise<void> {
    return this.#client.ready;
  }

  /**
   * {@linkcode Executor.stats} with one more field: `workers` on the queue
   * (all machines, as last counted), this executor's jobs `busy` (claimed by
   * a worker) and `queued` (not claimed), and `lateCancels` (a `cancel()`
   * that returned `true` for a job that ran anyway: none is expected).
   *
   * @example
   * ```ts
   * import { BullMQExecutor } from "@concurrent/futures-bullmq";
   * import assert from "node:assert/strict";
   *
   * const ex = new BullMQExecutor({
   *   queue: "jobs",
   *   connection: "redis://127.0.0.1:1",
   *   connectTimeout: 100,
   * });
   * assert.deepEqual(ex.stats, {
   *   workers: 0, busy: 0, queued: 0, completed: 0, failed: 0, lateCancels: 0,
   * });
   * await ex.shutdown();
   * ```
   */
  get stats(): BullMQExecutorStats {
    return this.#client.stats;
  }

  /**
   * {@linkcode Executor.submit} as a job on the queue: `fn` is a
   * {@linkcode moduleTask} served by the workers (`--tasks`), or a
   * self-contained function (run only by workers started with
   * `--allow-source`); `args` are copied by structured clone. An argument
   * that cannot be cloned fails the future at once (`DataCloneError`), so do
   * arguments over `maxPayloadBytes` (`RangeError`).
   *
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {TypeError} If `fn` is not a function or module task, or its
   * source cannot be sent (a native, bound or method-shorthand function).
   *
   * @example (needs Redis and a worker)
   * ```ts ignore
   * import { BullMQExecutor } from "@concurrent/futures-bullmq";
   * import { moduleTask } from "@concurrent/futures";
   *
   * await using ex = new BullMQExecutor({ queue: "jobs", connection: "redis://127.0.0.1:6379" });
   * const add = moduleTask<typeof import("./tasks.ts"), "add">(new URL("./tasks.ts", import.meta.url), "add");
   * console.log(await ex.submit(add, 1, 2).result()); // 3
   * ```
   */
  submit<A extends unknown[], R>(
    fn: TaskFunction<A, R>,
    ...args: A
  ): Future<Awaited<R>> {
    return this.run(fn, args);
  }

  /**
   * `submit` with per-task options. `timeout` is running time: it counts
   * from the moment a worker starts the job (the executor hears BullMQ's
   * `active` event), never while the job waits in Redis; once it passes,
   * the future fails with `TimeoutError` and the task is stopped on its
   * worker, whose local pool terminates the task's worker. `signal` counts
   * from the call, wherever the job is: it cancels the future at once, and
   * a job that no worker claimed is removed from the queue and never runs
   * (a deadline from the call: `signal: AbortSignal.timeout(ms)`).
   * `transfer` is accepted and ignored: values are always copied.
   *
   * @param fn A {@linkcode moduleTask} or a self-contained function.
   * @param args Its arguments, as an array.
   * @param options `signal` (from this call), `timeout` (ms of running time
   * on a worker).
   * @returns The future of its result.
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {RangeError} If `timeout` (or `grace`) is negative or NaN.
   * @throws {TypeError} If `fn` cannot be sent, `args` is not an array, or
   * an option has the wrong type (`signal`, `onProgress`, `transfer`).
   *
   * @example (needs Redis and a worker)
   * ```ts ignore
   * import { BullMQExecutor } from "@concurrent/futures-bullmq";
   * import { moduleTask, TimeoutError } from "@concurrent/futures";
   *
   * await using ex = new BullMQExecutor({ queue: "jobs", connection: "redis://127.0.0.1:6379" });
   * const sleep = moduleTask<typeof import("./tasks.ts"), "sleep">(new URL("./tasks.ts", import.meta.url), "sleep");
   * // 100 ms once a worker runs it, however long it waits for one.
   * const slow = ex.run(sleep, [10_000], { timeout: 100 });
   * console.log((await slow.exception()) instanceof TimeoutError); // true
   * // 100 ms from now, waiting included: cancelled, and removed from Redis
   * // if no worker has claimed it yet.
   * const soon = ex.run(sleep, [10_000], { signal: AbortSignal.timeout(100) });
   * await soon.result().catch(() => {});
   * console.log(soon.cancelled()); // true
   * ```
   */
  run<A extends unknown[], R>(
    fn: TaskFunction<A, R>,
    args: A,
    options: RunOptions = {},
  ): Future<Awaited<R>> {
    const [ref, name] = taskRef(fn);
    checkRunCall(args, options);
    const { signal, timeout } = options;
    return this.#client.submit(ref, name, args, false, {
      signal,
      timeout,
    }) as Future<Awaited<R>>;
  }

  /**
   * {@linkcode Executor.map} over the queue: each chunk of `chunksize` items
   * is one job, run by one worker.
   *
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {RangeError} For a bad `timeout`, `chunksize` or `buffersize`.
   * @throws {TimeoutError} From the iterator, when `timeout` passes.
   *
   * @example (needs Redis and a worker)
   * ```ts ignore
   * import { BullMQExecutor } from "@concurrent/futures-bullmq";
   * import { moduleTask } from "@concurrent/futures";
   *
   * await using ex = new BullMQExecutor({ queue: "jobs", connection: "redis://127.0.0.1:6379" });
   * const square = moduleTask<typeof import("./tasks.ts"), "square">(new URL("./tasks.ts", import.meta.url), "square");
   * const items = Array.from({ length: 1000 }, (_, i) => i);
   * for await (const n of ex.map(square, items, { chunksize: 100 })) console.log(n);
   * ```
   */
  map<A, R>(
    fn: TaskFunction<[A], R>,
    items: Iterable<A> | AsyncIterable<A>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>> {
    const [ref, name] = taskRef(fn);
    this.#client.checkOpen();
    return mapTasks<A, Awaited<R>>({
      items,
      options,
      submitBatch: (batch) =>
        this.#client.submit(ref, name, batch, true) as Future<Awaited<R>[]>,
    });
  }

  /**
   * Takes back the job of a future, with Redis's exact answer: `true` when
   * no worker had claimed it (it is removed from the queue, the future is
   * cancelled, and it never runs), `false` when a worker has claimed it or
   * it has ended. Workers claim jobs atomically against revokes, so a
   * `true` is never wrong. A job not yet sent to Redis is cancelled here;
   * one on its way there is revoked once it arrives.
   *
   * @param future A future from this executor (or from `attach`).
   * @returns Whether the task will never run. For a future already done:
   * whether it was cancelled.
   * @throws {TypeError} For a pending future of another executor.
   *
   * @example (needs Redis)
   * ```ts ignore
   * import { BullMQExecutor } from "@concurrent/futures-bullmq";
   * import { moduleTask } from "@concurrent/futures";
   *
   * await using ex = new BullMQExecutor({ queue: "jobs", connection: "redis://127.0.0.1:6379" });
   * const fib = moduleTask<typeof import("./tasks.ts"), "fib">(new URL("./tasks.ts", import.meta.url), "fib");
   * const future = ex.submit(fib, 40);
   * await new Promise((resolve) => setTimeout(resolve, 100)); // it is in Redis
   * console.log(future.cancel()); // false: only Redis knows whether it started
   * console.log(await ex.revoke(future)); // true: it never runs
   * ```
   */
  revoke(future: Future<unknown>): Promise<boolean> {
    return this.#client.revoke(future);
  }

  /**
   * The id of the BullMQ job behind a pending future of this executor, to
   * find it later with {@linkcode BullMQExecutor.attach} (also from another
   * process) or in BullMQ's tools; `undefined` once the future is done.
   *
   * @param future A future this executor returned.
   * @returns The job id, or `undefined`.
   *
   * @example
   * ```ts
   * import { BullMQExecutor } from "@concurrent/futures-bullmq";
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const ex = new BullMQExecutor({
   *   queue: "jobs",
   *   connection: "redis://127.0.0.1:1",
   *   connectTimeout: 100,
   * });
   * assert.equal(ex.jobId(new Future()), undefined);
   * await ex.shutdown();
   * ```
   */
  jobId(future: Future<unknown>): string | undefined {
    return this.#client.jobIdOf(future);
  }

  /**
   * A future for a job submitted earlier, maybe by a process that has
   * exited since: it settles with the job's result or error, which Redis
   * keeps for `keepResults` ms after the job ends. A job that is no longer
   * in Redis gives a cancelled future.
   *
   * @param jobId The id from {@linkcode BullMQExecutor.jobId}.
   * @returns The job's future.
   * @throws {InvalidStateError} After `shutdown`.
   * @throws {TypeError} If `jobId` is not a non-empty string without `:`
   * (BullMQ refuses such ids, and the key it names is not a job's).
   *
   * @example (needs Redis)
   * ```ts ignore
   * import { BullMQExecutor } from "@concurrent/futures-bullmq";
   *
   * await using ex = new BullMQExecutor({ queue: "jobs", connection: "redis://127.0.0.1:6379" });
   * const id = Deno.args[0]; // printed by the process that submitted it
   * console.log(await ex.attach(id).result());
   * ```
   */
  attach(jobId: string): Future<unknown> {
    if (typeof jobId !== "string" || jobId === "" || jobId.includes(":")) {
      throw new TypeError(
        `attach() needs a job id without ":", got ${
          typeof jobId === "string" ? JSON.stringify(jobId) : typeof jobId
        }`,
      );
    }
    return this.#client.attach(jobId);
  }

  /**
   * {@linkcode Executor.shutdown}: `cancelFutures` revokes the jobs no
   * worker has claimed (removed from the queue, their futures cancelled),
   * and the connections to Redis close once every future has settled.
   *
   * @example
   * ```ts
   * import { BullMQExecutor } from "@concurrent/futures-bullmq";
   * import { InvalidStateError } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const ex = new BullMQExecutor({
   *   queue: "jobs",
   *   connection: "redis://127.0.0.1:1",
   *   connectTimeout: 100,
   * });
   * await ex.shutdown();
   * assert.throws(() => ex.submit(() => 0), InvalidStateError);
   * ```
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false } = options;
    return this.#client.shutdown(wait, cancelFutures);
  }

  /**
   * `shutdown({ wait: true })`, for `await using`, as on every
   * {@linkcode Executor}.
   *
   * @example
   * ```ts
   * import { BullMQExecutor } from "@concurrent/futures-bullmq";
   * import assert from "node:assert/strict";
   *
   * let ex;
   * {
   *   await using scoped = new BullMQExecutor({
   *     queue: "jobs",
   *     connection: "redis://127.0.0.1:1",
   *     connectTimeout: 100,
   *   });
   *   ex = scoped;
   * }
   * assert.throws(() => ex.submit(() => 0));
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }
}
