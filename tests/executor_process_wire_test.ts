// Copyright 2026 the @concurrent/futures authors. MIT license.
// The process transport's pure parts: the wire format and the permission
// flags.
import assert from "node:assert/strict";
import {
  encodeMessage,
  MAX_MESSAGE,
  MessageError,
  MessageReader,
} from "../executor/_process_wire.ts";
import {
  permissionFlags,
  type PermissionName,
} from "../executor/_pool/permission_flags.ts";
import { marshalError, unmarshalError } from "../executor/_marshal.ts";

/** Sends values through the wire format, cut into chunks of `size`. */
function trip(values: unknown[], size = Infinity): unknown[] {
  const out: unknown[] = [];
  const reader = new MessageReader((v) => out.push(v));
  const frames = values.map(encodeMessage);
  const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    all.set(f, at);
    at += f.length;
  }
  const scratch = new Uint8Array(Math.min(size, all.length));
  for (let i = 0; i < all.length; i += size) {
    const piece = all.subarray(i, Math.min(i + size, all.length));
    // The reader must copy what it keeps: the chunk's memory is reused.
    scratch.set(piece);
    reader.push(scratch.subarray(0, piece.length));
    scratch.fill(0xee);
  }
  assert.equal(reader.buffered, 0);
  return out;
}

Deno.test("wire: values keep their types, as with structuredClone", () => {
  const shared = new ArrayBuffer(16);
  const value = {
    map: new Map<unknown, unknown>([[1, "a"], [{ k: 1 }, [2]]]),
    set: new Set([1, "x"]),
    date: new Date(1234),
    regexp: /ab+c/gi,
    big: -(2n ** 70n),
    bytes: new Uint8Array(shared, 4, 4).fill(7),
    floats: new Float64Array(shared, 8, 1).fill(1.5),
    view: new DataView(shared, 2, 3),
    buffer: shared,
    nested: { list: [1, , 3], nil: null, undef: undefined, neg0: -0 },
    nan: NaN,
    text: "héllo \u{1F600}",
  };
  const [back] = trip([value]) as [typeof value];
  assert.deepEqual(back, value);
  assert.ok(back.map instanceof Map && back.date instanceof Date);
  assert.equal(back.regexp.flags, "gi");
  assert.equal(back.big, -(2n ** 70n));
  // Views keep their buffer, their offset, and share it as they did.
  assert.equal(back.bytes.buffer, back.buffer);
  assert.equal(back.floats.buffer, back.buffer);
  assert.equal(back.view.buffer, back.buffer);
  assert.equal(back.bytes.byteOffset, 4);
  assert.equal(back.view.byteOffset, 2);
  assert.equal(back.buffer.byteLength, 16);
  assert.ok(Object.is(back.nested.neg0, -0));
  assert.equal(1 in back.nested.list, false);
});

Deno.test("wire: an Error keeps its class, message, stack and cause", () => {
  const error = new RangeError("out", { cause: new TypeError("inner") });
  const [back] = trip([error]) as [RangeError];
  assert.ok(back instanceof RangeError);
  assert.equal(back.message, "out");
  assert.equal(back.stack, error.stack);
  assert.ok(back.cause instanceof TypeError);
});

Deno.test("wire: marshalled errors round trip to the same errors", () => {
  const original = new AggregateError(
    [new Deno.errors.NotCapable("no read"), 42],
    "many",
    { cause: new DOMException("gone", "AbortError") },
  );
  const [data] = trip([marshalError(original)]);
  const back = unmarshalError(data as ReturnType<typeof marshalError>);
  assert.ok(back instanceof AggregateError);
  assert.equal(back.message, "many");
  assert.equal(back.stack, original.stack);
  assert.ok(back.errors[0] instanceof Deno.errors.NotCapable);
  assert.equal(back.errors[0].message, "no read");
  assert.equal(back.errors[1], 42);
  assert.ok(back.cause instanceof DOMException);
  assert.equal((back.cause as DOMException).name, "AbortError");
});

Deno.test("wire: messages cut anywhere arrive whole and in order", () => {
  const values = [
    { t: "a", n: 1 },
    "x".repeat(70_000),
    new Uint8Array(300).fill(3),
    { t: "b", list: [1, 2, 3] },
  ];
  for (const size of [1, 2, 3, 5, 64, 1000, 65_536, Infinity]) {
    assert.deepEqual(trip(values, size), values, `chunks of ${size}`);
  }
});

Deno.test("wire: a handler that throws loses no message", () => {
  const seen: unknown[] = [];
  const reader = new MessageReader((value) => {
    seen.push(value);
    if (value === 2 || value === 3) throw new Error(`handler ${value}`);
  });
  const frames = [1, 2, 3, 4].map(encodeMessage);
  const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    all.set(f, at);
    at += f.length;
  }
  // Three whole messages and part of the fourth in one chunk.
  assert.throws(
    () => reader.push(all.subarray(0, all.length - 1)),
    /handler 2/,
  );
  assert.deepEqual(seen, [1, 2, 3]);
  reader.push(all.subarray(all.length - 1));
  assert.deepEqual(seen, [1, 2, 3, 4]);
});

Deno.test("wire: bytes that are no message throw a MessageError", () => {
  const reader = new MessageReader(() => {});
  const frame = encodeMessage({ a: 1 });
  frame.fill(0xff, 4);
  assert.throws(() => reader.push(frame), MessageError);
});

Deno.test("wire: what cannot be cloned throws a DataCloneError", () => {
  const bad: unknown[] = [
    () => 1,
    Symbol("s"),
    new SharedArrayBuffer(8),
    { deep: [{ f() {} }] },
    new WeakMap(),
    Promise.resolve(),
  ];
  for (const value of bad) {
    assert.throws(() => encodeMessage(value), (error: unknown) => {
      assert.ok(error instanceof DOMException);
      assert.equal(error.name, "DataCloneError");
      return true;
    });
  }
  assert.throws(
    () => encodeMessage(new SharedArrayBuffer(8)),
    /shares no memory/,
  );
});

Deno.test("wire: a getter that throws while read throws its own error", () => {
  const hostile = {
    get x() {
      throw new TypeError("no x");
    },
  };
  assert.throws(() => encodeMessage(hostile), TypeError);
});

const grantsOf = (...names: PermissionName[]) => (name: PermissionName) =>
  names.includes(name);

Deno.test("permission flags: inherit passes on what the parent holds", () => {
  assert.deepEqual(permissionFlags("inherit", grantsOf()), []);
  assert.deepEqual(permissionFlags(undefined, grantsOf("net", "read")), [
    "--allow-read",
    "--allow-net",
  ]);
  const all = grantsOf(
    "read",
    "write",
    "net",
    "env",
    "sys",
    "run",
    "ffi",
    "import",
  );
  assert.deepEqual(permissionFlags("inherit", all), ["--allow-all"]);
});

Deno.test("permission flags: an object grants only what it names", () => {
  const none = grantsOf();
  assert.deepEqual(permissionFlags("none", none), []);
  assert.deepEqual(permissionFlags({}, none), []);
  assert.deepEqual(
    permissionFlags({
      write: false,
      read: ["/data", new URL("file:///tmp/a%20b")],
      net: ["localhost:8000", "deno.land"],
      env: true,
      run: [],
      import: ["example.com"],
    }, none),
    [
      "--allow-read=/data,/tmp/a b",
      "--allow-net=localhost:8000,deno.land",
      "--allow-env",
      "--allow-import=example.com",
    ],
  );
  // "inherit" for one key asks the parent about that key only.
  assert.deepEqual(
    permissionFlags({ read: "inherit", env: "inherit" }, grantsOf("env")),
    ["--allow-env"],
  );
  assert.deepEqual(
    permissionFlags({
      read: true,
      write: true,
      net: true,
      env: true,
      sys: true,
      run: true,
      ffi: true,
      import: true,
    }, none),
    ["--allow-all"],
  );
});

Deno.test("permission flags: bad input is a clear error", () => {
  const none = grantsOf();
  assert.throws(
    () => permissionFlags({ reed: true } as Deno.PermissionOptions, none),
    (e: unknown) =>
      e instanceof TypeError && /unknown name "reed"/.test(e.message),
  );
  assert.throws(
    () => permissionFlags({ read: ["/a,b"] }, none),
    (e: unknown) => e instanceof RangeError && /comma/.test(e.message),
  );
  assert.throws(() => permissionFlags({ read: [""] }, none), RangeError);
  assert.throws(
    () => permissionFlags({ net: [new URL("https://x.test")] } as never, none),
    TypeError,
  );
  assert.throws(
    () => permissionFlags({ read: [new URL("https://x.test")] }, none),
    TypeError,
  );
  assert.throws(
    () => permissionFlags({ read: "yes" } as never, none),
    TypeError,
  );
  assert.throws(() => permissionFlags(42 as never, none), TypeError);
});

/** A small deterministic generator (xorshift32), for the fuzz tests. */
function random(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/**
 * Pushes `bytes` cut at `cuts`; returns the values delivered and the
 * error thrown, which must be a MessageError. Later pushes throw too.
 */
function feed(bytes: Uint8Array, cuts: number[]) {
  const values: unknown[] = [];
  const reader = new MessageReader((v) => values.push(v));
  let error: unknown;
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    try {
      reader.push(bytes.slice(at, cut));
    } catch (thrown) {
      error ??= thrown;
      assert.ok(thrown instanceof MessageError, String(thrown));
    }
    assert.ok(reader.buffered <= MAX_MESSAGE + 4);
    at = cut;
  }
  if (error !== undefined) {
    assert.throws(() => reader.push(new Uint8Array([0])), MessageError);
  }
  return { values, error, buffered: reader.buffered };
}

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const header = (length: number) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, length, true);
  return bytes;
};

Deno.test("wire fuzz: valid frames split at every offset (and every pair) read the same", () => {
  const values = [{ t: "ready" }, "x".repeat(40), [1, 2n, null], new Map()];
  const bytes = join(...values.map(encodeMessage));
  for (let i = 0; i <= bytes.length; i++) {
    const out = feed(bytes, [i]);
    assert.equal(out.error, undefined);
    assert.deepEqual(out.values, values);
    assert.equal(out.buffered, 0);
    for (let j = i; j <= bytes.length; j += 3) {
      assert.deepEqual(feed(bytes, [i, j]).values, values);
    }
  }
});

Deno.test("wire fuzz: a header announcing too much is refused at once, split at every offset", () => {
  const good = encodeMessage({ t: "ready" });
  for (const length of [MAX_MESSAGE + 1, 0x7ffffff0, 0xffffffff]) {
    // The body never comes: the reader must not wait for it.
    const bytes = join(good, header(length), new Uint8Array([1, 2, 3]));
    for (let i = 0; i <= bytes.length; i++) {
      const out = feed(bytes, [i]);
      assert.ok(out.error instanceof MessageError, `cut at ${i}`);
      assert.match((out.error as Error).message, /more than/);
      // What came before the bad frame is delivered.
      assert.deepEqual(out.values, [{ t: "ready" }]);
    }
  }
});

Deno.test("wire fuzz: hostile and random bytes give values or a MessageError, nothing else", () => {
  const next = random(17);
  const good = encodeMessage({ t: "done", results: [], busy: 0 });
  const hostile: Uint8Array[] = [
    header(0),
    join(header(1), new Uint8Array([0xff])),
    join(header(3), new Uint8Array([0xff, 0x0f, 0x6f])), // V8 header, bad tag
    join(
      header(good.length - 4),
      good.subarray(4, good.length - 1),
      new Uint8Array([0]),
    ),
  ].map((b) => join(good, b));
  for (let n = 0; n < 300; n++) {
    const length = Math.floor(next() * 64);
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = Math.floor(next() * 256);
    // Small lengths, so that random frames complete.
    if (length >= 4 && next() < 0.5) bytes.set(header(length - 4), 0);
    hostile.push(bytes);
  }
  for (const bytes of hostile) {
    for (let i = 0; i <= bytes.length; i++) feed(bytes, [i]);
    const cuts: number[] = [];
    for (let i = 0; i < bytes.length; i++) if (next() < 0.3) cuts.push(i);
    feed(bytes, cuts);
  }
});
