// Copyright 2026 the @concurrent/futures authors. MIT license.
// An executor's start: reach Redis within the deadline, publish the settings
// workers read (lock, stalled check, crashes, payload size), and listen to
// the queue's events from the current end of its stream on.
import { type Queue, QueueEvents } from "bullmq";
import { BrokenExecutorError } from "@concurrent/futures";
import { type ParsedConnection, withDeadline } from "./_connection.ts";
import { settingsKey } from "./_protocol.ts";
import { raw } from "./_raw_redis.ts";

export interface EventsConfig {
  queue: string;
  connection: ParsedConnection;
  prefix: string;
  lockDuration: number;
  stalledInterval: number;
  connectTimeout: number;
  maxCrashes: number;
  maxPayloadBytes: number;
}

export interface EventHandlers {
  /** The last connection error, for the message of a failed start. */
  lastError(): unknown;
  onError(error: unknown): void;
  onActive(id: string): void;
  onCompleted(id: string, returnvalue: unknown): void;
  onFailed(id: string, reason: string): void;
  onRemoved(id: string): void;
  onReconnect(): void;
}

/**
 * Connects `queue` and opens its event stream.
 *
 * @throws {BrokenExecutorError} When Redis is not reached in time.
 * @throws The signal's reason, once it aborts (a shutdown during the start).
 */
export async function openEvents(
  queue: Queue,
  config: EventsConfig,
  handlers: EventHandlers,
  signal: AbortSignal,
): Promise<QueueEvents> {
  const { connectTimeout, connection, prefix } = config;
  const unreachable = () => {
    const cause = handlers.lastError();
    return new BrokenExecutorError(
      `Cannot reach Redis at ${connection.label} within ${connectTimeout} ms${
        cause instanceof Error ? `: ${cause.message}` : ""
      }`,
      { cause },
    );
  };
  const client = raw(
    await withDeadline(queue.client, connectTimeout, unreachable, signal),
  );
  // Events from here on are read, also those of jobs added before the
  // event connection is up.
  const last = await client.call(
    "XREVRANGE",
    queue.keys.events,
    "+",
    "-",
    "COUNT",
    "1",
  ) as [string, string[]][];
  // Workers started from now on lock and check jobs at this pace, try a
  // job that kills them this often, and refuse results this large.
  await client.call(
    "HSET",
    settingsKey(prefix, config.queue),
    "lockDuration",
    String(config.lockDuration),
    "stalledInterval",
    String(config.stalledInterval),
    "maxCrashes",
    String(config.maxCrashes),
    "maxPayloadBytes",
    String(config.maxPayloadBytes),
  );
  signal.throwIfAborted();
  const events = new QueueEvents(config.queue, {
    connection: connection.options,
    prefix,
    lastEventId: last[0]?.[0] ?? "0-0",
  });
  events.on("error", handlers.onError);
  events.on("active", ({ jobId }) => handlers.onActive(jobId));
  events.on(
    "completed",
    ({ jobId, returnvalue }) => handlers.onCompleted(jobId, returnvalue),
  );
  events.on(
    "failed",
    ({ jobId, failedReason }) => handlers.onFailed(jobId, failedReason),
  );
  events.on("removed", ({ jobId }) => handlers.onRemoved(jobId));
  try {
    const eventClient = raw(
      await withDeadline(events.client, connectTimeout, unreachable, signal),
    );
    signal.throwIfAborted();
    eventClient.on("ready", handlers.onReconnect);
  } catch (error) {
    await events.close().catch(() => {});
    throw error;
  }
  return events;
}
