// Copyright 2026 the @concurrent/futures authors. MIT license.
// BullMQExecutor's options checked, with their defaults, as the job client
// takes them: a bad option fails in the constructor, where the caller sees
// it, not later in a connection or a worker.
import {
  checkPositiveInteger,
  checkTimeout,
} from "@concurrent/futures/_internal";
import type { BullMQExecutorOptions } from "./bullmq_executor_options.ts";
import { parseConnection } from "./_connection.ts";
import type { JobClientConfig } from "./_job_client.ts";
import {
  checkQueueName,
  DEFAULT_LOCK_DURATION,
  DEFAULT_MAX_CRASHES,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_STALLED_INTERVAL,
} from "./_protocol.ts";

/**
 * The job client's configuration from the executor's options.
 *
 * @throws {TypeError} For a bad queue name, prefix or connection.
 * @throws {RangeError} For a bad duration, `maxPayloadBytes` or `maxCrashes`.
 */
export function executorConfig(
  options: BullMQExecutorOptions,
): JobClientConfig {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("BullMQExecutor needs { queue, connection }");
  }
  const {
    queue,
    connection,
    prefix = "bull",
    lockDuration = DEFAULT_LOCK_DURATION,
    stalledInterval = DEFAULT_STALLED_INTERVAL,
    keepResults = 3_600_000,
    connectTimeout = 5000,
    maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES,
    maxCrashes = DEFAULT_MAX_CRASHES,
  } = options;
  checkQueueName(queue);
  if (typeof prefix !== "string" || prefix === "") {
    throw new TypeError("The prefix must be a non-empty string");
  }
  for (
    const [value, what] of [
      [lockDuration, "lockDuration"],
      [stalledInterval, "stalledInterval"],
      [keepResults, "keepResults"],
      [connectTimeout, "connectTimeout"],
    ] as const
  ) {
    checkTimeout(value, what);
    if (value === 0 && what !== "keepResults") {
      throw new RangeError(`${what} must be more than 0 ms`);
    }
  }
  checkPositiveInteger(maxPayloadBytes, "maxPayloadBytes");
  if (!Number.isInteger(maxCrashes) || maxCrashes < 0) {
    throw new RangeError(
      `maxCrashes must be an integer of 0 or more, got ${maxCrashes}`,
    );
  }
  return {
    queue,
    connection: parseConnection(connection),
    prefix,
    lockDuration: Math.min(lockDuration, 2 ** 31 - 1),
    stalledInterval: Math.min(stalledInterval, 2 ** 31 - 1),
    keepResults,
    connectTimeout,
    // Workers take only what they can read back as an integer; a larger
    // limit means no limit all the same.
    maxPayloadBytes: Math.min(maxPayloadBytes, Number.MAX_SAFE_INTEGER),
    maxCrashes: Math.min(maxCrashes, Number.MAX_SAFE_INTEGER),
  };
}
