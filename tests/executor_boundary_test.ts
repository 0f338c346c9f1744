// Copyright 2026 the @concurrent/futures authors. MIT license.
// What crosses a worker boundary arrives as it was sent, or fails loudly:
// closures, errors and values, on both pools.
import assert from "node:assert/strict";
import {
  BrokenExecutorError,
  registerErrorClass,
  type TaskContext,
} from "../mod.ts";
import { forEachPool } from "./_util/pools.ts";

/** The caller's copy of a user's error class with fields of its own. */
class ValidationError extends Error {
  code = "E_VALIDATION";
  constructor(message: string, public field: string) {
    super(message);
    this.name = "ValidationError";
  }
  describe(): string {
    return `${this.field}: ${this.message}`;
  }
}
registerErrorClass(ValidationError);

/** Throws a ValidationError (its own copy of the class) as `how` says. */
function throwValidation(how: string) {
  class ValidationError extends Error {
    code = "E_VALIDATION";
    constructor(message: string, public field: string) {
      super(message);
      this.name = "ValidationError";
    }
  }
  class QuotaError extends Error {
    constructor(message: string, public limit: number) {
      super(message);
      this.name = "QuotaError";
    }
  }
  const validation = new ValidationError("must not be empty", "email");
  if (how === "plain") throw validation;
  if (how === "cause") throw new Error("signup failed", { cause: validation });
  if (how === "unregistered") {
    throw Object.assign(new QuotaError("over quota", 10), { status: 429 });
  }
  if (how === "aggregate") {
    throw new AggregateError(
      [new TypeError("a", { cause: validation }), validation],
      "many",
    );
  }
  const loop = new Error("loops");
  (loop as Error & { cause: unknown }).cause = loop;
  throw loop;
}

forEachPool(({ name: poolName, Pool, sharesMemory }) => {
  Deno.test(`${poolName}: a task that reads the caller's "name" fails with a ReferenceError that says why`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const name = "alice";
    const error = await ex.submit(() => `hello ${name}`).exception();
    assert.ok(error instanceof ReferenceError, String(error));
    assert.match(error.message, /^name is not defined in the task/);
    assert.match(error.message, /pass name as an argument, or use moduleTask/);
    // Nor do the worker's other globals leak into a task's source.
    for (const global of ["self", "close", "postMessage", "onmessage"]) {
      const hidden = await ex.submit(
        (which: string) =>
          which === "self"
            ? typeof self
            : which === "close"
            ? typeof close
            : which === "postMessage"
            // @ts-expect-error: a Worker's global, not the caller's
            ? typeof postMessage
            // @ts-expect-error: a Worker's global, not the caller's
            : typeof onmessage,
        global,
      ).exception();
      assert.ok(hidden instanceof ReferenceError, global);
      assert.match(hidden.message, new RegExp(`^${global} is not defined`));
    }
    // globalThis still reaches the worker's own.
    assert.equal(
      await ex.submit(() => typeof globalThis.name).result(),
      "string",
    );
  });

  Deno.test(`${poolName}: a captured constant fails with a ReferenceError naming it, at the task's own line`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const factor = 3;
    const error = await ex.submit((x: number) => {
      const y = x + 1;
      return y * factor;
    }, 2).exception();
    assert.ok(error instanceof ReferenceError);
    assert.match(
      error.message,
      /^factor is not defined in the task \(line 3 of its source\): a plain function is sent to the worker by its source text/,
    );
    assert.match(error.stack!, /^ReferenceError: factor is not defined/);
    assert.match(error.stack!, /plain-task-\d+[^\n]*:3:\d+/);
  });

  Deno.test(`${poolName}: a task still reads the runtime's globals and imports modules`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const seen = await ex.submit(async () => {
      const { join } = await import("node:path");
      return [
        Math.max(1, 2),
        typeof Deno.pid,
        typeof fetch,
        crypto.randomUUID().length,
        structuredClone({ a: 1 }).a,
        typeof globalThis.setTimeout,
        join("a", "b"),
      ];
    }).result();
    assert.deepEqual(seen, [2, "number", "function", 36, 1, "function", "a/b"]);
    // A ReferenceError the task catches is its own business.
    const own = await ex.submit(() => {
      let message = "";
      try {
        (0, eval)("undeclared");
      } catch (error) {
        message = (error as Error).message;
      }
      return message;
    }).result();
    assert.equal(own, "undeclared is not defined");
  });

  Deno.test(`${poolName}: a registered error class comes back as that class, with its fields`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const error = await ex.submit(throwValidation, "plain").exception();
    assert.ok(error instanceof ValidationError);
    assert.equal(error.name, "ValidationError");
    assert.equal(error.message, "must not be empty");
    assert.equal(error.code, "E_VALIDATION");
    assert.equal(error.field, "email");
    assert.equal(error.describe(), "email: must not be empty");
    assert.match(error.stack!, /plain-task-/);
    // As a cause, and inside an AggregateError.
    const outer = await ex.submit(throwValidation, "cause").exception();
    assert.equal((outer as Error).message, "signup failed");
    const cause = (outer as Error).cause;
    assert.ok(cause instanceof ValidationError);
    assert.equal(cause.field, "email");
    const many = await ex.submit(throwValidation, "aggregate").exception();
    assert.ok(many instanceof AggregateError);
    assert.ok(many.errors[0] instanceof TypeError);
    assert.ok(many.errors[0].cause instanceof ValidationError);
    assert.ok(many.errors[1] instanceof ValidationError);
    // One error met twice stays one error.
    assert.equal(many.errors[0].cause, many.errors[1]);
  });

  Deno.test(`${poolName}: an unregistered error class comes back as Error with its name and fields`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const error = await ex.submit(throwValidation, "unregistered").exception();
    assert.equal(Object.getPrototypeOf(error), Error.prototype);
    const { name, message, limit, status } = error as Error & {
      limit: number;
      status: number;
    };
    assert.deepEqual({ name, message, limit, status }, {
      name: "QuotaError",
      message: "over quota",
      limit: 10,
      status: 429,
    });
    // A cause that loops back to its error arrives looping, not cut short.
    const loop = await ex.submit(throwValidation, "loop").exception() as Error;
    assert.equal(loop.message, "loops");
    assert.equal(loop.cause, loop);
  });

  Deno.test(`${poolName}: a Deno.FsFile argument fails its future with a DataCloneError naming it`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    using file = await Deno.open(new URL(import.meta.url));
    const future = ex.submit((f: unknown) => f, file);
    assert.equal(future.done(), true, "failed before anything was sent");
    const error = await future.exception();
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, "DataCloneError");
    assert.match(error.message, /Deno\.FsFile/);
    // Nested, and in a map() chunk, too.
    const nested = await ex.submit((o: unknown) => o, { files: [file] })
      .exception();
    assert.match((nested as Error).message, /Deno\.FsFile/);
    await assert.rejects(
      Array.fromAsync(ex.map((o: unknown) => o, [1, file], { chunksize: 2 })),
      /Deno\.FsFile/,
    );
    assert.equal(await ex.submit((x: number) => x + 1, 1).result(), 2);
  });

  Deno.test(`${poolName}: initargs that would arrive different break the pool with a DataCloneError naming the class`, async () => {
    await using ex = new Pool({
      maxWorkers: 1,
      initializer: (_url: unknown) => {},
      initargs: [new URL("https://example.com/a")],
    });
    const error = await ex.submit((x: number) => x, 1).exception();
    assert.ok(error instanceof BrokenExecutorError, String(error));
    assert.match(String(error.message), /initargs cannot be sent/);
    const cause = error.cause as DOMException;
    assert.equal(cause.name, "DataCloneError");
    assert.match(cause.message, /URL/);
  });

  Deno.test(`${poolName}: a URL result fails its future with a DataCloneError naming it`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const error = await ex.submit(() => new URL("https://example.com/a"))
      .exception();
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, "DataCloneError");
    assert.match(error.message, /result holds a URL/);
    assert.match(error.message, /href/);
    const nested = await ex.submit(() => ({ link: new URL("https://a.b/") }))
      .exception();
    assert.match((nested as Error).message, /URL/);
  });

  Deno.test(`${poolName}: a URL progress value fails at the progress() call`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const seen: unknown[] = [];
    const error = await ex.run(
      function (this: TaskContext) {
        this.progress({ step: 1 });
        try {
          this.progress(new URL("https://deno.com"));
        } catch (error) {
          return `caught ${(error as Error).name}`;
        }
        return "sent";
      },
      [],
      { onProgress: (value) => seen.push(value) },
    ).result();
    assert.equal(error, "caught DataCloneError");
    assert.deepEqual(seen, [{ step: 1 }]);
  });

  Deno.test(`${poolName}: instances arrive with their own fields or fail; what structured clone carries arrives`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    class Point {
      constructor(public x: number, public y: number) {}
    }
    class Marker {}
    const identity = (value: unknown) => value;
    assert.deepEqual(await ex.submit(identity, new Point(1, 2)).result(), {
      x: 1,
      y: 2,
    });
    const empty = await ex.submit(identity, [new Marker()]).exception();
    assert.match((empty as Error).message, /Marker/);
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    const carried = await ex.submit(identity, {
      date: new Date(0),
      map: new Map([[1, new Set([2])]]),
      bytes: new Uint8Array([1, 2]),
      cyclic,
    }).result() as Record<string, unknown>;
    assert.deepEqual(carried.date, new Date(0));
    assert.deepEqual(carried.map, new Map([[1, new Set([2])]]));
    assert.deepEqual(carried.bytes, new Uint8Array([1, 2]));
    const back = carried.cyclic as Record<string, unknown>;
    assert.equal(back.self, back);
    // A Blob travels to a Worker; a child process cannot carry one.
    const blob = ex.submit(async (b: Blob) => await b.text(), new Blob(["hi"]));
    if (sharesMemory) assert.equal(await blob.result(), "hi");
    else assert.match((await blob.exception() as Error).message, /Blob/);
  });
});

Deno.test("the value check: a getter that throws, a revoked proxy and a vast empty array", async () => {
  const { findLostValue } = await import("../executor/_lost_values.ts");
  const getter = {
    get bad(): never {
      throw new RangeError("from the getter");
    },
  };
  const thrown = findLostValue([getter], "argument", true);
  assert.ok(thrown instanceof RangeError);
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  assert.ok(findLostValue([proxy], "argument", true) instanceof TypeError);
  const vast = new Array(2 ** 32 - 1);
  vast[7] = new URL("https://deno.com");
  // Found by its keys: 2 ** 32 - 1 indices would take seconds.
  const lost = findLostValue(vast, "argument", true) as Error;
  assert.match(lost.message, /URL/);
  assert.equal(findLostValue([new Uint8Array(8)], "result", false), undefined);
});
