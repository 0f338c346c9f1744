// Copyright 2026 the @concurrent/futures authors. MIT license.
// The engine behind BullMQExecutor: futures mapped onto BullMQ jobs. Jobs
// are added in bulk, one addBulk per burst of submissions; their fate comes
// back through the queue's event stream, and a periodic sweep reads the job
// hashes of those whose events could have been missed (the stream is
// trimmed, and a lagging reader loses the oldest events).
import { Queue, type QueueEvents } from "bullmq";
import {
  BrokenExecutorError,
  Future,
  InvalidStateError,
  TimeoutError,
} from "@concurrent/futures";
import {
  type MarshalledError,
  type PoolFuture,
  startTimer,
} from "@concurrent/futures/_internal";
import { decode, encode } from "./_codec.ts";
import type { ParsedConnection } from "./_connection.ts";
import { openEvents } from "./_open_events.ts";
import { reviveError, stalledError } from "./_errors.ts";
import { type Entry, type JobStats, JobTable } from "./_job_table.ts";
import { readJobStates } from "./_job_state.ts";
import {
  cancelChannel,
  ERROR_FIELD,
  type JobData,
  jobKey,
  PROTOCOL,
  type TaskRef,
} from "./_protocol.ts";
import { addJobs, OutageWatch, revokeJob } from "./_job_writes.ts";
import { raw, type RawRedis } from "./_raw_redis.ts";

/** How often, in ms, the sweep looks for jobs without news. */
const SWEEP_INTERVAL = 5000;
/** The shortest time, in ms, a failed job stays for its error to be read. */
const MIN_KEEP_FAILED = 60_000;
/** The longest wait, in ms, between two reads of a job's hash. */
const MAX_CHECK_EVERY = 60_000;

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
  signal?: AbortSignal;
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
  /**
   * Ids revoked in Redis, watched until their removal is seen: an `active`
   * event for one of them would be a late cancel (there should be none).
   */
  #revoked = new Set<string>();
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
      onActive: (id) => this.#onActive(id),
      onCompleted: (id, value) => this.#onCompleted(id, value),
      onFailed: (id, reason) => this.#onFailed(id, reason, null),
      onRemoved: (id) => this.#onRemoved(id),
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
    const entry = this.#jobs.create(id, (e) => this.#cancel(e));
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
      const stopTimer = timeout === undefined ? undefined : startTimer(
        timeout,
        () =>
          this.#stop(
            entry,
            new TimeoutError(`The task did not finish within ${timeout} ms`),
          ),
      );
      const onAbort = () => this.#stop(entry, undefined);
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
    const entry = this.#jobs.create(id, (e) => this.#cancel(e));
    entry.where = "added";
    if (this.#broken !== undefined) {
      entry.future.setException(this.#broken);
      return entry.future;
    }
    this.#jobs.add(entry);
    this.#track(this.#ready.then(() => this.#lookUp([entry])));
    return entry.future;
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

  /**
   * The future's cancel(): `true` only for a job that has not been sent,
   * which then never is. A job in Redis (or on its way) needs Redis's
   * answer: {@linkcode JobClient.revoke}; an abandoned `map` revokes its
   * chunks that way.
   */
  #cancel(entry: Entry): boolean {
    if (entry.claimed || !this.#jobs.has(entry)) return false;
    if (entry.where === "outbox") {
      entry.job = undefined;
      this.#jobs.finish(entry);
      return true;
    }
    if (entry.batch) this.#track(this.#revokeEntry(entry));
    return false;
  }

  /**
   * Takes back a job no worker has claimed: `true` if it is removed (its
   * future cancelled, and it never runs), `false` if a worker claimed it
   * or it ended.
   *
   * @throws {TypeError} For a future this client did not make.
   */
  revoke(future: unknown): Promise<boolean> {
    const id = this.#jobs.idOf(future);
    if (id === undefined) {
      if (future instanceof Future && future.done()) {
        return Promise.resolve(future.cancelled());
      }
      return Promise.reject(
        new TypeError("revoke() takes a future of this executor"),
      );
    }
    return this.#revokeEntry(this.#jobs.get(id)!);
  }

  async #revokeEntry(entry: Entry): Promise<boolean> {
    if (entry.where === "outbox") return entry.future.cancel();
    if (entry.adding !== undefined) await entry.adding;
    if (!this.#jobs.has(entry)) return entry.future.cancelled();
    if (entry.claimed || !await this.#revokeJob(entry.id)) return false;
    if (this.#jobs.has(entry)) this.#jobs.cancel(entry);
    return true;
  }

  /** Revokes a job in Redis; see {@linkcode revokeJob}. */
  async #revokeJob(id: string): Promise<boolean> {
    const { prefix, queue } = this.#config;
    this.#revoked.add(id);
    const removed = await revokeJob(this.#queue, prefix, queue, id);
    if (!removed) this.#revoked.delete(id);
    return removed;
  }

  /** Makes sure a job that no worker claimed never runs, or stops it. */
  #withdraw(entry: Entry): void {
    if (entry.where === "outbox") {
      entry.job = undefined;
      return;
    }
    const { id, adding } = entry;
    this.#track(
      (async () => {
        if (adding !== undefined) await adding;
        if (!await this.#revokeJob(id)) this.#stopOnWorker(id);
      })(),
    );
  }

  /** Best effort: the worker running the job stops it. */
  #stopOnWorker(id: string): void {
    const { prefix, queue } = this.#config;
    this.#track(
      this.#queue.client.then((client) =>
        raw(client).call("PUBLISH", cancelChannel(prefix, queue), id)
      ).catch(() => {}),
    );
  }

  /** A timeout (with its error) or an abort (without) stops a task. */
  #stop(entry: Entry, error: TimeoutError | undefined): void {
    if (!this.#jobs.has(entry)) return;
    if (entry.claimed) {
      // Its outcome is dropped.
      this.#stopOnWorker(entry.id);
    } else {
      this.#withdraw(entry);
    }
    if (error === undefined) this.#jobs.cancel(entry);
    else this.#jobs.fail(entry, error);
  }

  #onActive(id: string): void {
    const entry = this.#jobs.get(id);
    if (entry !== undefined) this.#jobs.claim(entry);
    else if (this.#revoked.delete(id)) this.#jobs.stats.lateCancels++;
  }

  #onCompleted(id: string, returnvalue: unknown): void {
    const entry = this.#jobs.get(id);
    if (entry === undefined) return;
    let value: unknown;
    try {
      value = decode(returnvalue);
    } catch (error) {
      this.#jobs.fail(entry, error);
      return;
    }
    this.#jobs.complete(entry, value);
  }

  /**
   * A failed job: the worker left the whole error in the job hash (read
   * here unless the caller has it), BullMQ's `failedReason` keeps only the
   * message; without it, BullMQ failed the job itself (its workers died).
   */
  #onFailed(id: string, reason: string, stored: string | null): void {
    const entry = this.#jobs.get(id);
    if (entry === undefined) return;
    if (stored !== null) {
      this.#jobs.fail(entry, this.#errorFrom(stored, reason));
      return;
    }
    const { prefix, queue } = this.#config;
    this.#track(
      this.#queue.client.then((client) =>
        raw(client).call("HGET", jobKey(prefix, queue, id), ERROR_FIELD)
      ).then(
        (value) => {
          if (!this.#jobs.has(entry)) return;
          this.#jobs.fail(
            entry,
            typeof value === "string"
              ? this.#errorFrom(value, reason)
              : stalledError(id, reason),
          );
        },
        (error) => {
          if (this.#jobs.has(entry)) this.#jobs.fail(entry, error);
        },
      ),
    );
  }

  #errorFrom(stored: string, reason: string): unknown {
    try {
      return reviveError(decode(JSON.parse(stored)) as MarshalledError);
    } catch {
      return new Error(reason);
    }
  }

  /** Someone removed the job (or Redis lost it): the future is cancelled. */
  #onRemoved(id: string, why = "was removed from the queue"): void {
    this.#revoked.delete(id);
    const entry = this.#jobs.get(id);
    if (entry !== undefined) this.#jobs.cancel(entry, `Job ${id} ${why}`);
  }

  /**
   * Looks up pending jobs: those without news for a while, or all of them
   * after a reconnection.
   */
  #sweep(all: boolean): void {
    const now = performance.now();
    const entries = this.#jobs.values().filter((e) =>
      e.where === "added" && (all || e.nextCheck <= now)
    );
    for (const entry of entries) {
      entry.checkEvery = Math.min(
        Math.max(2 * entry.checkEvery, SWEEP_INTERVAL),
        MAX_CHECK_EVERY,
      );
      entry.nextCheck = now + entry.checkEvery;
    }
    if (entries.length > 0) this.#track(this.#lookUp(entries));
    this.#countWorkers();
  }

  async #lookUp(entries: Entry[]): Promise<void> {
    const client: RawRedis = raw(await this.#queue.client);
    const { prefix, queue } = this.#config;
    // A lost connection aborts the reads; the reconnection sweeps anew.
    const states = await readJobStates(
      client,
      prefix,
      queue,
      entries.map((e) => e.id),
    ).catch(() => []);
    entries.forEach((entry, i) => {
      const job = states[i];
      if (job === undefined || !this.#jobs.has(entry)) return;
      switch (job.state) {
        case "gone":
          return this.#onRemoved(entry.id, "is no longer in Redis");
        case "active":
          return this.#onActive(entry.id);
        case "completed":
          return this.#onCompleted(entry.id, job.value);
        case "failed":
          return this.#onFailed(entry.id, job.reason, job.stored);
        case "unreadable":
          return this.#jobs.fail(entry, job.error);
      }
    });
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
        else this.#track(this.#revokeEntry(entry));
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
