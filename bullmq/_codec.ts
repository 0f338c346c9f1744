// Copyright 2026 the @concurrent/futures authors. MIT license.
// Values cross Redis as on a local pool, by structured clone (V8
// serialization, base64 in the job's JSON); plain JSON data, the common
// case, travels as JSON, which is much faster and readable in dashboards.
import { Buffer } from "node:buffer";
import { deserialize, serialize } from "node:v8";

/** A value as it travels in a job: JSON as is, or serialized by V8. */
export type Encoded = { j: unknown } | { b: string };

const MAX_DEPTH = 64;

/** Whether JSON carries `value` unchanged (what structured clone keeps). */
function jsonSafe(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (depth > MAX_DEPTH) return false;
      const proto = Object.getPrototypeOf(value);
      if (Array.isArray(value)) {
        if (proto !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !jsonSafe(value[i], depth + 1)) return false;
        }
        return true;
      }
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!jsonSafe((value as Record<string, unknown>)[key], depth + 1)) {
          return false;
        }
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * Encodes a value for a job.
 *
 * @throws {DOMException} A `DataCloneError` if structured clone refuses it.
 */
export function encode(value: unknown): Encoded {
  if (jsonSafe(value, 0)) return { j: value };
  let bytes: Uint8Array;
  try {
    bytes = serialize(value);
  } catch (error) {
    // The runtime's own clone error names what could not be cloned.
    structuredClone(value);
    throw new DOMException(
      error instanceof Error ? error.message : String(error),
      "DataCloneError",
    );
  }
  return {
    b: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
      .toString("base64"),
  };
}

/**
 * Decodes what {@linkcode encode} made.
 *
 * @throws {TypeError} If `data` is not an encoded value.
 */
export function decode(data: unknown): unknown {
  if (typeof data === "object" && data !== null) {
    if ("j" in data) return data.j;
    if ("b" in data && typeof data.b === "string") {
      return deserialize(Buffer.from(data.b, "base64"));
    }
  }
  throw new TypeError("A job value is not in the format of this package");
}
