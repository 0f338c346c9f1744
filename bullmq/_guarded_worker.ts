// Copyright 2026 the @concurrent/futures authors. MIT license.
// A BullMQ Worker that reads a job only when it is small enough and well
// formed. BullMQ claims a job and hands its hash over as strings, then
// parses its JSON fields (`createJob`); a job that anyone with write access
// to Redis made too large, or that does not parse, would make that parse
// take the worker's memory or throw in BullMQ's own loop, outside any job:
// the job is never failed, BullMQ finds it stalled and hands it out again
// every lock period, forever, and its future never settles. Here such a job
// is read as an empty one that the processor fails with the reason, and the
// worker takes the next.
import { Buffer } from "node:buffer";
import {
  type Job,
  type JobJsonRaw,
  type Processor,
  Worker,
  type WorkerOptions,
} from "bullmq";

/**
 * What a job may take in Redis beyond `maxPayloadBytes` (its arguments):
 * the task's reference (a function's source included) and BullMQ's fields.
 */
const JOB_ENVELOPE_BYTES = 1024 * 1024;

/** The fields BullMQ parses as JSON when it reads a job. */
const JSON_FIELDS = [
  "data",
  "opts",
  "progress",
  "parent",
  "stacktrace",
  "returnvalue",
] as const;

/**
 * The bytes of a job's hash, keys and values, in UTF-8; counted exactly
 * only when it may be more than `limit` (a UTF-16 unit takes 1 to 3 bytes,
 * and an exact count is a pass over every string).
 */
function jobBytes(json: JobJsonRaw, limit: number): number {
  const fields = Object.entries(json).filter(([, value]) =>
    typeof value === "string"
  ) as [string, string][];
  let units = 0;
  for (const [key, value] of fields) units += key.length + value.length;
  if (3 * units <= limit) return units;
  let bytes = 0;
  for (const [key, value] of fields) {
    bytes += Buffer.byteLength(key, "utf8") + Buffer.byteLength(value, "utf8");
  }
  return bytes;
}

export class GuardedWorker extends Worker {
  #limit: number;
  #maxPayloadBytes: number;
  #refused = new WeakMap<Job, Error>();

  /** @param maxPayloadBytes The executor's limit on a job's arguments. */
  constructor(
    queue: string,
    processor: Processor,
    options: WorkerOptions,
    maxPayloadBytes: number,
  ) {
    super(queue, processor, options);
    this.#maxPayloadBytes = maxPayloadBytes;
    this.#limit = maxPayloadBytes + JOB_ENVELOPE_BYTES;
  }

  /** Why this job was not read, if it was not: the processor fails it. */
  refusal(job: Job): Error | undefined {
    return this.#refused.get(job);
  }

  protected override createJob(json: JobJsonRaw, id: string): Job {
    let refusal: Error;
    const size = jobBytes(json, this.#limit);
    if (size > this.#limit) {
      refusal = new RangeError(
        `Job ${id} takes ${size} bytes in Redis, more than maxPayloadBytes (${this.#maxPayloadBytes} bytes) plus ${JOB_ENVELOPE_BYTES} bytes for the rest of the job: it was not read`,
      );
    } else {
      try {
        return super.createJob(json, id);
      } catch (error) {
        refusal = unreadable(json, id, error);
      }
    }
    // An empty job in its place, which BullMQ can fail like any other.
    const bare: Record<string, unknown> = { ...json };
    for (const field of JSON_FIELDS) delete bare[field];
    const job = super.createJob(bare as unknown as JobJsonRaw, id);
    this.#refused.set(job, refusal);
    return job;
  }
}

/** The fields whose JSON BullMQ parses without a guard of its own. */
const STRICT_FIELDS = ["data", "opts", "progress", "parent"] as const;

/** Why BullMQ could not read a job: the field that is not JSON, if one is. */
function unreadable(json: JobJsonRaw, id: string, error: unknown): TypeError {
  for (const field of STRICT_FIELDS) {
    const value = json[field];
    if (typeof value !== "string" || value === "") continue;
    try {
      JSON.parse(value);
    } catch (parseError) {
      return new TypeError(
        `Job ${id} cannot be read: its ${field} is not JSON (${
          (parseError as Error).message
        })`,
      );
    }
  }
  return new TypeError(
    `Job ${id} cannot be read: ${
      error instanceof Error ? error.message : String(error)
    }`,
  );
}
