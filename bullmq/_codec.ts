// Copyright 2026 the @concurrent/futures authors. MIT license.
// Values cross Redis as on a local pool, by structured clone (V8
// serialization, base64 in the job's JSON); plain JSON data, the common
// case, travels as JSON, which is much faster and readable in dashboards.
import { Buffer } from "node:buffer";
import { deserialize, serialize } from "node:v8";

/** A value as it travels in a job: JSON as is, or serialized by V8. */
export type Encoded = { j: unknown } | { b: string };

const MAX_DEPTH = 64;
const NOT_JSON = -1;
/** Strings that JSON writes as they are, between quotes. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** The bytes of `s` as a JSON string, in UTF-8, without building it. */
function jsonStringBytes(s: string): number {
  if (PLAIN.test(s)) return s.length + 2;
  let bytes = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) bytes += 2;
    else if (c < 0x20) bytes += "\b\t\n\f\r".includes(s[i]) ? 2 : 6;
    else if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 6; // a lone surrogate is escaped
    } else if (c >= 0xdc00 && c <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

/**
 * The size in bytes of `value` as JSON, if JSON carries it unchanged (what
 * structured clone keeps), else `NOT_JSON`; nothing is built to measure it.
 */
function jsonBytes(value: unknown, depth: number): number {
  switch (typeof value) {
    case "string":
      return jsonStringBytes(value);
    case "boolean":
      return value ? 4 : 5;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0)
        ? String(value).length
        : NOT_JSON;
    case "object": {
      if (value === null) return 4;
      if (depth > MAX_DEPTH) return NOT_JSON;
      const proto = Object.getPrototypeOf(value);
      let bytes = 2;
      if (Array.isArray(value)) {
        if (proto !== Array.prototype) return NOT_JSON;
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) return NOT_JSON;
          const item = jsonBytes(value[i], depth + 1);
          if (item === NOT_JSON) return NOT_JSON;
          bytes += item + (i > 0 ? 1 : 0);
        }
        return bytes;
      }
      if (proto !== Object.prototype && proto !== null) return NOT_JSON;
      let first = true;
      for (const key in value) {
        const item = jsonBytes(
          (value as Record<string, unknown>)[key],
          depth + 1,
        );
        if (item === NOT_JSON) return NOT_JSON;
        bytes += jsonStringBytes(key) + 1 + item + (first ? 0 : 1);
        first = false;
      }
      return bytes;
    }
    default:
      return NOT_JSON;
  }
}

/**
 * Encodes a value for a job. With `maxBytes`, a value whose encoding would
 * take more bytes in Redis is refused before anything large is built (a
 * JSON value is measured, not stringified; a serialized one is measured
 * before its base64 text is made).
 *
 * @param what What the value is, for the error message.
 * @throws {DOMException} A `DataCloneError` if structured clone refuses it.
 * @throws {RangeError} If it is larger than `maxBytes`.
 */
export function encode(
  value: unknown,
  maxBytes = Infinity,
  what = "The value",
): Encoded {
  const size = jsonBytes(value, 0);
  if (size !== NOT_JSON) {
    checkSize(size, maxBytes, what);
    return { j: value };
  }
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
  checkSize(4 * Math.ceil(bytes.length / 3), maxBytes, what);
  return {
    b: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
      .toString("base64"),
  };
}

function checkSize(size: number, maxBytes: number, what: string): void {
  if (size > maxBytes) {
    throw new RangeError(
      `${what} ${
        verb(what)
      } ${size} bytes, more than maxPayloadBytes (${maxBytes} bytes)`,
    );
  }
}

/** Base64 as `encode` writes it: padded, without line breaks. */
const BASE64 =
  /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes what {@linkcode encode} made. Data from Redis may come from
 * anyone who can write there: with `maxBytes`, a value larger than
 * `encode` would have let through is refused before it is decoded, and
 * what is not in the format fails with a `TypeError`, never a crash.
 *
 * @param what What the value is, for the error message.
 * @throws {RangeError} If it is larger than `maxBytes`.
 * @throws {TypeError} If `data` is not an encoded value, or its bytes are
 * not base64 or not V8's serialization, or (with `maxBytes`) its JSON is
 * not what `encode` writes.
 */
export function decode(
  data: unknown,
  maxBytes = Infinity,
  what = "The value",
): unknown {
  if (typeof data === "object" && data !== null) {
    if ("j" in data) {
      if (maxBytes === Infinity) return data.j;
      // Measured as encode() measured it. encode() sends by V8 what it
      // cannot measure (nesting deeper than MAX_DEPTH, -0, Infinity), so
      // such JSON was not written by it, and deep nesting would overflow
      // the stack of whoever copies the value next.
      const size = jsonBytes(data.j, 0);
      if (size === NOT_JSON) {
        throw new TypeError(
          `${what} ${verb(what)} not JSON as this package writes it`,
        );
      }
      checkSize(size, maxBytes, what);
      return data.j;
    }
    if ("b" in data && typeof data.b === "string") {
      checkSize(data.b.length, maxBytes, what);
      // Node's base64 decoder skips what is not base64 without a word.
      if (!BASE64.test(data.b)) {
        throw new TypeError(`${what} ${verb(what)} not base64`);
      }
      try {
        return deserialize(Buffer.from(data.b, "base64"));
      } catch (error) {
        throw new TypeError(
          `${what} cannot be decoded: ${
            error instanceof Error ? error.message : String(error)
          }`,
          { cause: error },
        );
      }
    }
  }
  throw new TypeError(
    `${what} ${verb(what)} not in the format of this package`,
  );
}

/** "are" for a plural subject ("The task's arguments"), else "is". */
function verb(what: string): string {
  return what.endsWith("s") ? "are" : "is";
}
