// Copyright 2026 the @concurrent/futures authors. MIT license.
// The engine behind BullMQExecutor: futures mapped onto BullMQ jobs. Jobs
// are added in bulk, one addBulk per burst of submissions; their fate comes
// back through the queue's event stream, and a periodic sweep reads the job
// hashes of those whose events could have been missed.
import { Queue, QueueEvents } from "bullmq";
import {
  BrokenExecutorError,
  InvalidStateError,
  TimeoutError,
} from "@concurrent/futures";
import { PoolFuture, startTimer } from "@concurrent/futures/_internal";
import type { MarshalledError } from "@concurrent/futures/_internal";
import { decode, encode } from "./_codec.ts";
import { type ParsedConnection, withDeadline } from "./_connection.ts";
import {
  cancelChannel,
  ERROR_FIELD,
  type JobData,
  jobKey,
  PROTOCOL,
  settingsKey,
  type TaskRef,
} from "./_protocol.ts";
import { reviveError, stalledError } from "./_errors.ts";
import { raw, type RawRedis } from "./_raw_redis.ts";

/** How often, in ms, jobs without news are looked up in Redis. */
const SWEEP_INTERVAL = 5000;
/** Job hash fields the sweep reads, in this order. */
const SWEEP_FIELDS = [
  "timestamp",
  "processedOn",
  "finishedOn",
  "returnvalue",
  "failedReason",
  ERROR_FIELD,
] as const;

export interface JobClientConfig {
  queue: string;
  connection: ParsedConnection;
  prefix: string;
  lockDuration: number;
  stalledInterval: number;
  keepResults: number;
  connectTimeout: number;
}

export interface JobStats {
  workers: number;
  busy: number;
  queued: number;
  completed: number;
  failed: number;
  lateCancels: number;
}

interface Entry {
  id: string;
  future: PoolFuture<unknown>;
  /** Where the job is: not sent, being added, or in Redis. */
  where: "outbox" | "adding" | "added";
  /** The job to add, while it waits in the outbox. */
  job: { name: string; data: JobData; opts: { jobId: string } } | undefined;
  /** A worker claimed it (its `active` event, or its hash, says so). */
  claimed: boolean;
  /** Cancelled while its add was under way: remove it once added. */
  withdrawn: boolean;
  /** When its add was acknowledged (`performance.now()`). */
  addedAt: number;
  /** Stops its timeout and abort listener. */
  cleanup: (() => void) | undefined;
}

export interface SubmitOptions {
  signal?: AbortSignal;
  timeout?: number;
}

export class JobClient {
  #config: JobClientConfig;
  #queue: Queue;
  #events: QueueEvents | undefined;
  #idPrefix = crypto.randomUUID().slice(0, 13).replace("-", "");
  #seq = 0;
  #entries = new Map<string, Entry>();
  #outbox: Entry[] = [];
  #flushQueued = false;
  /**
   * Ids cancelled after they reached Redis, watched until their removal is
   * seen: an `active` event for one of them is a claim that won the race.
   */
  #cancelled = new Set<string>();
  #ops = new Set<Promise<unknown>>();
  #ready: Promise<void>;
  #broken: BrokenExecutorError | undefined;
  #lastError: unknown;
  #shut = false;
  #closing: Promise<void> | undefined;
  #idle: (() => void) | undefined;
  #sweepTimer: ReturnType<typeof setInterval> | undefined;
  #stats: JobStats = {
    workers: 0,
    busy: 0,
    queued: 0,
    completed: 0,
    failed: 0,
    lateCancels: 0,
  };

  constructor(config: JobClientConfig) {
    this.#config = config;
    const keep = { age: Math.ceil(config.keepResults / 1000) };
    this.#queue = new Queue(config.queue, {
      connection: config.connection.options,
      prefix: config.prefix,
      defaultJobOptions: {
        attempts: 1,
        removeOnComplete: keep,
        removeOnFail: keep,
      },
    });
    this.#queue.on("error", (error) => this.#lastError = error);
    this.#ready = this.#start();
    this.#ready.catch((error) => this.#break(error));
  }

  get stats(): JobStats {
    return { ...this.#stats };
  }

  get label(): string {
    return `BullMQExecutor(${this.#config.queue} on ${this.#config.connection.label})`;
  }

  /** Resolves once connected; rejects with the `BrokenExecutorError`. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  async #start(): Promise<void> {
    const { connectTimeout, connection, prefix, queue } = this.#config;
    const unreachable = () =>
      new BrokenExecutorError(
        `Cannot reach Redis at ${connection.label} within ${connectTimeout} ms${
          this.#lastError instanceof Error ? `: ${this.#lastError.message}` : ""
        }`,
        { cause: this.#lastError },
      );
    const client = raw(
      await withDeadline(this.#queue.client, connectTimeout, unreachable),
    );
    // Events from here on are read, also those of jobs added before the
    // event connection is up.
    const last = await client.call(
      "XREVRANGE",
      this.#queue.keys.events,
      "+",
      "-",
      "COUNT",
      "1",
    ) as [string, string[]][];
    await client.call(
      "HSET",
      settingsKey(prefix, queue),
      "lockDuration",
      String(this.#config.lockDuration),
      "stalledInterval",
      String(this.#config.stalledInterval),
    );
    const events = new QueueEvents(queue, {
      connection: connection.options,
      prefix,
      lastEventId: last[0]?.[0] ?? "0-0",
    });
    this.#events = events;
    events.on("error", (error) => this.#lastError = error);
    events.on("active", ({ jobId }) => this.#onActive(jobId));
    events.on(
      "completed",
      ({ jobId, returnvalue }) => this.#onCompleted(jobId, returnvalue),
    );
    events.on(
      "failed",
      ({ jobId, failedReason }) => this.#onFailed(jobId, failedReason, null),
    );
    events.on("removed", ({ jobId }) => this.#onRemoved(jobId));
    const eventClient = raw(
      await withDeadline(events.client, connectTimeout, unreachable),
    );
    // A reconnection after a Redis restart: look at everything pending.
    eventClient.on("ready", () => this.#sweep(true));
    const timer = setInterval(() => this.#sweep(false), SWEEP_INTERVAL);
    Deno.unrefTimer(timer as unknown as number);
    this.#sweepTimer = timer;
    this.#countWorkers();
  }

  /** Fails everything: Redis could not be reached at the start. */
  #break(error: unknown): void {
    if (this.#broken !== undefined) return;
    this.#broken = error instanceof BrokenExecutorError
      ? error
      : new BrokenExecutorError(
        `${this.label} cannot start: ${
          error instanceof Error ? error.message : String(error)
        }`,
        { cause: error },
      );
    for (const entry of [...this.#entries.values()]) {
      this.#fail(entry, this.#broken);
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
    const entry: Entry = {
      id: `${this.#idPrefix}-${++this.#seq}`,
      future: undefined!,
      where: "outbox",
      job: undefined,
      claimed: false,
      withdrawn: false,
      addedAt: 0,
      cleanup: undefined,
    };
    const future = new PoolFuture<unknown>(() => this.#revoke(entry));
    entry.future = future;
    if (this.#broken !== undefined) {
      future.setException(this.#broken);
      return future;
    }
    let data: JobData;
    try {
      data = { v: PROTOCOL, fn, args: encode(args) };
    } catch (error) {
      future.setException(error);
      return future;
    }
    if (batch) data.batch = true;
    const { signal, timeout } = options;
    if (signal?.aborted) {
      future.cancel();
      return future;
    }
    entry.job = { name, data, opts: { jobId: entry.id } };
    this.#entries.set(entry.id, entry);
    this.#stats.queued++;
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
    for (const entry of this.#entries.values()) {
      if (entry.future === future) return entry.id;
    }
    return undefined;
  }

  /** A future for a job added earlier, maybe by another process. */
  attach(id: string): PoolFuture<unknown> {
    this.checkOpen();
    const existing = this.#entries.get(id);
    if (existing !== undefined) return existing.future;
    const entry: Entry = {
      id,
      future: undefined!,
      where: "added",
      job: undefined,
      claimed: false,
      withdrawn: false,
      addedAt: 0,
      cleanup: undefined,
    };
    entry.future = new PoolFuture<unknown>(() => this.#revoke(entry));
    if (this.#broken !== undefined) {
      entry.future.setException(this.#broken);
      return entry.future;
    }
    this.#entries.set(id, entry);
    this.#stats.queued++;
    this.#track(this.#ready.then(() => this.#lookUp([entry])));
    return entry.future;
  }

  #flush(): void {
    this.#flushQueued = false;
    const batch = this.#outbox.filter((e) => e.job !== undefined);
    this.#outbox = [];
    if (batch.length === 0) return;
    const jobs = batch.map((e) => e.job!);
    for (const entry of batch) {
      entry.where = "adding";
      entry.job = undefined;
    }
    this.#track(
      this.#ready.then(() => this.#queue.addBulk(jobs)).then(() => {
        const now = performance.now();
        for (const entry of batch) {
          entry.where = "added";
          entry.addedAt = now;
          if (entry.withdrawn) this.#removeJob(entry.id);
        }
      }, (error) => {
        for (const entry of batch) {
          if (this.#entries.get(entry.id) === entry) {
            this.#fail(entry, this.#broken ?? error);
          }
        }
      }),
    );
  }

  /** The future's cancel(): takes back a job no worker has claimed. */
  #revoke(entry: Entry): boolean {
    if (entry.claimed) return false;
    if (this.#entries.get(entry.id) === entry) {
      this.#withdraw(entry);
      this.#finish(entry);
    }
    return true;
  }

  /** Makes sure a job that no worker claimed never runs. */
  #withdraw(entry: Entry): void {
    if (entry.where === "outbox") entry.job = undefined;
    else if (entry.where === "adding") entry.withdrawn = true;
    else this.#removeJob(entry.id);
  }

  /**
   * Removes a waiting job. BullMQ's removal script refuses a locked job, and
   * a claim locks the job in the same script that takes it from the wait
   * list, so either the job is gone before any claim or a worker has it.
   */
  #removeJob(id: string): void {
    this.#cancelled.add(id);
    this.#track(
      this.#queue.remove(id).then((removed) => {
        if (removed === 0 && this.#cancelled.delete(id)) {
          this.#stats.lateCancels++;
        }
      }, () => {}),
    );
  }

  /** A timeout (with its error) or an abort (without) stops a task. */
  #stop(entry: Entry, error: TimeoutError | undefined): void {
    if (this.#entries.get(entry.id) !== entry) return;
    if (entry.claimed) {
      // Best effort: the worker running it stops it; its outcome is dropped.
      this.#track(
        this.#queue.client.then((client) =>
          raw(client).call(
            "PUBLISH",
            cancelChannel(this.#config.prefix, this.#config.queue),
            entry.id,
          )
        ).catch(() => {}),
      );
    } else {
      this.#withdraw(entry);
    }
    this.#finish(entry);
    if (error === undefined) entry.future.forceCancel();
    else {
      this.#stats.completed++;
      this.#stats.failed++;
      entry.future.setException(error);
    }
  }

  #onActive(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) {
      if (this.#cancelled.delete(id)) this.#stats.lateCancels++;
      return;
    }
    if (entry.claimed) return;
    entry.claimed = true;
    this.#stats.queued--;
    this.#stats.busy++;
    entry.future.setRunningOrNotifyCancel();
  }

  #onCompleted(id: string, returnvalue: unknown): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    let value: unknown;
    try {
      value = decode(returnvalue);
    } catch (error) {
      this.#fail(entry, error);
      return;
    }
    this.#finish(entry);
    this.#stats.completed++;
    entry.future.setResult(value);
  }

  /** A failed job: its error is in the job hash unless BullMQ failed it. */
  #onFailed(id: string, reason: string, stored: string | null): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    if (stored !== null) {
      this.#fail(entry, this.#errorFrom(stored, reason));
      return;
    }
    this.#track(
      this.#queue.client.then((client) =>
        raw(client).call(
          "HGET",
          jobKey(this.#config.prefix, this.#config.queue, id),
          ERROR_FIELD,
        )
      ).then(
        (value) => {
          if (this.#entries.get(id) !== entry) return;
          this.#fail(
            entry,
            typeof value === "string"
              ? this.#errorFrom(value, reason)
              : stalledError(id, reason),
          );
        },
        (error) => {
          if (this.#entries.get(id) === entry) this.#fail(entry, error);
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
    this.#cancelled.delete(id);
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#finish(entry);
    entry.future.forceCancel(`Job ${id} ${why}`);
  }

  #fail(entry: Entry, error: unknown): void {
    this.#finish(entry);
    this.#stats.completed++;
    this.#stats.failed++;
    entry.future.setException(error);
  }

  /** Forgets a job whose future is about to settle. */
  #finish(entry: Entry): void {
    this.#entries.delete(entry.id);
    if (entry.claimed) this.#stats.busy--;
    else this.#stats.queued--;
    entry.cleanup?.();
    if (this.#entries.size === 0) this.#idle?.();
  }

  /**
   * Reads the job hashes of pending jobs: those without news for a while,
   * or all of them after a reconnection. Events can be missed when the
   * stream is trimmed before they are read.
   */
  #sweep(all: boolean): void {
    if (this.#closing !== undefined && this.#entries.size === 0) return;
    const since = performance.now() - SWEEP_INTERVAL;
    const entries = [...this.#entries.values()].filter((e) =>
      e.where === "added" && (all || e.addedAt < since)
    );
    if (entries.length > 0) this.#track(this.#lookUp(entries));
    this.#countWorkers();
  }

  async #lookUp(entries: Entry[]): Promise<void> {
    const client = raw(await this.#queue.client);
    const { prefix, queue } = this.#config;
    for (let i = 0; i < entries.length; i += 1000) {
      const chunk = entries.slice(i, i + 1000);
      const pipeline = client.pipeline();
      for (const e of chunk) {
        pipeline.call("HMGET", jobKey(prefix, queue, e.id), ...SWEEP_FIELDS);
      }
      const replies = await pipeline.exec() ?? [];
      chunk.forEach((entry, k) => {
        const [error, fields] = replies[k] ?? [];
        if (error || this.#entries.get(entry.id) !== entry) return;
        const [timestamp, processedOn, finishedOn, value, reason, stored] =
          fields as (string | null)[];
        if (timestamp === null) {
          this.#onRemoved(entry.id, "is no longer in Redis");
        } else if (finishedOn !== null && reason !== null) {
          this.#onFailed(entry.id, reason, stored);
        } else if (finishedOn !== null) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(value ?? "null");
          } catch (error) {
            this.#fail(entry, error);
            return;
          }
          this.#onCompleted(entry.id, parsed);
        } else if (processedOn !== null) {
          this.#onActive(entry.id);
        }
      });
    }
  }

  #countWorkers(): void {
    this.#track(
      this.#queue.getWorkersCount().then(
        (n) => this.#stats.workers = n,
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
      for (const entry of [...this.#entries.values()]) {
        if (!entry.claimed) entry.future.cancel();
      }
    }
    this.#closing ??= (async () => {
      if (this.#entries.size > 0) {
        await new Promise<void>((resolve) => this.#idle = resolve);
      }
      await this.#closeConnections();
    })();
    return wait ? this.#closing : Promise.resolve();
  }

  async #closeConnections(): Promise<void> {
    // A start under way finishes first, so that nothing it opens stays open.
    await this.#ready.catch(() => {});
    clearInterval(this.#sweepTimer);
    while (this.#ops.size > 0) await Promise.allSettled(this.#ops);
    await Promise.allSettled([this.#events?.close(), this.#queue.close()]);
  }
}

export type { RawRedis };
