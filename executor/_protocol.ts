// Copyright 2026 the @concurrent/futures authors. MIT license.
// The messages between a pool and its workers, and the shared slots that
// decide, without a round trip, whether a queued task may still start.
import type { MarshalledError } from "./_marshal.ts";

/**
 * How a worker finds a task's function: a plain function by a numeric id
 * (its source `code` is sent the first time a worker needs it), or a
 * module export.
 */
export type FunctionRef =
  | { src: number; code?: string }
  | { url: string; name: string };

/** Main thread to worker. */
export type ToWorker =
  | {
    t: "init";
    /**
     * The worker's task slots (an `Int32Array` over it), when it shares
     * memory with the pool; without them every task received runs.
     */
    slots?: SharedArrayBuffer;
    init?: { fn: FunctionRef; args: unknown[] };
  }
  | {
    t: "run";
    id: number;
    slot: number;
    tag: number;
    fn: FunctionRef;
    args: unknown[];
    /** `args` is a batch of single arguments; the reply is their results. */
    batch: boolean;
  };

/** Worker to main thread. */
export type FromWorker =
  | { t: "ready" }
  | { t: "initError"; error: MarshalledError }
  | { t: "ok"; id: number; value: unknown }
  | { t: "err"; id: number; error: MarshalledError }
  | { t: "crash"; how: string; error?: MarshalledError };

// Each worker has two slots, one for the task it runs and one for the task
// it holds queued. A slot holds `tag | state`, the tag naming the task, so
// a stale message can never claim a slot reused by a later task. The worker
// moves QUEUED to STARTED before running a task; the pool moves QUEUED to
// REVOKED to cancel one. Both use compareExchange, so exactly one wins.
export const SLOTS = 2;
export const QUEUED = 0;
export const STARTED = 1;
export const REVOKED = 2;

/** The tag of a task id: its low 29 bits, shifted past the state. */
export function tagOf(id: number): number {
  return (id & 0x1fffffff) << 2;
}
