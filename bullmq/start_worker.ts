// Copyright 2026 the @concurrent/futures authors. MIT license.
import { type Job, Queue } from "bullmq";
import {
  AsyncPoolExecutor,
  ProcessPoolExecutor,
  WorkerPoolExecutor,
} from "@concurrent/futures";
import {
  checkPositiveInteger,
  checkTimeout,
  type MarshalledError,
} from "@concurrent/futures/_internal";
import { encode } from "./_codec.ts";
import type { LocalPool } from "./_coalescer.ts";
import { failure, JobRunner } from "./_job_runner.ts";
import { GuardedWorker } from "./_guarded_worker.ts";
import {
  parseConnection,
  redactUrl,
  type RedisConnection,
  withDeadline,
} from "./_connection.ts";
import {
  cancelChannel,
  checkQueueName,
  ERROR_FIELD,
  jobKey,
} from "./_protocol.ts";
import { raw, type RawRedis } from "./_raw_redis.ts";
import { loadTaskModules } from "./_task_modules.ts";
import { readSettings } from "./_worker_settings.ts";

/** Options for {@linkcode startWorker}. */
export interface StartWorkerOptions {
  /** The queue to serve. */
  queue: string;
  /** Redis: a `redis://` URL, or `{ host, port }`. */
  connection: RedisConnection;
  /**
   * The modules whose exports it runs: paths (from the working directory)
   * or URLs (`https:`, `jsr:`, `npm:`, `file:`), each imported at the start.
   * A job naming any other module fails at once, and nothing is imported
   * for it. @default {[]}
   */
  tasks?: readonly string[];
  /**
   * Jobs run at once, each on a worker of a local pool of this size.
   * @default {navigator.hardwareConcurrency}
   */
  concurrency?: number;
  /**
   * The local pool: `"worker"` for a {@linkcode WorkerPoolExecutor},
   * `"process"` for a {@linkcode ProcessPoolExecutor}, `"async"` for an
   * {@linkcode AsyncPoolExecutor}: jobs run on this thread, as a plain
   * BullMQ worker runs its processor (for I/O-bound tasks).
   * @default {"worker"}
   */
  pool?: "worker" | "process" | "async";
  /**
   * Runs plain functions sent by their source text. Off by default: anyone
   * who can write to the Redis could then run any code on this machine.
   * @default {false}
   */
  allowSource?: boolean;
  /** BullMQ's key prefix. @default {"bull"} */
  prefix?: string;
  /**
   * Lock time of a claimed job, in ms. @default {the executor's, else 5000}
   */
  lockDuration?: number;
  /**
   * Interval of the stalled-job check, in ms.
   * @default {the executor's, else 2500}
   */
  stalledInterval?: number;
  /** Milliseconds to reach Redis before giving up. @default {5000} */
  connectTimeout?: number;
}

/** A worker started by {@linkcode startWorker}. */
export interface RunningWorker extends AsyncDisposable {
  /** Jobs run at once. */
  readonly concurrency: number;
  /** The lock time in use, in ms. */
  readonly lockDuration: number;
  /** The stalled-job check interval in use, in ms. */
  readonly stalledInterval: number;
  /** How often a job may kill its worker process and be tried again. */
  readonly maxCrashes: number;
  /**
   * The largest argument list and result, in bytes as stored in Redis; a
   * job larger than this plus 1 MiB is not read.
   */
  readonly maxPayloadBytes: number;
  /** The modules it serves, as absolute URLs. */
  readonly tasks: readonly string[];
  /** Redis, as a URL without its user and password. */
  readonly redis: string;
  /** Jobs running now, and jobs that ended (`failed` ones included). */
  readonly stats: { running: number; completed: number; failed: number };
  /**
   * Stops taking jobs, waits for the running ones to finish, and closes the
   * local pool and the connections. Calling it again is harmless.
   */
  close(): Promise<void>;
}

/** The longest job id a stop request may name. */
const MAX_JOB_ID = 1024;

const STORE_ERROR =
  `if redis.call("EXISTS", KEYS[1]) == 1 then redis.call("HSET", KEYS[1], ARGV[1], ARGV[2]) end return 0`;

/**
 * Serves a queue of {@linkcode BullMQExecutor} jobs from this process: the
 * worker program (`./worker`) is this function behind a command line. Each
 * job runs on a local pool of `concurrency` workers, so CPU-bound tasks use
 * every core of the machine.
 *
 * It runs only the exports of the `tasks` modules (and with `allowSource`,
 * plain functions sent as source): a job naming any other module (another
 * file, a `node:` built-in, `data:`, `blob:`, `http:`, however it is
 * spelled) fails at once. The `maxCrashes` and `maxPayloadBytes` of the
 * executors on the queue, like their lock settings, are read from Redis (a
 * value that is not an integer in its range gives way to the default, with
 * a warning on the console). A job too large or malformed to read fails
 * with a `RangeError` or `TypeError` that says why, and the worker goes on.
 *
 * @param options `queue`, `connection`, `tasks`, `concurrency`, `pool`,
 * `allowSource`, `prefix`, `lockDuration`, `stalledInterval`,
 * `connectTimeout`.
 * @returns The running worker, once it is connected.
 * @throws {TypeError} For a bad queue name, connection or pool kind, or a
 * `tasks` module that does not load (its message says why).
 * @throws {RangeError} For a bad `concurrency` or duration.
 * @throws {Error} If Redis cannot be reached within `connectTimeout`.
 *
 * @example A worker cannot start without Redis
 * ```ts
 * import { startWorker } from "@concurrent/futures-bullmq/worker";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   startWorker({
 *     queue: "jobs",
 *     connection: "redis://127.0.0.1:1",
 *     connectTimeout: 100,
 *   }),
 *   /Cannot reach Redis at redis:\/\/127.0.0.1:1/,
 * );
 * ```
 */
export async function startWorker(
  options: StartWorkerOptions,
): Promise<RunningWorker> {
  const {
    queue,
    connection,
    tasks = [],
    concurrency = Math.max(1, navigator.hardwareConcurrency ?? 1),
    pool: poolKind = "worker",
    allowSource = false,
    prefix = "bull",
    connectTimeout = 5000,
  } = options;
  checkQueueName(queue);
  checkPositiveInteger(concurrency, "concurrency");
  checkTimeout(connectTimeout, "connectTimeout");
  if (poolKind !== "worker" && poolKind !== "process" && poolKind !== "async") {
    throw new TypeError(
      `The pool must be "worker", "process" or "async", got ${poolKind}`,
    );
  }
  if (!Array.isArray(tasks)) {
    throw new TypeError("tasks must be an array of module paths or URLs");
  }
  for (const what of ["lockDuration", "stalledInterval"] as const) {
    const value = options[what];
    if (value !== undefined) {
      checkPositiveInteger(value, what);
    }
  }
  const { options: redis, label } = parseConnection(connection);
  const modules = await loadTaskModules(tasks);

  let lastError: unknown;
  const admin = new Queue(queue, { connection: redis, prefix });
  admin.on("error", (error) => lastError = error);
  let client;
  try {
    client = raw(
      await withDeadline(admin.client, connectTimeout, () =>
        new Error(
          `Cannot reach Redis at ${label} within ${connectTimeout} ms${
            lastError instanceof Error
              ? `: ${redactUrl(lastError.message)}`
              : ""
          }`,
          { cause: lastError },
        )),
    );
  } catch (error) {
    await admin.close().catch(() => {});
    throw error;
  }
  // What is open so far, closed in reverse if the start fails half-way.
  const opened: (() => unknown)[] = [() => admin.close()];
  let pool: LocalPool;
  let worker: GuardedWorker;
  let subscriber: RawRedis;
  let lockDuration: number;
  let stalledInterval: number;
  let maxCrashes: number;
  let maxPayloadBytes: number;
  const stats = { running: 0, completed: 0, failed: 0 };
  try {
    ({ lockDuration, stalledInterval, maxCrashes, maxPayloadBytes } =
      await readSettings(client, prefix, queue, {
        lockDuration: options.lockDuration,
        stalledInterval: options.stalledInterval,
      }));

    const poolOptions = {
      maxWorkers: concurrency,
      idleTimeout: Infinity,
      name: `bullmq:${queue}`,
    };
    pool = poolKind === "process"
      ? new ProcessPoolExecutor(poolOptions)
      : poolKind === "async"
      ? new AsyncPoolExecutor({ maxWorkers: concurrency })
      : new WorkerPoolExecutor(poolOptions);
    opened.push(() => pool.shutdown({ wait: false }));
    // Every worker of the pool starts now, not while the first jobs wait.
    if (poolKind !== "async") {
      await Promise.all(
        Array.from(
          { length: concurrency },
          () =>
            pool.submit(() => new Promise((resolve) => setTimeout(resolve, 20)))
              .result(),
        ),
      );
    }

    const runner = new JobRunner(pool, {
      concurrency,
      tasks: modules,
      allowSource,
      maxPayloadBytes,
      inline: poolKind === "async",
    });
    // Stop requests for jobs claimed here whose processor has not started
    // yet (BullMQ tracks a job only from then on), by id, oldest first.
    const early = new Set<string>();
    const stopEarly = (id: string) => {
      early.add(id);
      if (early.size > 1000) early.delete(early.values().next().value!);
    };
    const processor = async (
      job: Job,
      _token: string | undefined,
      signal: AbortSignal | undefined,
    ): Promise<unknown> => {
      if (early.delete(String(job.id))) {
        throw new Error("stopped by its executor");
      }
      stats.running++;
      // A job too large or malformed to be read fails here, with the reason.
      const refusal = worker.refusal(job);
      const outcome = refusal === undefined
        ? await runner.run(job.data, String(job.id), signal)
        : failure(refusal);
      stats.running--;
      stats.completed++;
      if (outcome.ok) return outcome.value;
      stats.failed++;
      // The whole error (class, stack, cause) for the executor; BullMQ keeps
      // its message as the job's failedReason.
      await client.call(
        "EVAL",
        STORE_ERROR,
        1,
        jobKey(prefix, queue, String(job.id)),
        ERROR_FIELD,
        JSON.stringify(encode(outcome.error)),
      ).catch(() => {});
      throw jobError(outcome.error);
    };

    worker = new GuardedWorker(queue, processor, {
      connection: redis,
      prefix,
      concurrency,
      lockDuration,
      stalledInterval,
      // A job whose run killed its worker process is tried again this
      // often, then fails (the executor reports a WorkerCrashedError).
      maxStalledCount: maxCrashes,
      // After a lost connection, try again soon (BullMQ waits 15 s).
      runRetryDelay: 500,
    }, maxPayloadBytes);
    opened.push(() => worker.close(true));
    let lastLog = 0;
    worker.on("error", (error) => {
      // A Redis restart makes every connection complain; once a second is
      // enough to say so.
      const now = Date.now();
      if (now - lastLog < 1000) return;
      lastLog = now;
      console.error(
        `worker (queue ${queue}): ${
          redactUrl(String(error?.message ?? error))
        }`,
      );
    });

    subscriber = client.duplicate();
    opened.push(() => subscriber.disconnect());
    subscriber.on("error", () => {});
    subscriber.on("message", (_channel: string, id: string) => {
      // Anyone who can reach Redis can publish here: what cannot be a job id
      // of an executor is not kept.
      if (id.length > MAX_JOB_ID) return;
      if (!worker.cancelJob(id, "stopped by its executor")) stopEarly(id);
    });
    await subscriber.subscribe(cancelChannel(prefix, queue));
    await worker.waitUntilReady();
  } catch (error) {
    for (const close of opened.reverse()) {
      await Promise.resolve().then(close).catch(() => {});
    }
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      await worker.close();
      await pool.shutdown();
      subscriber.disconnect();
      await admin.close();
    })();
  return {
    concurrency,
    lockDuration,
    stalledInterval,
    maxCrashes,
    maxPayloadBytes,
    tasks: [...modules],
    redis: label,
    get stats() {
      return { ...stats };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * The error BullMQ records for a failed job: the task's message as its
 * `failedReason`, its stack as the job's stack trace.
 */
function jobError(data: MarshalledError): Error {
  if (!data.error) return new Error(`The task threw ${String(data.value)}`);
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}
