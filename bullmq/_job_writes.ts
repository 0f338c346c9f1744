// Copyright 2026 the @concurrent/futures authors. MIT license.
// The executor's writes to Redis that must survive a lost connection or
// race the workers: adding jobs (sent again after a lost connection, under
// the same ids) and revoking one (atomic against claims), and the watch that
// tells a short outage, waited out, from one that breaks the executor.
import type { Queue } from "bullmq";
import { startTimer } from "@concurrent/futures/_internal";
import type { NewJob } from "./_job_table.ts";
import { jobKey, REVOKE_SCRIPT, revokedKey } from "./_protocol.ts";
import { raw, type RawRedis } from "./_raw_redis.ts";

/**
 * Counts the lost connections of a client, and calls `onOutage` once Redis
 * stays out of reach for longer than `ms` (unless the client is being
 * closed); a shorter outage is waited out.
 */
export class OutageWatch {
  /** Connections lost so far. */
  disconnects = 0;
  #stopTimer: (() => void) | undefined;

  constructor(
    client: RawRedis,
    ms: number,
    closing: () => boolean,
    onOutage: () => void,
  ) {
    client.on("close", () => {
      this.disconnects++;
      if (this.#stopTimer !== undefined || closing()) return;
      this.#stopTimer = startTimer(ms, () => {
        this.#stopTimer = undefined;
        onOutage();
      });
    });
    client.on("ready", () => this.stop());
  }

  /** Stops the timer of an outage under way. */
  stop(): void {
    this.#stopTimer?.();
    this.#stopTimer = undefined;
  }
}

/**
 * Adds jobs, again and again while the connection is lost: an add under way
 * when it closes fails (its reply is lost) though Redis may have run it, and
 * BullMQ ignores a job id it already holds, so sending the same jobs again
 * adds each at most once. Gives up once `broken()` names an error (Redis out
 * of reach for too long), or on any other error.
 */
export async function addJobs(
  queue: Queue,
  jobs: NewJob[],
  watch: OutageWatch,
  broken: () => Error | undefined,
): Promise<void> {
  for (let wait = 20;; wait = Math.min(2 * wait, 500)) {
    const disconnects = watch.disconnects;
    try {
      await queue.addBulk(jobs);
      return;
    } catch (error) {
      const fatal = broken();
      if (fatal !== undefined) throw fatal;
      const lost = watch.disconnects !== disconnects ||
        /connection|closed|LOADING/i.test(String(error));
      if (!lost) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/**
 * Runs {@linkcode REVOKE_SCRIPT} (atomic against claims): whether the job
 * was waiting, never claimed, and is now removed. `false` when Redis cannot
 * say (the job is then left as it is).
 */
export async function revokeJob(
  queue: Queue,
  prefix: string,
  name: string,
  id: string,
): Promise<boolean> {
  const keys = queue.keys;
  try {
    const client = raw(await queue.client);
    const removed = await client.call(
      "EVAL",
      REVOKE_SCRIPT,
      5,
      jobKey(prefix, name, id),
      keys.wait,
      keys.paused,
      keys.events,
      revokedKey(prefix, name, id),
      id,
    );
    return removed === 1;
  } catch {
    return false;
  }
}
