// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import { moduleTask } from "../mod.ts";
import { forEachPool } from "./_util/pools.ts";

const tasks = new URL("./fixtures/executor_tasks.ts", import.meta.url);
type Tasks = typeof import("./fixtures/executor_tasks.ts");

forEachPool(({ name, Pool }) => {
  Deno.test(`${name}: a thrown TypeError comes back with class, message, stack and cause`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const future = ex.submit(function thrower(value: string) {
      throw new TypeError(`bad value ${value}`, {
        cause: new RangeError("too far", { cause: { code: 7 } }),
      });
    }, "x");
    const error = await future.exception() as TypeError;
    assert.ok(error instanceof TypeError);
    assert.equal(error.name, "TypeError");
    assert.equal(error.message, "bad value x");
    // The worker-side stack; the task is called on its TaskContext.
    assert.match(error.stack!, /at TaskContext\.thrower \(/);
    const cause = error.cause as RangeError;
    assert.ok(cause instanceof RangeError);
    assert.equal(cause.message, "too far");
    assert.deepEqual(cause.cause, { code: 7 });
    await assert.rejects(future.result(), TypeError);
  });

  Deno.test(`${name}: errors of a module task keep their cause`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const fail = moduleTask<Tasks, "failWithCause">(tasks, "failWithCause");
    const error = await ex.submit(fail).exception() as RangeError;
    assert.ok(error instanceof RangeError);
    assert.ok(error.cause instanceof TypeError);
    assert.equal((error.cause as Error).message, "inner");
    assert.match(error.stack!, /executor_tasks\.ts/);
  });

  Deno.test(`${name}: built-in error classes cross over; others become Error with their name`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const make = (kind: string) => {
      class CustomError extends Error {
        override name = "CustomError";
      }
      const classes: Record<string, new (m: string) => Error> = {
        Error,
        TypeError,
        RangeError,
        SyntaxError,
        ReferenceError,
        EvalError,
        URIError,
        CustomError,
      };
      if (kind === "AggregateError") {
        throw new AggregateError([new TypeError("a"), 2], "many");
      }
      if (kind === "DOMException") throw new DOMException("gone", "AbortError");
      throw new classes[kind](`a ${kind}`);
    };
    for (
      const Class of [
        Error,
        TypeError,
        RangeError,
        SyntaxError,
        ReferenceError,
        EvalError,
        URIError,
      ]
    ) {
      const error = await ex.submit(make, Class.name).exception() as Error;
      assert.equal(Object.getPrototypeOf(error), Class.prototype, Class.name);
      assert.equal(error.message, `a ${Class.name}`);
    }
    const custom = await ex.submit(make, "CustomError").exception() as Error;
    assert.equal(Object.getPrototypeOf(custom), Error.prototype);
    assert.equal(custom.name, "CustomError");
    assert.equal(custom.message, "a CustomError");
    const aggregate = await ex.submit(make, "AggregateError").exception();
    assert.ok(aggregate instanceof AggregateError);
    assert.equal(aggregate.message, "many");
    assert.ok(aggregate.errors[0] instanceof TypeError);
    assert.equal(aggregate.errors[1], 2);
    const dom = await ex.submit(make, "DOMException").exception();
    assert.ok(dom instanceof DOMException);
    assert.equal(dom.name, "AbortError");
    assert.equal(dom.message, "gone");
  });

  Deno.test(`${name}: non-Error throws come back as the thrown value`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const throwValue = (kind: number) => {
      if (kind === 0) throw { code: 42 };
      if (kind === 1) throw "text";
      throw () => {}; // cannot be cloned
    };
    assert.deepEqual(await ex.submit(throwValue, 0).exception(), { code: 42 });
    assert.equal(await ex.submit(throwValue, 1).exception(), "text");
    const error = await ex.submit(throwValue, 2).exception();
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /threw a value that cannot be cloned/);
  });

  Deno.test(`${name}: an unclonable argument fails that future at once`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const identity = (x: unknown) => x;
    const withFunction = ex.submit(identity, () => 1);
    const withWeakMap = ex.submit(identity, new WeakMap());
    // Both failed synchronously, without waiting for a worker.
    assert.equal(withFunction.done(), true);
    assert.equal(withWeakMap.done(), true);
    for (const future of [withFunction, withWeakMap]) {
      const error = await future.exception();
      assert.ok(error instanceof DOMException);
      assert.equal(error.name, "DataCloneError");
    }
    // Also when it has to wait for a busy worker.
    const busy = ex.submit(() => new Promise((r) => setTimeout(r, 20)));
    const queued = ex.submit(identity, 1);
    const late = ex.submit(identity, { fn: () => {} });
    assert.equal(late.done(), true);
    assert.equal((await late.exception() as Error).name, "DataCloneError");
    await busy.result();
    assert.equal(await queued.result(), 1);
    assert.equal(await ex.submit(identity, "fine").result(), "fine");
  });

  Deno.test(`${name}: an unclonable result fails the future, the worker goes on`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const error = await ex.submit(() => ({ f: () => 1 })).exception();
    assert.ok(error instanceof DOMException);
    assert.equal(error.name, "DataCloneError");
    assert.match(error.message, /The task's result could not be cloned/);
    assert.equal(await ex.submit(() => "next").result(), "next");
    assert.equal(ex.stats.workers, 1);
  });

  Deno.test(`${name}: functions that cannot be revived are refused with a clear TypeError`, () => {
    const ex = new Pool({ maxWorkers: 1 });
    const object = {
      method(x: number) {
        return x;
      },
    };
    assert.throws(() => ex.submit(object.method, 1), {
      name: "TypeError",
      message: /"method" is written as a method/,
    });
    const tricky = {
      async(x: number) {
        return x;
      },
    };
    assert.throws(() => ex.submit(tricky.async, 1), {
      name: "TypeError",
      message: /"async" is written as a method/,
    });
    assert.throws(() => ex.submit(Math.max, 1, 2), /native code/);
    assert.throws(() => ex.submit(((x: number) => x).bind(null), 1), {
      name: "TypeError",
      message: /bound function/,
    });
    class Job {}
    // @ts-expect-error: a class is not callable
    assert.throws(() => ex.submit(Job), /cannot be run as a task/);
    // @ts-expect-error: not a task at all
    assert.throws(() => ex.submit("x => x"), TypeError);
    assert.equal(ex.stats.workers, 0);
  });

  Deno.test(`${name}: a missing module export or a bad module fails only that task`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const missing = moduleTask<{ nope(): void }, "nope">(tasks, "nope");
    await assert.rejects(ex.submit(missing).result(), {
      name: "TypeError",
      message: /has no exported function "nope"/,
    });
    const broken = moduleTask<{ f(): void }, "f">(
      "data:text/javascript,export const f = (;",
      "f",
    );
    const error = await ex.submit(broken).exception() as Error;
    assert.ok(error instanceof TypeError, String(error)); // Deno's load error
    assert.match(error.message, /Expression expected/);
    assert.equal(await ex.submit(() => 1).result(), 1);
  });
});
