// Copyright 2026 the @concurrent/futures authors. MIT license.
// Why the pool stopped a running task, as it reaches the task's
// `this.signal.reason`: in a "stop" message, and, on a Worker, also in
// memory shared with the pool, where a synchronous loop that never lets a
// message in finds it when `throwIfCancelled()` sees the stop flag.
import { TimeoutError } from "../future/errors.ts";
import {
  marshalError,
  type MarshalledError,
  unmarshalError,
} from "./_marshal.ts";

/** A stop reason as it travels: a timeout's message, or an abort reason. */
export type StopReason = { timeout: string } | { abort: MarshalledError };

/**
 * The reason of a stop: the `TimeoutError` the future failed with, or
 * else the caller's abort `reason`. A reason that cannot be cloned
 * becomes an "AbortError" `DOMException` that says so.
 */
export function stopReasonOf(
  error: TimeoutError | undefined,
  reason: unknown,
): StopReason {
  if (error !== undefined) return { timeout: error.message };
  const abort = marshalError(reason);
  try {
    structuredClone(abort);
    return { abort };
  } catch (failure) {
    return {
      abort: marshalError(
        new DOMException(
          `The task was aborted (its abort reason cannot be sent: ${failure})`,
          "AbortError",
        ),
      ),
    };
  }
}

/** The value `this.signal.reason` takes for a stop reason. */
export function reviveStop(reason: StopReason): unknown {
  return "timeout" in reason
    ? new TimeoutError(reason.timeout)
    : unmarshalError(reason.abort);
}

/** The reason a stop gets when its own reason cannot be read. */
export function unknownStop(): DOMException {
  return new DOMException("The task was aborted", "AbortError");
}

// The shared area, after a Worker's slots: the tag of the task it speaks
// of, the length of the text, then the stop reason as JSON. The pool
// writes it before it raises the task's stop flag (an Atomics operation),
// so a worker that sees the flag reads the whole text.

/** Bytes of the shared area for a stop reason. */
export const STOP_AREA_BYTES = 4096;
const HEADER_BYTES = 8;

/**
 * Whether `value` comes back from JSON as it went in: plain data only, so
 * the shared area never gives a task a different reason than the message
 * would.
 */
function plain(value: unknown, depth = 0): boolean {
  if (depth > 20) return false;
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "undefined":
      // Only as an absent field (`stack`, `value`); arrays are checked below.
      return depth > 0;
    case "object": {
      if (value === null) return true;
      if (Array.isArray(value)) {
        return value.every((item) =>
          item !== undefined && plain(item, depth + 1)
        );
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      return Object.values(value).every((item) => plain(item, depth + 1));
    }
    default:
      return false;
  }
}

/**
 * Leaves `reason` for the task tagged `tag` in the area at byte `offset`
 * of `buffer`; a reason that is not plain data or too long leaves only the
 * tag, and the task sees an "AbortError" until the message arrives.
 */
export function writeStop(
  buffer: SharedArrayBuffer,
  offset: number,
  tag: number,
  reason: StopReason,
): void {
  const header = new Int32Array(buffer, offset, 2);
  let bytes: Uint8Array | undefined;
  if (plain(reason)) {
    bytes = new TextEncoder().encode(JSON.stringify(reason));
    if (bytes.length > STOP_AREA_BYTES - HEADER_BYTES) bytes = undefined;
  }
  if (bytes !== undefined) {
    new Uint8Array(buffer, offset + HEADER_BYTES, bytes.length).set(bytes);
  }
  Atomics.store(header, 1, bytes?.length ?? 0);
  Atomics.store(header, 0, tag);
}

/** The reason the pool left for the task tagged `tag`, if it left one. */
export function readStop(
  buffer: SharedArrayBuffer,
  offset: number,
  tag: number,
): StopReason | undefined {
  const header = new Int32Array(buffer, offset, 2);
  if (Atomics.load(header, 0) !== tag) return undefined;
  const length = Atomics.load(header, 1);
  if (length === 0) return undefined;
  // A copy: TextDecoder does not read shared memory.
  const bytes = new Uint8Array(buffer, offset + HEADER_BYTES, length).slice();
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}
