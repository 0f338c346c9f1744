// Copyright 2026 the @concurrent/futures authors. MIT license.
// What differs by runtime (Deno, Node, Bun, browsers). Part of the portable
// suite: tests/runtimes/run.ts runs this file on each runtime too.
import assert from "node:assert/strict";
import {
  asyncio,
  BrokenExecutorError,
  NotSupportedError,
  ProcessPoolExecutor,
  WorkerCrashedError,
  WorkerPoolExecutor,
} from "../mod.ts";

const isDeno = typeof Deno.version?.deno === "string";

Deno.test({
  name: "ProcessPoolExecutor outside Deno throws NotSupportedError",
  ignore: isDeno,
  fn() {
    assert.throws(
      () => new ProcessPoolExecutor({ maxWorkers: 1 }),
      (error: unknown) =>
        error instanceof NotSupportedError &&
        /WorkerPoolExecutor/.test(error.message),
    );
  },
});

Deno.test({
  name: "permissions outside Deno throw NotSupportedError",
  ignore: isDeno,
  fn() {
    assert.throws(
      () => new WorkerPoolExecutor({ permissions: "none" }),
      (error: unknown) =>
        error instanceof NotSupportedError &&
        /permissions are Deno's/.test(error.message),
    );
  },
});

Deno.test("the generator loop runs on this runtime's macrotasks", async () => {
  const order: string[] = [];
  await asyncio.run(function* () {
    const tick = function* (name: string) {
      for (let i = 0; i < 3; i++) {
        order.push(`${name}${i}`);
        yield* asyncio.sleep(0);
      }
    };
    yield* asyncio.gather([tick("a"), tick("b")]);
    // A real timer and a promise from outside the loop.
    yield* asyncio.sleep(5);
    const value = yield Promise.resolve(7);
    order.push(String(value));
  }());
  assert.deepEqual(order, ["a0", "b0", "a1", "b1", "a2", "b2", "7"]);
});

Deno.test("a worker that cannot load fails with its real message", async () => {
  await using ex = new WorkerPoolExecutor({
    maxWorkers: 1,
    workerUrl: new URL("./fixtures/no_such_worker.js", import.meta.url),
  });
  const error = await ex.submit(() => 1).exception();
  assert.ok(error instanceof BrokenExecutorError);
  const message = (error as Error).message;
  assert.match(message, /could not start: it failed: /);
  assert.ok(!/: undefined/.test(message), message);
});

Deno.test("a task that ends its worker by the runtime's exit fails only itself", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  assert.equal(await ex.submit(() => 1).result(), 1);
  const exit = ex.submit(() => {
    const g = globalThis as unknown as {
      Deno?: { version?: unknown; exit(code: number): void };
      process?: { exit(code: number): void };
      close(): void;
    };
    if (g.Deno?.version !== undefined) g.Deno.exit(3);
    else if (g.process !== undefined) g.process.exit(3);
    else g.close();
    // Bun and Node end the worker at the end of the current turn.
    return new Promise(() => {});
  });
  const error = await exit.exception();
  assert.ok(error instanceof WorkerCrashedError, String(error));
  assert.match(
    (error as Error).message,
    /Deno\.exit\(3\)|process\.exit\(3\)|self\.close\(\)/,
  );
  assert.equal(await ex.submit((x: number) => x + 1, 2).result(), 3);
  assert.equal(ex.stats.failed, 1);
});

Deno.test("a task declared as a function statement in a block runs", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  let twice;
  {
    // Bun's transpiler makes this an anonymous function expression.
    // deno-lint-ignore no-inner-declarations
    function double(n: number): number {
      return 2 * n;
    }
    twice = double;
  }
  assert.equal(await ex.submit(twice, 21).result(), 42);
});

Deno.test("a thrown error reaches the caller with its message on every runtime", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  const error = await ex.submit(() => {
    throw new RangeError("too far");
  }).exception();
  assert.ok(error instanceof RangeError);
  assert.equal((error as Error).message, "too far");
});

Deno.test("a task that names a worker-only global gets the same explanation on every runtime", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  const error = await ex.submit(() =>
    // @ts-expect-error: a Worker's global, not the caller's
    typeof postMessage
  ).exception();
  assert.ok(error instanceof ReferenceError, String(error));
  // JavaScriptCore ends its message with a period, V8 does not.
  assert.match(
    (error as Error).message,
    /^postMessage is not defined in the task \(line \d+ of its source\)/,
  );
});
