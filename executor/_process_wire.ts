// Copyright 2026 the @concurrent/futures authors. MIT license.
// How values cross between a pool and its child processes: V8's own
// serialization (what structuredClone and postMessage use inside one
// process), each message framed by its length.
//
// `node:v8`'s `serialize()` is not used: it is Node's DefaultSerializer,
// which writes typed arrays as "host objects", so that after the trip a
// `Uint8Array(3)` views the whole received message (`.buffer.byteLength`
// is not 3), two views of one buffer become two buffers and a `DataView`
// comes back at the wrong offset. The plain `Serializer` lets V8 write
// views and buffers natively, with structuredClone's semantics.
//
// One difference remains, measured in Deno 2.9.6: Blob, File and CryptoKey
// are Deno host objects that structuredClone copies only within one
// process; V8 alone sees an object without own properties and writes
// `{}`. (URL, Headers and the like become `{}` under structuredClone too,
// when not at the top.) Finding them would mean walking every message,
// three times the cost of serializing it, so they are left to the docs.
import { Deserializer, Serializer } from "node:v8";

/** Bytes before each message: its length, a little-endian uint32. */
const HEADER = 4;
/**
 * The longest message (bytes after the header) the channel carries, either
 * way: 1 GiB. A child is sandboxed code, and its channel is part of the
 * boundary: a header that announces more is refused as soon as it is read,
 * so that a child cannot make the pool wait for (or buffer) gigabytes that
 * never come. A value whose serialization is longer cannot be sent.
 */
export const MAX_MESSAGE = 2 ** 30;

/**
 * `node:v8` throws a plain `Error` ("#<Object> could not be cloned.") for
 * a value V8 cannot serialize; structuredClone names it DataCloneError.
 */
function cloneError(error: unknown): unknown {
  if (
    error instanceof Error && error.constructor === Error &&
    /could not be cloned|cannot be cloned/.test(error.message)
  ) {
    const hint = error.message.includes("SharedArrayBuffer")
      ? " (a child process shares no memory with the pool)"
      : "";
    return new DOMException(`${error.message}${hint}`, "DataCloneError");
  }
  return error;
}

/**
 * One message as it goes on the wire: its length, then V8's serialization
 * of `value`.
 *
 * @throws {DOMException} Named `DataCloneError` if `value` holds something
 * that cannot be cloned (a function, a symbol, a SharedArrayBuffer, ...);
 * a getter that throws while it is read throws its own error.
 */
export function encodeMessage(value: unknown): Uint8Array {
  const serializer = new Serializer();
  serializer.writeRawBytes(new Uint8Array(HEADER));
  serializer.writeHeader();
  try {
    serializer.writeValue(value);
  } catch (error) {
    throw cloneError(error);
  }
  const frame: Uint8Array = serializer.releaseBuffer();
  const length = frame.length - HEADER;
  if (length > MAX_MESSAGE) {
    throw new DOMException(
      `The message is too large to send (${length} bytes, at most ` +
        `${MAX_MESSAGE} cross a process boundary)`,
      "DataCloneError",
    );
  }
  new DataView(frame.buffer, frame.byteOffset, HEADER).setUint32(
    0,
    length,
    true,
  );
  return frame;
}

/** A message that cannot be read: the stream is broken from there on. */
export class MessageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MessageError";
  }
}

function decode(bytes: Uint8Array): unknown {
  try {
    const deserializer = new Deserializer(bytes);
    deserializer.readHeader();
    return deserializer.readValue();
  } catch (error) {
    throw new MessageError(
      `A message of ${bytes.length} bytes cannot be read: ${error}`,
      { cause: error },
    );
  }
}

/**
 * Cuts a byte stream into messages: `push` each chunk as it arrives, and
 * every message completed by it is handed to `onMessage`, in order. A
 * header that announces more than {@linkcode MAX_MESSAGE} bytes, or a
 * message V8 cannot read, is a `MessageError`: the stream is broken.
 */
export class MessageReader {
  #onMessage: (value: unknown) => void;
  /** The start of an incomplete message, in pieces. */
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  /** How many bytes `#chunks` must reach before it is worth parsing. */
  #wanted = 0;
  /** Why the stream is unusable, once it is. */
  #broken: MessageError | undefined;

  constructor(onMessage: (value: unknown) => void) {
    this.#onMessage = onMessage;
  }

  /** Bytes received that do not yet make a whole message. */
  get buffered(): number {
    return this.#buffered;
  }

  /**
   * Takes in `chunk` (which the caller may reuse afterwards) and calls
   * `onMessage` for each message it completes. If `onMessage` throws, the
   * later messages are still delivered and the first error is rethrown.
   *
   * @throws {MessageError} If a message cannot be read; the stream is
   * unusable from there on.
   */
  push(chunk: Uint8Array): void {
    if (this.#broken !== undefined) throw this.#broken;
    if (chunk.length === 0) return;
    let data = chunk;
    if (this.#buffered > 0) {
      this.#chunks.push(chunk.slice());
      this.#buffered += chunk.length;
      if (this.#buffered < this.#wanted) return;
      data = concat(this.#chunks, this.#buffered);
      this.#chunks = [];
      this.#buffered = 0;
    }
    const values: unknown[] = [];
    let offset = 0;
    try {
      while (data.length - offset >= HEADER) {
        const length = checkedLength(data, offset);
        const end = offset + HEADER + length;
        if (end > data.length) break;
        values.push(decode(data.subarray(offset + HEADER, end)));
        offset = end;
      }
      if (offset < data.length) {
        const rest = data.slice(offset);
        this.#chunks = [rest];
        this.#buffered = rest.length;
        this.#wanted = rest.length >= HEADER
          ? HEADER + checkedLength(rest, 0)
          : HEADER;
      }
    } catch (error) {
      // The messages before the bad one are still delivered.
      this.#broken = error as MessageError;
      this.#chunks = [];
      this.#buffered = 0;
    }
    let failure: { error: unknown } | undefined;
    for (const value of values) {
      try {
        this.#onMessage(value);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (this.#broken !== undefined) throw this.#broken;
    if (failure !== undefined) throw failure.error;
  }
}

/** The length a header announces, refused past `MAX_MESSAGE`. */
function checkedLength(data: Uint8Array, offset: number): number {
  const length = new DataView(data.buffer, data.byteOffset + offset, HEADER)
    .getUint32(0, true);
  if (length > MAX_MESSAGE) {
    throw new MessageError(
      `A message header announces ${length} bytes, more than the ` +
        `${MAX_MESSAGE} the channel accepts`,
    );
  }
  return length;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
