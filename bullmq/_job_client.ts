// Copyright 2026 the @concurrent/futures authors. MIT license.
// The engine behind BullMQExecutor: futures mapped onto BullMQ jobs. Jobs
// are added in bulk, one addBulk per burst of submissions; their fate comes
// back through the queue's event stream and a periodic sweep
// (`_job_outcomes.ts`); taking them back is `_job_revoker.ts`'s job. See
// docs/architecture.md, "The distributed executor".
import { Queue, type QueueEvents } from "bullmq";
import {
  BrokenExecutorError,
  InvalidStateError,
  TimeoutError,
} from "@concurrent/futures";
import { type PoolFuture, startTimer } from "@concurrent/futures/_internal";
import { encode } from "./_codec.ts";
import type { ParsedConnection } from "./_connection.ts";
import { openEvents } from "./_open_events.ts";
import { type Entry, type JobStats, JobTable } from "./_job_table.ts";
import { JobOutcomes, SWEEP_INTERVAL } from "./_job_outcomes.ts";
import { JobRevoker } from "./_job_revoker.ts";
import { type JobData, PROTOCOL, type TaskRef } from "./_protocol.ts";
import { addJobs, OutageWatch } from "./_job_writes.ts";
import { raw } from "./_raw_redis.ts";

/** The shortest time, in ms, a failed job stays for its error to be read. */
const MIN_KEEP_FAILED = 60_000;

export interface JobClientConfig {
  queue: string;
  connection: ParsedConnection;
  prefix: string;
  lockDuration: number;
  stalledInterval: number;
  keepResults: number;
  connectTimeout: number;
  maxCrashes: number;
  maxPayloadBytes: number;
}

export interface SubmitOptions {
  /** Cancels the job wherever it is, counted from the call. */
  signal?: AbortSignal;
  /** Ms the job may run once a worker claimed it (time queued is free). */
  timeout?: number;
}

export class JobClient {
  #config: JobClientConfig;
  #queue: Queue;
  #events: QueueEvents | undefined;
  #jobs = new JobTable();
  #idPrefix = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  #seq = 0;
  #outbox: Entry[] = [];
  #flushQueued = false;
  #outcomes: JobOutcomes;
  #revoker: JobRevoker;
  /** Breaks the executor when Redis is out of reach for too long. */
  #watch: OutageWatch | undefined;
  #ops = new Set<Promise<unknown>>();
  #ready: Promise<void>;
  #broken: BrokenExecutorError | undefined;
  #lastError: unknown;
  #shut = false;
  #closing: Promise<void> | undefined;
  /** The connections are closing: a lost one is not an outage. */
  #closed = false;
  #sweepTimer: ReturnType<typeof setInterval> | undefined;
  /**
   * How long, in ms, Redis remembers a job id after the job is removed,
   * when finished jobs may be removed before an add cut off by a lost
   * connection is sent again (short `keepResults`): BullMQ then refuses the
   * id by its deduplication key, so the job does not run twice.
   */
  #dedupe: number | undefined;
  /** Aborts a start still under way when the connections close. */
  #starting = new AbortController();

  constructor(config: JobClientConfig) {
    this.#config = config;
    const keep = (ms: number) =>
      ms === Infinity ? false : { age: Math.ceil(ms / 1000) };
    this.#queue = new Queue(config.queue, {
      connection: config.connection.options,
      prefix: config.prefix,
      defaultJobOptions: {
        attempts: 1,
        removeOnComplete: keep(config.keepResults),
        // A failed job's event carries only the message: the executor reads
        // the whole error from the job's hash, which must still be there.
        removeOnFail: keep(Math.max(config.keepResults, MIN_KEEP_FAILED)),
      },
    });
    this.#queue.on("error", (error) => this.#lastError = error);
    const track = (op: Promise<unknown>) => this.#track(op);
    this.#outcomes = new JobOutcomes(this.#jobs, this.#queue, config, track);
    this.#revoker = new JobRevoker(
      this.#jobs,
      this.#queue,
      config,
      this.#outcomes.revoked,
      track,
    );
    const resendWithin = Math.min(config.connectTimeout + 60_000, 86_400_000);
    if (config.keepResults < resendWithin) this.#dedupe = resendWithin;
    this.#ready = this.#start();
    this.#ready.catch((error) => this.#break(error));
  }

  get stats(): JobStats {
    return { ...this.#jobs.stats };
  }

  get label(): string {
    const { queue, connection } = this.#config;
    return `BullMQExecutor(${queue} on ${connection.label})`;
  }

  /** Resolves once connected; rejects with the `BrokenExecutorError`. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  async #start(): Promise<void> {
    this.#events = await openEvents(this.#queue, this.#config, {
      lastError: () => this.#lastError,
      onError: (error) => this.#lastError = error,
      onActive: (id) => this.#outcomes.onActive(id),
      onCompleted: (id, value) => this.#outcomes.onCompleted(id, value),
      onFailed: (id, reason) => this.#outcomes.onFailed(id, reason, null),
      onRemoved: (id) => this.#outcomes.onRemoved(id),
      // A reconnection after a Redis restart: look at everything pending.
      onReconnect: () => this.#sweep(true),
    }, this.#starting.signal);
    const { connectTimeout } = this.#config;
    this.#watch = new OutageWatch(
      raw(await this.#queue.client),
      connectTimeout,
      () => this.#closed,
      () =>
        this.#break(
          new BrokenExecutorError(
            `${this.label} lost Redis for more than ${connectTimeout} ms${
              this.#lastError instanceof Error
                ? `: ${this.#lastError.message}`
                : ""
            }`,
            { cause: this.#lastError },
          ),
        ),
    );
    const timer = setInterval(() => this.#sweep(false), SWEEP_INTERVAL);
    Deno.unrefTimer(timer as unknown as number);
    this.#sweepTimer = timer;
    this.#countWorkers();
  }

  /** Fails everything: Redis could not be reached within the deadline. */
  #break(error: unknown): void {
    if (this.#broken !== undefined) return;
    this.#watch?.stop();
    this.#broken = error instanceof BrokenExecutorError
      ? error
      : new BrokenExecutorError(
        `${this.label} cannot start: ${
          error instanceof Error ? error.message : String(error)
        }`,
        { cause: error },
      );
    for (const entry of this.#jobs.values()) {
      this.#jobs.fail(entry, this.#broken);
    }
    this.#closeConnections();
  }

  /** @throws {InvalidStateError} After shutdown. */
  checkOpen(): void {
    if (this.#shut) {
      throw new InvalidStateError(
        `Cannot submit to ${this.label} after shutdown`,
      );
    }
  }

  submit(
    fn: TaskRef,
    name: string,
    args: unknown,
    batch: boolean,
    options: SubmitOptions = {},
  ): PoolFuture<unknown> {
    this.checkOpen();
    const id = `${this.#idPrefix}-${++this.#seq}`;
    const entry = this.#jobs.create(id, (e) => this.#revoker.cancel(e));
    entry.batch = batch;
    const { future } = entry;
    if (this.#broken !== undefined) {
      future.setException(this.#broken);
      return future;
    }
    let data: JobData;
    try {
      data = {
        v: PROTOCOL,
        fn,
        args: encode(
          args,
          this.#config.maxPayloadBytes,
          batch ? "The chunk's items" : "The task's arguments",
        ),
      };
    } catch (error) {
      future.setException(error);
      return future;
    }
    if (batch) data.batch = true;
    const { signal, timeout } = options;
    if (signal?.aborted) {
      future.forceCancel();
      return future;
    }
    entry.job = { name, data, opts: { jobId: id } };
    if (this.#dedupe !== undefined) {
      entry.job.opts.deduplication = { id, ttl: this.#dedupe };
    }
    this.#jobs.add(entry);
    this.#outbox.push(entry);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.#flush());
    }
    if (timeout !== undefined || signal !== undefined) {
      let stopTimer: (() => void) | undefined;
      if (timeout !== undefined) {
        // Running time: counted once a worker claims the job (its `active`
        // event, or its hash read by a sweep), never while it waits.
        entry.onStart = () => {
          stopTimer = startTimer(
            timeout,
            () =>
              this.#revoker.stop(
                entry,
                new TimeoutError(
                  `The task did not finish within ${timeout} ms`,
                ),
              ),
          );
        };
      }
      const onAbort = () => this.#revoker.stop(entry, undefined);
      signal?.addEventListener("abort", onAbort, { once: true });
      entry.cleanup = () => {
        stopTimer?.();
        signal?.removeEventListener("abort", onAbort);
      };
    }
    return future;
  }

  /** The job id of a future this client made, while it is pending. */
  jobIdOf(future: unknown): string | undefined {
    return this.#jobs.idOf(future);
  }

  /** A future for a job added earlier, maybe by another process. */
  attach(id: string): PoolFuture<unknown> {
    this.checkOpen();
    const existing = this.#jobs.get(id);
    if (existing !== undefined) return existing.future;
    const entry = this.#jobs.create(id, (e) => this.#revoker.cancel(e));
    entry.where = "added";
    if (this.#broken !== undefined) {
      entry.future.setException(this.#broken);
      return entry.future;
    }
    this.#jobs.add(entry);
    this.#track(this.#ready.then(() => this.#outcomes.lookUp([entry])));
    return entry.future;
  }

  /** See {@linkcode JobRevoker.revoke}. */
  revoke(future: unknown): Promise<boolean> {
    return this.#revoker.revoke(future);
  }

  #flush(): void {
    this.#flushQueued = false;
    const batch = this.#outbox.filter((e) => e.job !== undefined);
    this.#outbox = [];
    if (batch.length === 0) return;
    const jobs = batch.map((e) => e.job!);
    const adding = this.#ready.then(() =>
      addJobs(this.#queue, jobs, this.#watch!, () => this.#broken)
    ).then(() => {
      const now = performance.now();
      for (const entry of batch) {
        entry.where = "added";
        entry.adding = undefined;
        entry.checkEvery = SWEEP_INTERVAL;
        entry.nextCheck = now + SWEEP_INTERVAL;
      }
    }, (error) => {
      for (const entry of batch) {
        if (this.#jobs.has(entry)) {
          this.#jobs.fail(entry, this.#broken ?? error);
        }
      }
    });
    for (const entry of batch) {
      entry.where = "adding";
      entry.job = undefined;
      entry.adding = adding;
    }
    this.#track(adding);
  }

  /** Looks up pending jobs (see {@linkcode JobOutcomes.sweep}), counts workers. */
  #sweep(all: boolean): void {
    this.#outcomes.sweep(all);
    this.#countWorkers();
  }

  #countWorkers(): void {
    this.#track(
      this.#queue.getWorkersCount().then(
        (n) => this.#jobs.stats.workers = n,
        () => {},
      ),
    );
  }

  #track(op: Promise<unknown>): void {
    this.#ops.add(op);
    op.finally(() => this.#ops.delete(op));
  }

  shutdown(wait: boolean, cancelFutures: boolean): Promise<void> {
    this.#shut = true;
    if (cancelFutures) {
      for (const entry of this.#jobs.values()) {
        if (entry.claimed) continue;
        if (entry.where === "outbox") entry.future.cancel();
        else this.#track(this.#revoker.revokeEntry(entry));
      }
    }
    this.#closing ??= this.#jobs.idle().then(() => this.#closeConnections());
    return wait ? this.#closing : Promise.resolve();
  }

  async #closeConnections(): Promise<void> {
    this.#closed = true;
    // A start under way (endless with connectTimeout: Infinity) gives up,
    // and finishes first, so that nothing it opens stays open.
    this.#starting.abort(
      new BrokenExecutorError(`${this.label} was shut down while connecting`),
    );
    await this.#ready.catch(() => {});
    clearInterval(this.#sweepTimer);
    this.#watch?.stop();
    while (this.#ops.size > 0) await Promise.allSettled(this.#ops);
    await Promise.allSettled([this.#events?.close(), this.#queue.close()]);
  }
}
