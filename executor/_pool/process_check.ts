// Copyright 2026 the @concurrent/futures authors. MIT license.
// What a child process may say to its pool. A child runs sandboxed code
// that can write anything to its channel: a message that does not have
// the shape of the protocol is treated as a broken channel (the child is
// killed and its task fails with WorkerCrashedError), never handed to the
// engine, where it would break the whole pool.
import type { FromWorker } from "../_protocol.ts";
import { type MarshalledError, unmarshalError } from "../_marshal.ts";
import { MessageError } from "../_process_wire.ts";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

/** Whether `value` is an error as the runner marshals it, and revives. */
function isError(value: unknown): value is MarshalledError {
  if (!isRecord(value)) return false;
  try {
    unmarshalError(value as unknown as MarshalledError);
    return true;
  } catch {
    return false;
  }
}

function isResult(value: unknown): boolean {
  if (!isRecord(value) || !isId(value.id)) return false;
  if (value.ok === true) return true;
  return value.ok === false && isError(value.error);
}

/**
 * Returns `value` as a message of the protocol.
 *
 * @throws {MessageError} If it is not one.
 */
export function checkFromChild(value: unknown): FromWorker {
  if (isRecord(value)) {
    switch (value.t) {
      case "ready":
        return value as FromWorker;
      case "initError":
        if (isError(value.error)) return value as FromWorker;
        break;
      case "done":
        if (
          Array.isArray(value.results) && value.results.every(isResult) &&
          Number.isFinite(value.busy) && (value.busy as number) >= 0
        ) return value as FromWorker;
        break;
      case "progress":
        if (isId(value.id) && Array.isArray(value.values)) {
          return value as FromWorker;
        }
        break;
      case "crash":
        if (
          typeof value.how === "string" &&
          (value.id === null || isId(value.id)) &&
          (value.error === undefined || isError(value.error))
        ) return value as FromWorker;
        break;
    }
  }
  throw new MessageError("A message does not follow the pool's protocol");
}
