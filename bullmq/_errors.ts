// Copyright 2026 the @concurrent/futures authors. MIT license.
// Errors from workers: rebuilt as on a local pool, and this package's own
// errors (the core's classes) rebuilt as those classes.
import {
  BrokenExecutorError,
  CancelledError,
  InvalidStateError,
  TimeoutError,
  WorkerCrashedError,
} from "@concurrent/futures";
import {
  type MarshalledError,
  unmarshalError,
} from "@concurrent/futures/_internal";

const CORE: Record<string, new (message?: string) => Error> = {
  BrokenExecutorError,
  CancelledError,
  InvalidStateError,
  TimeoutError,
  WorkerCrashedError,
};

/**
 * Rebuilds a worker's error: built-in classes as on a local pool, and the
 * core's error classes (a local pool's `WorkerCrashedError` on the worker's
 * machine, say) as those classes, so `instanceof` holds.
 */
export function reviveError(data: MarshalledError): unknown {
  const error = unmarshalError(data);
  if (!data.error || data.ctor !== "Error" || !Object.hasOwn(CORE, data.name)) {
    return error;
  }
  const core = new CORE[data.name](data.message);
  for (const key of ["stack", "cause"] as const) {
    if (Object.hasOwn(error as Error, key)) {
      Object.defineProperty(core, key, {
        value: (error as Error)[key],
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  }
  return core;
}

/**
 * The error of a job BullMQ failed by itself: one whose workers died while
 * running it more often than the stalled-job limit allows.
 */
export function stalledError(id: string, reason: string): Error {
  return /stalled/i.test(reason)
    ? new WorkerCrashedError(
      `The workers running job ${id} died or stalled: ${reason}`,
    )
    : new Error(reason);
}
