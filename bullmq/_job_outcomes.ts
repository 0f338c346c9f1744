// Copyright 2026 the @concurrent/futures authors. MIT license.
// What became of the executor's jobs, and their futures settled with it: the
// queue's events say it as it happens, and a sweep reads the job hashes of
// those whose events could have been missed (the stream is trimmed, and a
// lagging reader loses the oldest events).
import type { Queue } from "bullmq";
import type { MarshalledError } from "@concurrent/futures/_internal";
import { decode } from "./_codec.ts";
import { reviveError, stalledError } from "./_errors.ts";
import type { Entry, JobTable } from "./_job_table.ts";
import { readJobStates } from "./_job_state.ts";
import { ERROR_FIELD, jobKey } from "./_protocol.ts";
import { raw, type RawRedis } from "./_raw_redis.ts";

/** How often, in ms, the sweep looks for jobs without news. */
export const SWEEP_INTERVAL = 5000;
/** The longest wait, in ms, between two reads of a job's hash. */
const MAX_CHECK_EVERY = 60_000;

/** Where the jobs are: the queue's Redis keys. */
export interface OutcomesConfig {
  queue: string;
  prefix: string;
}

export class JobOutcomes {
  #jobs: JobTable;
  #queue: Queue;
  #config: OutcomesConfig;
  #track: (op: Promise<unknown>) => void;
  /**
   * Ids revoked in Redis, watched until their removal is seen: an `active`
   * event for one of them would be a late cancel (there should be none).
   */
  readonly revoked: Set<string> = new Set();

  /** @param track Keeps an operation open until it ends (for shutdown). */
  constructor(
    jobs: JobTable,
    queue: Queue,
    config: OutcomesConfig,
    track: (op: Promise<unknown>) => void,
  ) {
    this.#jobs = jobs;
    this.#queue = queue;
    this.#config = config;
    this.#track = track;
  }

  onActive(id: string): void {
    const entry = this.#jobs.get(id);
    if (entry !== undefined) this.#jobs.claim(entry);
    else if (this.revoked.delete(id)) this.#jobs.stats.lateCancels++;
  }

  onCompleted(id: string, returnvalue: unknown): void {
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
  onFailed(id: string, reason: string, stored: string | null): void {
    const entry = this.#jobs.get(id);
    if (entry === undefined) return;
    if (stored !== null) {
      this.#jobs.fail(entry, errorFrom(stored, reason));
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
              ? errorFrom(value, reason)
              : stalledError(id, reason),
          );
        },
        (error) => {
          if (this.#jobs.has(entry)) this.#jobs.fail(entry, error);
        },
      ),
    );
  }

  /** Someone removed the job (or Redis lost it): the future is cancelled. */
  onRemoved(id: string, why = "was removed from the queue"): void {
    this.revoked.delete(id);
    const entry = this.#jobs.get(id);
    if (entry !== undefined) this.#jobs.cancel(entry, `Job ${id} ${why}`);
  }

  /**
   * Looks up pending jobs: those without news for a while, or all of them
   * after a reconnection.
   */
  sweep(all: boolean): void {
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
    if (entries.length > 0) this.#track(this.lookUp(entries));
  }

  /** Reads the hashes of these jobs, and settles those that ended. */
  async lookUp(entries: Entry[]): Promise<void> {
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
          return this.onRemoved(entry.id, "is no longer in Redis");
        case "active":
          return this.onActive(entry.id);
        case "completed":
          return this.onCompleted(entry.id, job.value);
        case "failed":
          return this.onFailed(entry.id, job.reason, job.stored);
        case "unreadable":
          return this.#jobs.fail(entry, job.error);
      }
    });
  }
}

/** The worker's error from the job hash, or one with BullMQ's message. */
function errorFrom(stored: string, reason: string): unknown {
  try {
    return reviveError(decode(JSON.parse(stored)) as MarshalledError);
  } catch {
    return new Error(reason);
  }
}
