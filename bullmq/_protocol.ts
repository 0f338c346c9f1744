// Copyright 2026 the @concurrent/futures authors. MIT license.
// What the executor and the worker program agree on: the shape of a job's
// data and result, and the Redis keys this package adds next to BullMQ's.
import type { Encoded } from "./_codec.ts";

/** The version of the job format; a worker refuses other versions. */
export const PROTOCOL = 1;

/** How a job names its function: a module export, or a function's source. */
export type TaskRef = { url: string; name: string } | { code: string };

/** A job's data, as BullMQ stores it (JSON). */
export interface JobData {
  v: typeof PROTOCOL;
  fn: TaskRef;
  /** The argument array, or for a `map` chunk the list of items. */
  args: Encoded;
  /** `args` holds the items of a `map` chunk, one call each. */
  batch?: true;
}

/**
 * The job hash field where a worker leaves the marshalled error of a failed
 * task; BullMQ's own `failedReason` keeps only the message. The field goes
 * with the job when BullMQ removes it.
 */
export const ERROR_FIELD = "futuresError";

/** Lock time of a claimed job, in ms, unless an executor says otherwise. */
export const DEFAULT_LOCK_DURATION = 5000;
/** How often workers look for stalled jobs, in ms, by default. */
export const DEFAULT_STALLED_INTERVAL = 2500;
/** The largest argument list or result, in bytes as stored, by default. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
/** How often a job may kill its worker process and be tried again. */
export const DEFAULT_MAX_CRASHES = 1;

/**
 * Takes back a job that no worker has claimed, atomically with respect to
 * claims: BullMQ claims a job in one script (moveToActive) that moves it
 * off the wait list and counts the attempt in its `ats` field, so the job is
 * either still waiting and never claimed (removed here: 1) or claimed, done
 * or gone (left alone: 0).
 *
 * KEYS: the job's hash, the wait list, the paused list, the event stream,
 * the job's revoked mark (kept an hour, so that the same call sent again
 * after a lost connection gets the same answer). ARGV: the job id.
 */
export const REVOKE_SCRIPT = `
local job, id = KEYS[1], ARGV[1]
if redis.call("EXISTS", KEYS[5]) == 1 then return 1 end
if redis.call("EXISTS", job) == 0 or redis.call("HEXISTS", job, "ats") == 1
  or redis.call("EXISTS", job .. ":lock") == 1 then
  return 0
end
if redis.call("LREM", KEYS[2], -1, id) + redis.call("LREM", KEYS[3], -1, id) == 0 then
  return 0
end
redis.call("DEL", job, job .. ":logs")
redis.call("SET", KEYS[5], "1", "PX", 3600000)
redis.call("XADD", KEYS[4], "*", "event", "removed", "jobId", id, "prev", "waiting")
return 1
`;

// Custom job ids cannot contain ":" (BullMQ refuses them), so these keys,
// with two ":" after the queue name, never meet a job's key.

/**
 * The hash where an executor publishes the settings workers read at their
 * start: `lockDuration`, `stalledInterval`, `maxCrashes`, `maxPayloadBytes`.
 */
export function settingsKey(prefix: string, queue: string): string {
  return `${prefix}:${queue}:futures:settings`;
}

/** The pub/sub channel that tells workers to stop a running job. */
export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:futures:cancel`;
}

/** The mark of a job revoked by {@linkcode REVOKE_SCRIPT}. */
export function revokedKey(prefix: string, queue: string, id: string): string {
  return `${prefix}:${queue}:futures:revoked:${id}`;
}

/** The key of a job's hash. */
export function jobKey(prefix: string, queue: string, id: string): string {
  return `${prefix}:${queue}:${id}`;
}

/** Checks a queue name, as BullMQ would refuse it later and less clearly. */
export function checkQueueName(queue: unknown): string {
  if (typeof queue !== "string" || queue === "" || queue.includes(":")) {
    throw new TypeError(
      `The queue must be a non-empty name without ":", got ${
        typeof queue === "string" ? JSON.stringify(queue) : typeof queue
      }`,
    );
  }
  return queue;
}
