// Copyright 2026 the @concurrent/futures authors. MIT license.
// What needs no Redis: how values and connections are read.
import assert from "node:assert/strict";
import { decode, encode } from "../_codec.ts";
import { parseConnection } from "../_connection.ts";

Deno.test("encode: plain JSON data travels as JSON", () => {
  for (
    const value of [
      null,
      0,
      "text",
      true,
      [1, "a", [null]],
      { a: { b: [1, 2] } },
      Object.assign(Object.create(null), { x: 1 }),
    ]
  ) {
    const encoded = encode(value);
    assert.ok("j" in encoded, JSON.stringify(value));
    // As structured clone does, a null-prototype object arrives plain.
    assert.deepEqual(
      decode(JSON.parse(JSON.stringify(encoded))),
      structuredClone(value),
    );
  }
});

Deno.test("encode: what JSON would change goes by structured clone", () => {
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  for (
    const value of [
      undefined,
      -0,
      NaN,
      Infinity,
      10n,
      new Date(5),
      new Map([[1, { a: 2 }]]),
      new Set(["x"]),
      new Uint8Array([1, 2, 3]),
      [1, , 3],
      { u: undefined },
      /re/g,
      new RangeError("as data"),
      cyclic,
    ]
  ) {
    const encoded = encode(value);
    assert.ok("b" in encoded, String(value));
    const back = decode(JSON.parse(JSON.stringify(encoded)));
    if (value === cyclic) {
      const copy = back as Record<string, unknown>;
      assert.equal(copy.self, copy);
    } else if (value instanceof Error) {
      assert.ok(back instanceof RangeError);
      assert.equal((back as Error).message, "as data");
    } else {
      assert.deepEqual(back, value);
    }
  }
  assert.ok(Object.is(decode(encode(-0)), -0));
});

Deno.test("encode: what structured clone refuses is a DataCloneError", () => {
  for (const value of [() => 1, { f: Symbol("s") }, [new WeakMap()]]) {
    assert.throws(() => encode(value), { name: "DataCloneError" });
  }
});

Deno.test("decode: anything else is a TypeError", () => {
  for (const data of [null, 1, "x", {}, { b: 1 }]) {
    assert.throws(() => decode(data), TypeError);
  }
});

Deno.test("decode: from a hostile writer, bounded and checked before decoding", () => {
  // Over the limit: refused as encode() refuses it, with both sizes.
  assert.throws(
    () => decode({ j: "x".repeat(20) }, 10, "The task's arguments"),
    {
      name: "RangeError",
      message:
        "The task's arguments are 22 bytes, more than maxPayloadBytes (10 bytes)",
    },
  );
  const bytes = encode(new Uint8Array(30)) as { b: string };
  assert.throws(() => decode(bytes, bytes.b.length - 1), RangeError);
  assert.deepEqual(decode(bytes, bytes.b.length), new Uint8Array(30));
  assert.equal(decode({ j: "x".repeat(8) }, 10), "x".repeat(8));
  // JSON that encode() would have sent by V8 instead.
  for (const j of [JSON.parse("[".repeat(100) + "]".repeat(100)), -0, 1e400]) {
    assert.throws(() => decode({ j }, 1000, "The task's arguments"), {
      name: "TypeError",
      message: "The task's arguments are not JSON as this package writes it",
    });
  }
  // Not base64 (Node's decoder would skip the bad characters), or not V8's.
  for (const b of ["not base64!", "AAA", "AA=A", "QUJD\nREVG"]) {
    assert.throws(() => decode({ b }), {
      name: "TypeError",
      message: "The value is not base64",
    });
  }
  assert.throws(() => decode({ b: btoa("plain text") }), {
    name: "TypeError",
    message: /^The value cannot be decoded: /,
  });
});

Deno.test("parseConnection: URLs and endpoints", () => {
  const { retryStrategy, ...plain } = parseConnection(
    "redis://127.0.0.1:6380",
  ).options as Record<string, unknown>;
  assert.deepEqual(plain, {
    host: "127.0.0.1",
    port: 6380,
    maxRetriesPerRequest: null,
  });
  assert.equal((retryStrategy as (n: number) => number)(20), 500);
  const full = parseConnection("rediss://us%40r:p%3Ass@[::1]/3");
  assert.equal(full.label, "rediss://[::1]:6379");
  assert.deepEqual(
    (({ host, port, username, password, db, tls }) => ({
      host,
      port,
      username,
      password,
      db,
      tls,
    }))(full.options as Record<string, unknown>),
    {
      host: "::1",
      port: 6379,
      username: "us@r",
      password: "p:ss",
      db: 3,
      tls: {},
    },
  );
  assert.equal(
    parseConnection({ host: "redis.local", port: 7000 }).label,
    "redis://redis.local:7000",
  );
});

Deno.test("parseConnection: bad input is a TypeError naming the problem", () => {
  for (
    const [input, message] of [
      ["localhost:6379", /redis:\/\/ or rediss:\/\//],
      ["http://host", /redis:\/\/ or rediss:\/\//],
      ["", /redis:\/\/ URL/],
      [42, /got number/],
      [null, /got null/],
      [{ host: "", port: 1 }, /host/],
      [{ host: "h", port: 70000 }, /port/],
      [{ host: "h", port: 1, db: -1 }, /database/],
      ["redis://h/x", /database/],
    ] as const
  ) {
    assert.throws(() => parseConnection(input), {
      name: "TypeError",
      message,
    });
  }
});
