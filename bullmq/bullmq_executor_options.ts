// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { RedisConnection } from "./_connection.ts";

/** Options for {@linkcode BullMQExecutor}. */
export interface BullMQExecutorOptions {
  /** The BullMQ queue's name; workers started with `--queue` serve it. */
  queue: string;
  /**
   * Redis: a `redis://` (or `rediss://`) URL, or `{ host, port }`. Every
   * machine of the cluster must reach the same Redis.
   */
  connection: RedisConnection;
  /** BullMQ's key prefix. @default {"bull"} */
  prefix?: string;
  /**
   * Milliseconds a worker's claim on a job lasts without renewal (workers
   * renew it every half of that while the job runs). When a worker dies,
   * its job is handed on after this plus at most two `stalledInterval`s.
   * Workers started after this executor use it. @default {5000}
   */
  lockDuration?: number;
  /**
   * Milliseconds between the workers' checks for jobs whose worker died
   * (BullMQ's stalled-job check). Workers started after this executor use
   * it. @default {2500}
   */
  stalledInterval?: number;
  /**
   * Milliseconds a finished job, with its result or error, stays in Redis,
   * where {@linkcode BullMQExecutor.attach} finds it, also from another
   * process; `Infinity` keeps them until they are removed. A failed job
   * stays at least a minute, as its executor reads the error's class and
   * stack from it. @default {3600000}
   */
  keepResults?: number;
  /**
   * Milliseconds to reach Redis, at the start and whenever the connection
   * is lost; then the executor is broken: its pending futures fail with
   * `BrokenExecutorError`. A shorter outage loses nothing: submissions
   * whose add did not reach Redis are sent again, under the same job ids,
   * once it is back. @default {5000}
   */
  connectTimeout?: number;
  /**
   * The largest argument list (or `map` chunk) and result, in bytes as
   * stored in Redis. A larger one fails its own future with a `RangeError`
   * naming both sizes, before anything large is written to Redis; the
   * worker lives on. Workers started after this executor use it, also
   * against jobs that others wrote to Redis: they do not read a job larger
   * than this plus 1 MiB, nor decode arguments larger than this.
   * @default {67108864} (64 MiB)
   */
  maxPayloadBytes?: number;
  /**
   * How often a job whose run kills its worker process (out of memory, a
   * `Deno.exit`, a signal) is handed to another worker: it runs at most
   * `maxCrashes + 1` times, then its future fails with
   * `WorkerCrashedError` (BullMQ's `maxStalledCount`). Workers started
   * after this executor use it. @default {1}
   */
  maxCrashes?: number;
}
