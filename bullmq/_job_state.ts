// Copyright 2026 the @concurrent/futures authors. MIT license.
// Reading what became of jobs from their hashes, for the jobs whose events
// may have been missed (and for jobs attached by id).
import { ERROR_FIELD, jobKey } from "./_protocol.ts";
import type { RawRedis } from "./_raw_redis.ts";

/** What a job's hash says. */
export type JobState =
  | { state: "gone" }
  | { state: "waiting" }
  | { state: "active" }
  | { state: "completed"; value: unknown }
  | { state: "failed"; reason: string; stored: string | null }
  | { state: "unreadable"; error: unknown };

const FIELDS = [
  "timestamp",
  "processedOn",
  "finishedOn",
  "returnvalue",
  "failedReason",
  ERROR_FIELD,
] as const;
const CHUNK = 1000;

/**
 * Reads the states of jobs, in pipelines of a thousand; `undefined` where
 * Redis did not answer.
 */
export async function readJobStates(
  client: RawRedis,
  prefix: string,
  queue: string,
  ids: string[],
): Promise<(JobState | undefined)[]> {
  const states: (JobState | undefined)[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const pipeline = client.pipeline();
    for (const id of ids.slice(i, i + CHUNK)) {
      pipeline.call("HMGET", jobKey(prefix, queue, id), ...FIELDS);
    }
    for (const [error, fields] of await pipeline.exec() ?? []) {
      states.push(error ? undefined : stateOf(fields));
    }
  }
  return states;
}

function stateOf(fields: unknown): JobState {
  const [timestamp, processedOn, finishedOn, value, reason, stored] =
    fields as (string | null)[];
  if (timestamp === null) return { state: "gone" };
  if (finishedOn !== null && reason !== null) {
    return { state: "failed", reason, stored };
  }
  if (finishedOn !== null) {
    try {
      return { state: "completed", value: JSON.parse(value ?? "null") };
    } catch (error) {
      return { state: "unreadable", error };
    }
  }
  return processedOn !== null ? { state: "active" } : { state: "waiting" };
}
