// Copyright 2026 the @concurrent/futures authors. MIT license.
// The guarantees of issue "pool throughput" for every task of a batch, on
// every pool: exact cancel, no hostage tasks, at most maxWorkers at once,
// minWorkers. Counts and orders only, never timings.
import assert from "node:assert/strict";
import { forEachPool } from "./_util/pools.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Appends the task's number to a file: how a test counts runs. */
const logRun = (path: string, n: number): number => {
  Deno.writeTextFileSync(path, `${n}\n`, { append: true });
  let x = 0;
  for (let i = 0; i < 200; i++) x += i; // a few µs of work
  return n + x * 0;
};

/** Waits until `path` exists: a long task the test ends when it wants. */
const waitForFile = async (path: string): Promise<string> => {
  for (;;) {
    try {
      Deno.statSync(path);
      return "long";
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
};

forEachPool(({ name, Pool, sharesMemory }) => {
  Deno.test(`${name}: of 4,000 tasks, every other one cancelled, a cancelled one never runs`, async () => {
    const dir = await Deno.makeTempDir();
    const log = `${dir}/runs`;
    try {
      await using ex = new Pool({ maxWorkers: 2 });
      // A pool that knows the task's length ships it in batches, so that
      // the cancels below meet tasks in the queue, in a worker's batch and
      // running.
      await Promise.all(
        Array.from(
          { length: 500 },
          (_, i) => ex.submit(logRun, `${dir}/warm`, i).result(),
        ),
      );
      const futures = Array.from(
        { length: 4000 },
        (_, i) => ex.submit(logRun, log, i),
      );
      // Cancel the moment the first result arrives, when batches are on
      // their way to the workers: a test resumed after an await may come
      // back, on a loaded machine, when every task has run.
      const cancelled = new Set<number>();
      const first = Promise.withResolvers<void>();
      futures[0].addDoneCallback(() => {
        for (let i = 1; i < futures.length; i += 2) {
          if (futures[i].cancel()) cancelled.add(i);
        }
        first.resolve();
      });
      await first.promise;
      assert.ok(cancelled.size > 0);
      for (const [i, f] of futures.entries()) {
        if (cancelled.has(i)) assert.equal(f.cancelled(), true);
        else assert.equal(await f.result(), i);
      }
      await ex.shutdown();
      const runs = (await Deno.readTextFile(log)).trim().split("\n")
        .map(Number);
      assert.equal(runs.length, 4000 - cancelled.size);
      assert.equal(new Set(runs).size, runs.length); // none ran twice
      for (const n of runs) assert.equal(cancelled.has(n), false);
      assert.equal(ex.stats.completed, 500 + 4000 - cancelled.size);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test(`${name}: 300 short tasks submitted behind a long one all finish while it runs`, async () => {
    const dir = await Deno.makeTempDir();
    const gate = `${dir}/gate`;
    const ex = new Pool({ maxWorkers: 2 });
    try {
      await Promise.all([1, 2].map(() => ex.submit(() => 0).result()));
      const long = ex.submit(waitForFile, gate);
      const shorts = Array.from(
        { length: 300 },
        (_, i) => ex.submit((n: number) => n * 2, i),
      );
      // Were one held behind the long task, this would time out.
      for (const [i, f] of shorts.entries()) {
        assert.equal(await f.result(10_000), i * 2);
      }
      assert.equal(long.done(), false);
      await Deno.writeTextFile(gate, "");
      assert.equal(await long.result(), "long");
    } finally {
      // The long task ends before the pool is shut down, even on failure.
      await Deno.writeTextFile(gate, "");
      await ex.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  });

  if (sharesMemory) {
    Deno.test(`${name}: tasks batched behind a long one are taken back by an idle worker`, async () => {
      const dir = await Deno.makeTempDir();
      const gate = `${dir}/gate`;
      const ex = new Pool({ maxWorkers: 2 });
      try {
        await Promise.all(
          Array.from(
            { length: 100 },
            (_, i) => ex.submit((x) => x, i).result(),
          ),
        );
        const double = (n: number) => n * 2;
        const before = Array.from(
          { length: 100 },
          (_, i) => ex.submit(double, i),
        );
        const long = ex.submit(waitForFile, gate);
        const after = Array.from(
          { length: 300 },
          (_, i) => ex.submit(double, i),
        );
        // Were one held behind the long task, this would time out.
        for (const list of [before, after]) {
          for (const [i, f] of list.entries()) {
            assert.equal(await f.result(10_000), i * 2);
          }
        }
        assert.equal(long.done(), false);
        await Deno.writeTextFile(gate, "");
        assert.equal(await long.result(), "long");
      } finally {
        await Deno.writeTextFile(gate, "");
        await ex.shutdown();
        await Deno.remove(dir, { recursive: true });
      }
    });
  }

  Deno.test(`${name}: never more than maxWorkers tasks at once, in batches too`, async () => {
    await using ex = new Pool({ maxWorkers: 2 });
    const span = async (ms: number) => {
      const start = performance.timeOrigin + performance.now();
      await new Promise((r) => setTimeout(r, ms));
      return [start, performance.timeOrigin + performance.now()];
    };
    // Trivial tasks first, so that the pool ships the spans in batches.
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => ex.submit((x) => x, i).result()),
    );
    const spans = await Promise.all(
      Array.from({ length: 40 }, (_, i) => ex.submit(span, i % 3).result()),
    );
    for (const [start] of spans) {
      const inside = spans.filter(([s, e]) => s <= start && start < e);
      assert.ok(inside.length <= 2, JSON.stringify(spans));
    }
  });

  Deno.test(`${name}: minWorkers start at construction and outlive idleTimeout`, async () => {
    assert.throws(() => new Pool({ minWorkers: -1 }), RangeError);
    assert.throws(() => new Pool({ minWorkers: 1.5 }), RangeError);
    assert.throws(() => new Pool({ maxWorkers: 2, minWorkers: 3 }), {
      name: "RangeError",
      message: "minWorkers (3) must not exceed maxWorkers (2)",
    });
    await using ex = new Pool({ maxWorkers: 3, minWorkers: 2, idleTimeout: 1 });
    assert.equal(ex.stats.workers, 2);
    const ids = await Promise.all(
      Array.from({ length: 30 }, () =>
        ex.submit(async () => {
          await new Promise((r) => setTimeout(r, 2));
          const scope = globalThis as { workerId?: string };
          return scope.workerId ??= crypto.randomUUID();
        }).result()),
    );
    assert.equal(new Set(ids).size, 3);
    await sleep(30); // well past idleTimeout
    assert.equal(ex.stats.workers, 2);
  });

  Deno.test(`${name}: a task that calls Deno.exit() fails alone; the pool goes on`, async () => {
    const ex = new Pool({ maxWorkers: 1 });
    const exits = ex.submit(() => Deno.exit(3));
    const next = ex.submit((x: number) => x + 1, 1);
    const error = await exits.exception();
    assert.equal((error as Error).name, "WorkerCrashedError");
    assert.match((error as Error).message, /Deno\.exit\(3\)|code 3/);
    assert.equal(await next.result(), 2);
    await ex.shutdown();
    assert.equal(ex.stats.workers, 0);
  });
});
