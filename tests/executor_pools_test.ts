// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import { InvalidStateError, moduleTask } from "../mod.ts";
import { forEachPool } from "./_util/pools.ts";

const tasks = new URL("./fixtures/executor_tasks.ts", import.meta.url);
type Tasks = typeof import("./fixtures/executor_tasks.ts");

forEachPool(({ name, Pool }) => {
  Deno.test(`${name} runs sync and async plain functions`, async () => {
    await using ex = new Pool({ maxWorkers: 2 });
    const sync = ex.submit((a: number, b: string) => `${b}${a * 2}`, 21, "n=");
    const async = ex.submit(async (ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { ms, list: [1, 2], map: new Map([["k", 1]]) };
    }, 1);
    assert.equal(await sync.result(), "n=42");
    const value = await async.result();
    assert.deepEqual(value, { ms: 1, list: [1, 2], map: new Map([["k", 1]]) });
  });

  Deno.test(`${name} runs typed module tasks, imported once`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const add = moduleTask<Tasks, "add">(tasks, "add");
    const slowDouble = moduleTask<Tasks, "slowDouble">(tasks, "slowDouble");
    const countCalls = moduleTask<Tasks, "countCalls">(tasks, "countCalls");
    const sum: number = await ex.submit(add, 2, 3).result();
    assert.equal(sum, 5);
    assert.equal(await ex.submit(slowDouble, 4).result(), 8);
    // One module instance per worker: its state survives between calls.
    const counts = [];
    for (let i = 0; i < 3; i++) {
      counts.push(await ex.submit(countCalls).result());
    }
    assert.deepEqual(counts, [1, 2, 3]);
    // @ts-expect-error: wrong argument type
    ex.submit(add, "2", 3).exception();
  });

  Deno.test(`${name}: a plain function is revived once per worker`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    function probe(): number {
      const scope = globalThis as { seen?: Set<unknown> };
      scope.seen ??= new Set();
      scope.seen.add(probe);
      return scope.seen.size;
    }
    const sizes = [];
    for (let i = 0; i < 3; i++) sizes.push(await ex.submit(probe).result());
    assert.deepEqual(sizes, [1, 1, 1]);
  });

  Deno.test(`${name}: at most maxWorkers tasks run at once, async ones included`, async () => {
    await using ex = new Pool({ maxWorkers: 2 });
    const sleep = async (i: number) => {
      const start = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 30));
      return [i, start, Date.now()];
    };
    const futures = [0, 1, 2, 3].map((i) => ex.submit(sleep, i));
    assert.ok(ex.stats.workers <= 2);
    const spans = [];
    for (const f of futures) spans.push(await f.result());
    // No moment is inside three spans at once.
    for (const [, start] of spans) {
      const overlapping = spans.filter(([, s, e]) => s <= start && start < e);
      assert.ok(overlapping.length <= 2, JSON.stringify(spans));
    }
    assert.equal(ex.stats.workers, 2);
  });

  Deno.test(`${name}: workers start on demand`, async () => {
    await using ex = new Pool({ maxWorkers: 4 });
    assert.equal(ex.stats.workers, 0);
    await ex.submit(() => 1).result();
    assert.equal(ex.stats.workers, 1);
  });

  Deno.test(`${name}: stats count workers, busy, queued, completed and failed`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const futures = [
      ex.submit(wait, 20),
      ex.submit(() => {
        throw new Error("x");
      }),
      ex.submit(() => 3),
    ];
    assert.deepEqual(ex.stats, {
      workers: 1,
      busy: 1,
      queued: 2,
      completed: 0,
      failed: 0,
    });
    assert.equal(futures[0].running(), true);
    assert.equal(futures[1].state, "pending");
    for (const f of futures) await f.exception();
    assert.deepEqual(ex.stats, {
      workers: 1,
      busy: 0,
      queued: 0,
      completed: 3,
      failed: 1,
    });
  });

  Deno.test(`${name}: bad numbers throw RangeError at once`, () => {
    assert.throws(() => new Pool({ maxWorkers: 0 }), RangeError);
    assert.throws(() => new Pool({ maxWorkers: -1 }), RangeError);
    assert.throws(() => new Pool({ maxWorkers: 1.5 }), RangeError);
    assert.throws(
      () => new Pool({ maxTasksPerWorker: 0 }),
      RangeError,
    );
    assert.throws(
      () => new Pool({ idleTimeout: -1 }),
      /idleTimeout must be a non-negative number/,
    );
    const ex = new Pool({ maxWorkers: 1 });
    assert.throws(() => ex.run(() => 1, [], { timeout: -5 }), RangeError);
    assert.throws(() => ex.map((x: number) => x, [1], { chunksize: -1 }), {
      name: "RangeError",
      message: "map() chunksize must be a positive integer, got -1",
    });
    assert.throws(
      () => ex.map((x: number) => x, [1], { buffersize: 0 }),
      RangeError,
    );
    assert.throws(
      () => ex.map((x: number) => x, [1], { timeout: -1 }),
      RangeError,
    );
    assert.equal(ex.stats.workers, 0);
  });

  Deno.test(`${name}: submit after shutdown throws InvalidStateError synchronously`, async () => {
    const ex = new Pool({ maxWorkers: 1, name: "closed pool" });
    await ex.shutdown();
    assert.throws(() => ex.submit(() => 1), {
      name: "InvalidStateError",
      message: "Cannot submit to closed pool after shutdown",
    });
    assert.throws(() => ex.map((x: number) => x, [1]), InvalidStateError);
    await ex.shutdown(); // twice is harmless
  });

  Deno.test(`${name}: a plain function may await import(...) inside the worker`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const viaImport = async (url: string, a: number, b: number) => {
      const { add } = await import(url);
      return add(a, b);
    };
    assert.equal(await ex.submit(viaImport, tasks.href, 20, 22).result(), 42);
  });

  Deno.test(`${name}: a closure over outer variables fails in the worker with a clear error`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const secret = 41;
    const error = await ex.submit(() => secret + 1).exception();
    assert.ok(error instanceof ReferenceError);
    assert.match((error as Error).message, /secret is not defined/);
  });

  Deno.test(`${name}: inline functions with the same source share one revived copy`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const sizes = [];
    for (let i = 0; i < 3; i++) {
      // A new function object each time round, with the same source.
      sizes.push(
        await ex.submit(function probe2(): number {
          const scope = globalThis as { seen2?: Set<unknown> };
          scope.seen2 ??= new Set();
          scope.seen2.add(probe2);
          return scope.seen2.size;
        }).result(),
      );
    }
    assert.deepEqual(sizes, [1, 1, 1]);
  });
});
