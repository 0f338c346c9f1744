// Copyright 2026 the @concurrent/futures authors. MIT license.
// Marshalled errors come from other threads, processes and machines: the
// caller rebuilds them without trusting them.
import assert from "node:assert/strict";
import {
  marshalError,
  type MarshalledError,
  unmarshalError,
} from "../executor/_marshal.ts";
import {
  CancelledError,
  registerErrorClass,
  TimeoutError,
  WorkerCrashedError,
} from "../mod.ts";

Deno.test("marshalled errors: fields named __proto__, constructor or a method never reach the prototype", () => {
  // What a hostile worker, or a Redis writer, might send (JSON keeps
  // "__proto__" as an own key).
  const data = JSON.parse(`{
    "error": true, "ctor": "Error", "name": "Evil", "message": "m",
    "fields": {
      "__proto__": { "polluted": true },
      "constructor": { "prototype": { "polluted": true } },
      "toString": "not a function",
      "name": "Other",
      "stack": 5,
      "code": "E_EVIL"
    }
  }`);
  const error = unmarshalError(data) as Error & Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(error), Error.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(error.polluted, undefined);
  assert.equal(error.constructor, Error);
  assert.equal(String(error), "Evil: m");
  assert.equal(error.name, "Evil");
  assert.equal(error.code, "E_EVIL");
});

Deno.test("marshalled errors: malformed data becomes empty parts, never a throw", () => {
  const junk: unknown[] = [
    null,
    7,
    "text",
    { error: true },
    { error: true, ctor: 5, name: {}, message: [], stack: 3 },
    { error: true, ctor: "constructor", name: "x", message: "y" },
    { error: true, ctor: "Deno.errors.__proto__", name: "x", message: "y" },
    { error: true, ctor: "AggregateError", name: "x", message: "y", errors: 9 },
    { error: true, ctor: "Error", name: "x", message: "y", ref: 99 },
    { error: true, ctor: "Error", class: "toString", name: "n", message: "m" },
  ];
  for (const data of junk) {
    unmarshalError(data as MarshalledError);
  }
  const bad = unmarshalError({
    error: true,
    ctor: "constructor",
    name: "x",
    message: "y",
  }) as Error;
  assert.equal(Object.getPrototypeOf(bad), Error.prototype);
});

Deno.test("marshalled errors: deep or cyclic cause chains are bounded", () => {
  // 100,000 causes deep, built without recursion.
  let data: MarshalledError = {
    error: true,
    ctor: "Error",
    name: "Error",
    message: "bottom",
  };
  for (let i = 0; i < 100_000; i++) {
    data = {
      error: true,
      ctor: "Error",
      name: "Error",
      message: `level ${i}`,
      hasCause: true,
      cause: data,
    };
  }
  let error = unmarshalError(data) as Error;
  let depth = 0;
  while (error.cause instanceof Error) {
    error = error.cause;
    depth++;
  }
  assert.ok(depth < 100, `cut off at depth ${depth}`);
  assert.match(error.message, /cut off/);
  // A data object that contains itself (structured clone keeps cycles).
  const loop = {
    error: true,
    ctor: "Error",
    name: "Error",
    message: "loop",
    hasCause: true,
  } as MarshalledError & { cause?: unknown };
  loop.cause = loop;
  assert.ok(unmarshalError(loop) instanceof Error);
  // A thrown error whose chain is endless on the worker's side.
  let chain = new Error("start");
  for (let i = 0; i < 1000; i++) chain = new Error(`${i}`, { cause: chain });
  assert.ok(
    unmarshalError(structuredClone(marshalError(chain))) instanceof Error,
  );
});

Deno.test("marshalled errors: a registered class is rebuilt without running its constructor", () => {
  let constructed = 0;
  class HttpError extends Error {
    constructor(public status: number) {
      super(`HTTP ${status}`);
      constructed++;
    }
    get retryable(): boolean {
      return this.status >= 500;
    }
  }
  registerErrorClass(HttpError, { name: "HttpError" });
  const sent = new HttpError(503);
  constructed = 0;
  const data = structuredClone(marshalError(sent));
  assert.ok(data.error);
  data.fields!.retryable = "forged"; // a field the class computes
  const back = unmarshalError(data) as HttpError;
  assert.equal(constructed, 0);
  assert.ok(back instanceof HttpError);
  assert.equal(back.status, 503);
  assert.equal(back.retryable, true, "the class's getter, not the field");
  assert.equal(back.message, "HTTP 503");
  assert.throws(() => registerErrorClass(Date as never), TypeError);
  assert.throws(() => registerErrorClass({} as never), TypeError);
});

Deno.test("marshalled errors: this package's error classes come back as themselves", () => {
  for (
    const error of [
      new TimeoutError("t"),
      new CancelledError("c"),
      new WorkerCrashedError("w"),
    ]
  ) {
    const back = unmarshalError(structuredClone(marshalError(error))) as Error;
    assert.equal(Object.getPrototypeOf(back), Object.getPrototypeOf(error));
    assert.equal(back.name, error.name);
    assert.equal(back.message, error.message);
  }
});

Deno.test("marshalled errors: a registered class whose getter throws on the data sent still gives an error", () => {
  class Strict extends Error {
    override get name(): string {
      throw new TypeError("no name without details");
    }
  }
  registerErrorClass(Strict);
  const back = unmarshalError({
    error: true,
    ctor: "Error",
    class: "Strict",
    name: "Strict",
    message: "m",
  });
  assert.ok(back instanceof Error);
  assert.equal((back as Error).message, "m");
  class Gone extends DOMException {}
  registerErrorClass(Gone);
  const gone = unmarshalError(
    structuredClone(marshalError(new Gone("bye", "AbortError"))),
  );
  assert.ok(gone instanceof Gone);
  assert.equal((gone as DOMException).name, "AbortError");
  assert.equal((gone as DOMException).message, "bye");
});
