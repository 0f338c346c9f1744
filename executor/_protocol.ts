// Copyright 2026 the @concurrent/futures authors. MIT license.
// The messages between a pool and its workers, and the shared slots that
// decide, without a round trip, whether a shipped task may still start.
import type { MarshalledError } from "./_marshal.ts";
import type { StopReason } from "./_stop.ts";

/**
 * How a worker finds a task's function: a plain function by a numeric id
 * (its source `code` is sent the first time a worker needs it), or a
 * module export.
 */
export type FunctionRef =
  | { src: number; code?: string }
  | { url: string; name: string };

/** One task of a `run` message. */
export interface RunTask {
  id: number;
  /** Its slot in the worker's shared slots; -1 without shared memory. */
  slot: number;
  /** Names this shipment of the task in its slot (see `tagOf`). */
  tag: number;
  fn: FunctionRef;
  args: unknown[];
  /** `args` is a batch of single arguments; the result is their results. */
  batch: boolean;
  /** The caller listens to the task's progress (`onProgress`). */
  progress?: true;
  /**
   * A signal or a timeout may stop it, and its worker be killed: the
   * results of the tasks before it are sent before it starts.
   */
  stoppable?: true;
}

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
    /** Run in this order, one at a time, after those sent before. */
    tasks: RunTask[];
  }
  | {
    /** Stop task `id`: its signal aborts, `throwIfCancelled()` throws. */
    t: "stop";
    id: number;
    reason: StopReason;
  };

/** The outcome of one task. */
export type TaskResult =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: MarshalledError };

/** Worker to main thread. */
export type FromWorker =
  | { t: "ready" }
  | { t: "initError"; error: MarshalledError }
  | {
    t: "done";
    /** In the order the tasks ran. */
    results: TaskResult[];
    /** Milliseconds the worker spent running these tasks. */
    busy: number;
  }
  | {
    /** Values of `this.progress()` of task `id`, in order. */
    t: "progress";
    id: number;
    values: unknown[];
  }
  | {
    t: "crash";
    how: string;
    error?: MarshalledError;
    /**
     * The task the worker was running; `null` when it ran none (an error
     * a task left behind, thrown once it had returned).
     */
    id: number | null;
  };

// A worker with shared memory has a row of slots, one per task it has been
// shipped and not finished. A slot holds `tag | state`, the tag naming one
// shipment, so a stale message can never claim a slot reused later. The
// worker moves QUEUED to STARTED before running a task; the pool moves
// QUEUED to REVOKED to take a task back (a cancel, or to run it elsewhere).
// Both use compareExchange, so exactly one wins. The pool moves STARTED to
// STOPPED to ask a running task to end: `throwIfCancelled()` reads its
// slot, and the reason waits in the stop area after the slots (`_stop.ts`).
/** Slots per worker: the most tasks it can hold shipped at once. */
export const MAX_SHIPPED = 1024;
/** Where the stop area (`_stop.ts`) begins in a worker's shared memory. */
export const STOP_AREA_OFFSET = MAX_SHIPPED * 4;

export const QUEUED = 0;
export const STARTED = 1;
export const REVOKED = 2;
export const STOPPED = 3;
const STATE_BITS = 2;

/** The tag of a shipment number: its low 29 bits, shifted past the state. */
export function tagOf(shipment: number): number {
  return (shipment & 0x1fffffff) << STATE_BITS;
}
