// Copyright 2026 the @concurrent/futures authors. MIT license.
// The executor's side of its jobs: one entry per pending future, the
// counters of `stats`, and the only places where futures settle, each once.
import { PoolFuture } from "@concurrent/futures/_internal";
import type { JobData } from "./_protocol.ts";

/** A job as it is added: its name, data and options. */
export interface NewJob {
  name: string;
  data: JobData;
  opts: {
    jobId: string;
    deduplication?: { id: string; ttl: number };
  };
}

/** A job whose future is pending. */
export interface Entry {
  readonly id: string;
  readonly future: PoolFuture<unknown>;
  /** Where the job is: not sent, being added, or in Redis. */
  where: "outbox" | "adding" | "added";
  /** The job to add, while it waits in the outbox. */
  job: NewJob | undefined;
  /** A worker claimed it (its `active` event, or its hash, says so). */
  claimed: boolean;
  /** A `map` chunk: its cancel() (an abandoned map) revokes it. */
  batch: boolean;
  /** Settles once its add is done (or failed), while it is being added. */
  adding: Promise<void> | undefined;
  /**
   * When the sweep should next read its hash (`performance.now()`), and
   * how long it waited last time: the wait doubles, so that many long jobs
   * cost few reads.
   */
  nextCheck: number;
  checkEvery: number;
  /** Called once, when a worker claims the job: arms its timeout. */
  onStart: (() => void) | undefined;
  /** Stops its timeout and abort listener. */
  cleanup: (() => void) | undefined;
}

/** The counters behind `BullMQExecutor.stats`. */
export interface JobStats {
  workers: number;
  busy: number;
  queued: number;
  completed: number;
  failed: number;
  lateCancels: number;
}

export class JobTable {
  readonly stats: JobStats = {
    workers: 0,
    busy: 0,
    queued: 0,
    completed: 0,
    failed: 0,
    lateCancels: 0,
  };
  #entries = new Map<string, Entry>();
  #byFuture = new WeakMap<object, Entry>();
  #idle: (() => void)[] = [];

  /**
   * A new entry and its future, not in the table yet. `revoke` is the
   * future's cancel(): `true` if the job can never run.
   */
  create(id: string, revoke: (entry: Entry) => boolean): Entry {
    const entry: Entry = {
      id,
      future: new PoolFuture<unknown>(() => revoke(entry)),
      where: "outbox",
      job: undefined,
      claimed: false,
      batch: false,
      adding: undefined,
      nextCheck: 0,
      checkEvery: 0,
      onStart: undefined,
      cleanup: undefined,
    };
    return entry;
  }

  /** Puts an entry in the table: its future is pending on a job. */
  add(entry: Entry): void {
    this.#entries.set(entry.id, entry);
    this.#byFuture.set(entry.future, entry);
    this.stats.queued++;
  }

  get(id: string): Entry | undefined {
    return this.#entries.get(id);
  }

  /** Whether this entry (not just one with its id) is pending. */
  has(entry: Entry): boolean {
    return this.#entries.get(entry.id) === entry;
  }

  get size(): number {
    return this.#entries.size;
  }

  values(): Entry[] {
    return [...this.#entries.values()];
  }

  /** The job id of a pending future. */
  idOf(future: unknown): string | undefined {
    const entry = this.#byFuture.get(future as object);
    return entry !== undefined && this.has(entry) ? entry.id : undefined;
  }

  /** A worker claimed the job: its future runs. */
  claim(entry: Entry): void {
    if (entry.claimed) return;
    entry.claimed = true;
    this.stats.queued--;
    this.stats.busy++;
    entry.future.setRunningOrNotifyCancel();
    const onStart = entry.onStart;
    entry.onStart = undefined;
    onStart?.();
  }

  /** Settles the future with a result. */
  complete(entry: Entry, value: unknown): void {
    this.finish(entry);
    this.stats.completed++;
    entry.future.setResult(value);
  }

  /** Settles the future with an error. */
  fail(entry: Entry, error: unknown): void {
    this.finish(entry);
    this.stats.completed++;
    this.stats.failed++;
    entry.future.setException(error);
  }

  /** Cancels the future, even a running one. */
  cancel(entry: Entry, message?: string): void {
    this.finish(entry);
    entry.future.forceCancel(message);
  }

  /** Forgets an entry whose future is about to settle (or was cancelled). */
  finish(entry: Entry): void {
    this.#entries.delete(entry.id);
    if (entry.claimed) this.stats.busy--;
    else this.stats.queued--;
    entry.cleanup?.();
    if (this.#entries.size === 0) {
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /** Resolves once no future is pending. */
  idle(): Promise<void> {
    if (this.#entries.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
