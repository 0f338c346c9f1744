// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import {
  AsyncPoolExecutor,
  type Executor,
  type ExecutorStats,
  InvalidStateError,
  ProcessPoolExecutor,
  TimeoutError,
  WorkerPoolExecutor,
} from "../mod.ts";

const isDeno = typeof Deno.version?.deno === "string";
type Pool = Executor & { readonly stats: ExecutorStats };
const executors: [string, () => Pool][] = [
  ["WorkerPoolExecutor", () => new WorkerPoolExecutor({ maxWorkers: 2 })],
  ["ProcessPoolExecutor", () => new ProcessPoolExecutor({ maxWorkers: 2 })],
  ["AsyncPoolExecutor", () => new AsyncPoolExecutor({ maxWorkers: 2 })],
  // Child processes are Deno's (the portable suite runs this file elsewhere).
].filter(([name]) => isDeno || name !== "ProcessPoolExecutor") as [
  string,
  () => Pool,
][];

const sleepThen = (ms: number) =>
  new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms));

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

for (const [name, make] of executors) {
  Deno.test(`${name}.map yields results in input order`, async () => {
    await using ex = make();
    assert.deepEqual(await collect(ex.map(sleepThen, [30, 1, 15, 2])), [
      30,
      1,
      15,
      2,
    ]);
    assert.deepEqual(await collect(ex.map(sleepThen, [])), []);
  });

  Deno.test(`${name}.map takes async iterables`, async () => {
    await using ex = make();
    async function* items() {
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 1));
        yield i;
      }
    }
    const out = await collect(ex.map((x: number) => x * 10, items()));
    assert.deepEqual(out, [0, 10, 20, 30, 40]);
  });

  Deno.test(`${name}.map with buffersize reads an endless input lazily`, async () => {
    await using ex = make();
    let pulled = 0;
    function* naturals() {
      for (let i = 0;; i++) {
        pulled++;
        yield i;
      }
    }
    const results = [];
    for await (
      const x of ex.map((n: number) => n * n, naturals(), { buffersize: 3 })
    ) {
      results.push(x);
      if (results.length === 10) break;
    }
    assert.deepEqual(results, [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
    assert.ok(pulled <= 13, `pulled ${pulled}`);
  });

  Deno.test(`${name}.map rejects with the first error in input order`, async () => {
    await using ex = make();
    const check = async (n: number) => {
      await new Promise((r) => setTimeout(r, n === 2 ? 30 : 1));
      if (n % 2 === 0) throw new RangeError(`bad ${n}`);
      return n;
    };
    const seen: number[] = [];
    await assert.rejects(
      async () => {
        for await (const x of ex.map(check, [1, 2, 3, 4])) seen.push(x);
      },
      { name: "RangeError", message: "bad 2" },
    );
    assert.deepEqual(seen, [1]);
  });

  Deno.test(`${name}.map times out and cancels what has not started`, async () => {
    await using ex = make();
    const iterator = ex.map(sleepThen, [200, 200, 200, 200, 200, 200], {
      timeout: 30,
    });
    await assert.rejects(iterator.next(), {
      name: "TimeoutError",
      message: "map() results were not ready within 30 ms",
    });
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
    await ex.shutdown();
    // The running ones finished; the others were cancelled.
    assert.ok(ex.stats.completed <= 4, JSON.stringify(ex.stats));
  });

  Deno.test(`${name}.map stops on its signal and cancels what has not started`, async () => {
    await using ex = make();
    const controller = new AbortController();
    // With a buffersize, a result that is ready is still handed out by
    // an async step, which sees the abort below.
    const iterator = ex.map(sleepThen, [1, 40, 40, 40, 40, 40, 40], {
      signal: controller.signal,
      buffersize: 10,
    });
    assert.deepEqual(await iterator.next(), { done: false, value: 1 });
    const next = iterator.next();
    controller.abort(new Error("stop"));
    await assert.rejects(next, { message: "stop" });
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
    await ex.shutdown();
    assert.ok(ex.stats.completed <= 4, JSON.stringify(ex.stats));
  });

  Deno.test(`${name}.map: break cancels what has not started`, async () => {
    await using ex = make();
    // Tasks timed at 60 ms are long ones: a child process holds none queued
    // (a task of a few ms would let it hold several, which run), a Worker
    // at most one, which it gives back.
    const items = [60, 100, 100, 100, 100, 100, 100, 100];
    for await (const x of ex.map(sleepThen, items)) {
      assert.equal(x, 60);
      break;
    }
    await ex.shutdown();
    assert.ok(ex.stats.completed <= 4, JSON.stringify(ex.stats));
  });

  Deno.test(`${name}.map after shutdown throws; a shutdown mid-map ends it`, async () => {
    const ex = make();
    function* naturals() {
      for (let i = 0;; i++) yield i;
    }
    const iterator = ex.map((n: number) => n, naturals(), { buffersize: 2 });
    assert.deepEqual(await iterator.next(), { done: false, value: 0 });
    await ex.shutdown();
    await assert.rejects(async () => {
      for (;;) if ((await iterator.next()).done) break;
    }, InvalidStateError);
    assert.throws(() => ex.map((n: number) => n, [1]), InvalidStateError);
  });

  Deno.test(`${name}.map: breaking out of 20,000 items is quick`, async () => {
    await using ex = make();
    const items = Array.from({ length: 20_000 }, (_, i) => i);
    for await (const _ of ex.map((n: number) => n, items)) break;
    await ex.shutdown({ cancelFutures: true });
    assert.ok(ex.stats.completed < 20_000);
    assert.equal(ex.stats.queued, 0);
  });

  Deno.test(`${name}.map reads an array as its iterator does: holes, growth, getters, its own iterator`, async () => {
    await using ex = make();
    const mark = (x: unknown) => x === undefined ? "hole" : x;
    // A hole is undefined, in a chunk as alone.
    // deno-lint-ignore no-sparse-arrays
    const sparse = [1, , 3, , 5];
    assert.deepEqual(await collect(ex.map(mark, sparse, { chunksize: 2 })), [
      1,
      "hole",
      3,
      "hole",
      5,
    ]);
    // Read lazily, an array that grows is read to its new end.
    const growing = [1, 2, 3];
    const seen: unknown[] = [];
    for await (
      const x of ex.map(mark, growing, { chunksize: 1, buffersize: 1 })
    ) {
      seen.push(x);
      if (x === 1) growing.push(4);
    }
    assert.deepEqual(seen, [1, 2, 3, 4]);
    // An element's getter that throws ends the map after the items before
    // it, those of its own chunk included.
    const trapped = [1, 2, 3, 4, 5];
    Object.defineProperty(trapped, 3, {
      get() {
        throw new Error("getter broke");
      },
    });
    const before: unknown[] = [];
    await assert.rejects(async () => {
      for await (const x of ex.map(mark, trapped, { chunksize: 2 })) {
        before.push(x);
      }
    }, { message: "getter broke" });
    assert.deepEqual(before, [1, 2, 3]);
    // A getter that cuts the array short ends it there, mid-chunk.
    const shrinking = [1, 2, 3, 4, 5];
    Object.defineProperty(shrinking, 1, {
      get() {
        shrinking.length = 3;
        return 2;
      },
    });
    assert.deepEqual(
      await collect(ex.map(mark, shrinking, { chunksize: 10 })),
      [1, 2, 3],
    );
    // An array with an iterator of its own is read through it.
    const reversed = [1, 2, 3];
    Object.defineProperty(reversed, Symbol.iterator, {
      value: function* (this: number[]) {
        for (let i = this.length - 1; i >= 0; i--) yield this[i];
      },
    });
    assert.deepEqual(
      await collect(ex.map(mark, reversed, { chunksize: 2 })),
      [3, 2, 1],
    );
  });

  Deno.test(`${name}.map passes on an error of its input after earlier results`, async () => {
    await using ex = make();
    function* items() {
      yield 1;
      yield 2;
      throw new Error("input broke");
    }
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const x of ex.map((n: number) => n, items())) seen.push(x);
    }, { message: "input broke" });
    assert.deepEqual(seen, [1, 2]);
  });
}

Deno.test("map with chunksize 1: an item that cannot be cloned fails in its turn", async () => {
  for (
    const Pool of isDeno
      ? [WorkerPoolExecutor, ProcessPoolExecutor]
      : [WorkerPoolExecutor]
  ) {
    await using ex = new Pool({ maxWorkers: 2 });
    const seen: unknown[] = [];
    const items: unknown[] = [1, 2, 3, () => 4, 5];
    await assert.rejects(async () => {
      for await (const v of ex.map((x: unknown) => x, items)) seen.push(v);
    }, { name: "DataCloneError" });
    assert.deepEqual(seen, [1, 2, 3]);
  }
});

Deno.test("map's timeout counts from the call; ready results still come", async () => {
  await using ex = new AsyncPoolExecutor();
  const iterator = ex.map(sleepThen, [1, 300], { timeout: 100 });
  await sleepThen(150); // past the deadline, before the first next()
  assert.deepEqual(await iterator.next(), { done: false, value: 1 });
  const start = performance.now();
  await assert.rejects(iterator.next(), TimeoutError);
  // Not another 100 ms from this next(): the deadline has passed.
  assert.ok(performance.now() - start < 90);
});

Deno.test("map starts work eagerly, before the first next()", async () => {
  await using ex = new AsyncPoolExecutor({ maxWorkers: 2 });
  const started: number[] = [];
  const iterator = ex.map((n: number) => started.push(n), [1, 2, 3]);
  assert.deepEqual(started, [1, 2]);
  await iterator.return!();
});

Deno.test("WorkerPoolExecutor.map sends chunksize items per message", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 2 });
  const items = Array.from({ length: 25 }, (_, i) => i);
  const out = await collect(
    ex.map(async (n: number) => await n + 1, items, { chunksize: 10 }),
  );
  assert.deepEqual(out, items.map((n) => n + 1));
  assert.equal(ex.stats.completed, 3); // three messages: 10, 10, 5
});

Deno.test("AsyncPoolExecutor.map checks but ignores chunksize", async () => {
  await using ex = new AsyncPoolExecutor();
  assert.throws(
    () => ex.map((x: number) => x, [1], { chunksize: 0 }),
    RangeError,
  );
  const out = await collect(
    ex.map((x: number) => x, [1, 2, 3], { chunksize: 2 }),
  );
  assert.deepEqual(out, [1, 2, 3]);
  assert.equal(ex.stats.completed, 3);
});

Deno.test("map rejects items that are not iterable", () => {
  const ex = new AsyncPoolExecutor();
  // @ts-expect-error: not iterable
  assert.throws(() => ex.map((x: number) => x, 5), TypeError);
});

Deno.test("map closes at a timeout while waiting for async input", async () => {
  await using ex = new AsyncPoolExecutor({ maxWorkers: 4 });
  let pulled = 0;
  let ran = 0;
  let closed = false;
  async function* slowInput() {
    try {
      for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, 40));
        pulled++;
        yield i;
      }
    } finally {
      closed = true;
    }
  }
  const results = ex.map(
    async (x: number) => {
      ran++;
      return await Promise.resolve(x * 10);
    },
    slowInput(),
    { timeout: 20 },
  );
  await assert.rejects(results.next(), TimeoutError);
  await new Promise((resolve) => setTimeout(resolve, 120));
  assert.deepEqual(await results.next(), { done: true, value: undefined });
  assert.ok(pulled <= 1, `pulled ${pulled} items after the timeout`);
  assert.equal(ran, 0);
  assert.equal(closed, true);
});

Deno.test("map: next() after a pending return() is done, as in async generators", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  const results = ex.map((x: number) => x * 10, [1, 2, 3, 4], {
    chunksize: 4,
  });
  assert.deepEqual(await results.next(), { done: false, value: 10 });
  const returned = results.return!();
  const after = results.next();
  assert.deepEqual(await returned, { done: true, value: undefined });
  assert.deepEqual(await after, { done: true, value: undefined });
});

Deno.test("map with an aborted signal rejects once with its reason, then is done", async () => {
  await using ex = new AsyncPoolExecutor();
  let ran = 0;
  const results = ex.map(() => ran++, [1, 2, 3], {
    signal: AbortSignal.abort(new Error("aborted before")),
  });
  await assert.rejects(results.next(), { message: "aborted before" });
  assert.deepEqual(await results.next(), { done: true, value: undefined });
  assert.equal(ran, 0);
});
