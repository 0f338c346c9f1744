// Copyright 2026 the @concurrent/futures authors. MIT license.
// Taking jobs back: cancel() while a job has not left this process, revoke()
// once it is in Redis (atomic against the workers' claims, so a `true` is
// never wrong), and the stop of a timed-out or aborted task, which removes a
// job that no worker claimed or asks its worker to stop it.
import type { Queue } from "bullmq";
import { Future, type TimeoutError } from "@concurrent/futures";
import type { Entry, JobTable } from "./_job_table.ts";
import { revokeJob } from "./_job_writes.ts";
import { cancelChannel } from "./_protocol.ts";
import { raw } from "./_raw_redis.ts";

/** Where the jobs are: the queue's Redis keys. */
export interface RevokerConfig {
  queue: string;
  prefix: string;
}

export class JobRevoker {
  #jobs: JobTable;
  #queue: Queue;
  #config: RevokerConfig;
  #revoked: Set<string>;
  #track: (op: Promise<unknown>) => void;

  /**
   * @param revoked The ids revoked in Redis, which the events watch for a
   * late claim.
   * @param track Keeps an operation open until it ends (for shutdown).
   */
  constructor(
    jobs: JobTable,
    queue: Queue,
    config: RevokerConfig,
    revoked: Set<string>,
    track: (op: Promise<unknown>) => void,
  ) {
    this.#jobs = jobs;
    this.#queue = queue;
    this.#config = config;
    this.#revoked = revoked;
    this.#track = track;
  }

  /**
   * The future's cancel(): `true` only for a job that has not been sent,
   * which then never is. A job in Redis (or on its way) needs Redis's
   * answer: {@linkcode JobRevoker.revoke}; an abandoned `map` revokes its
   * chunks that way.
   */
  cancel(entry: Entry): boolean {
    if (entry.claimed || !this.#jobs.has(entry)) return false;
    if (entry.where === "outbox") {
      entry.job = undefined;
      this.#jobs.finish(entry);
      return true;
    }
    if (entry.batch) this.#track(this.revokeEntry(entry));
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
    return this.revokeEntry(this.#jobs.get(id)!);
  }

  /** {@linkcode JobRevoker.revoke} for a pending entry. */
  async revokeEntry(entry: Entry): Promise<boolean> {
    if (entry.where === "outbox") return entry.future.cancel();
    if (entry.adding !== undefined) await entry.adding;
    if (!this.#jobs.has(entry)) return entry.future.cancelled();
    if (entry.claimed || !await this.#revokeJob(entry.id)) return false;
    if (this.#jobs.has(entry)) this.#jobs.cancel(entry);
    return true;
  }

  /** A timeout (with its error) or an abort (without) stops a task. */
  stop(entry: Entry, error: TimeoutError | undefined): void {
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
}
