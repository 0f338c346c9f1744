// Copyright 2026 the @concurrent/futures authors. MIT license.
// `RunOptions.timeout` counts running time, from the task's start; and
// stops never start anything (issue: a timeout that means running time).
import assert from "node:assert/strict";
import {
  AsyncPoolExecutor,
  moduleTask,
  type TaskContext,
  TimeoutError,
} from "../mod.ts";
import { forEachPool } from "./_util/pools.ts";

type StopTasks = typeof import("./fixtures/stop_tasks.ts");
const workerName = moduleTask<StopTasks, "workerName">(
  new URL("./fixtures/stop_tasks.ts", import.meta.url),
  "workerName",
);

const sleep = (ms: number, value?: unknown) =>
  new Promise((resolve) => setTimeout(() => resolve(value), ms));

/** Writes a line to `${dir}/${i}` when it starts, then takes `ms`. */
async function startThenSleep(dir: string, i: number, ms: number) {
  Deno.writeTextFileSync(`${dir}/${i}`, "started\n", { append: true });
  await new Promise((resolve) => setTimeout(resolve, ms));
  return i;
}

/** Writes a line to `${dir}/${i}` when it starts, then never ends. */
function startThenHang(dir: string, i: number): Promise<never> {
  Deno.writeTextFileSync(`${dir}/${i}`, "started\n", { append: true });
  return new Promise(() => {});
}

const starts = (dir: string, i: number): number => {
  try {
    return Deno.readTextFileSync(`${dir}/${i}`).split("\n").length - 1;
  } catch {
    return 0;
  }
};

forEachPool(({ name, Pool }) => {
  Deno.test(`${name}: 10 queued tasks of 150 ms on 2 workers with timeout 400 all succeed`, async () => {
    await using ex = new Pool({ maxWorkers: 2 });
    const futures = Array.from(
      { length: 10 },
      (_, i) => ex.run(sleep, [150, i], { timeout: 400 }),
    );
    const results = await Promise.all(futures.map((f) => f.result()));
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  Deno.test(`${name}: 24 endless tasks stopped by their timeouts each start once, before their future settles`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      await using ex = new Pool({ maxWorkers: 2 });
      const early: number[] = [];
      const futures = Array.from({ length: 24 }, (_, i) => {
        const future = ex.run(startThenHang, [dir, i], { timeout: 60 });
        // When the future settles, the task has started, once.
        future.addDoneCallback(() => {
          if (starts(dir, i) !== 1) early.push(i);
        });
        return future;
      });
      for (const future of futures) {
        assert.ok((await future.exception()) instanceof TimeoutError);
      }
      assert.deepEqual(early, []);
      await sleep(100);
      for (let i = 0; i < 24; i++) assert.equal(starts(dir, i), 1, `task ${i}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test(`${name}: a storm of 200 aborts starts none of the queued tasks and uses at most 2 new workers`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      await using ex = new Pool({ maxWorkers: 2, name: "storm" });
      // Both workers up ("storm 1" and "storm 2").
      await Promise.all([ex.submit(sleep, 30), ex.submit(sleep, 30)]);
      const controller = new AbortController();
      const futures = Array.from(
        { length: 200 },
        (_, i) =>
          ex.run(startThenSleep, [dir, i, 1000], {
            signal: controller.signal,
          }),
      );
      const count = () =>
        Array.from({ length: 200 }, (_, i) => starts(dir, i))
          .reduce((a, b) => a + b);
      // The first two start, one on each worker (none ends: each takes a
      // second); the other 198 wait in the pool.
      const deadline = Date.now() + 10_000;
      while (count() === 0 && Date.now() < deadline) await sleep(5);
      await sleep(20);
      controller.abort();
      assert.ok(futures.every((f) => f.cancelled()));
      await sleep(300);
      const started = Array.from({ length: 200 }, (_, i) => starts(dir, i));
      assert.ok(started[0] <= 1 && started[1] <= 1, `${started}`);
      assert.deepEqual(started.slice(2), new Array(198).fill(0));
      // Workers are numbered as they start: after the 2 killed ones are
      // replaced, the newest is at most "storm 4".
      const names = await Promise.all(
        Array.from({ length: 6 }, () => ex.submit(workerName).result()),
      );
      const newest = Math.max(...names.map((n) => Number(n.split(" ")[1])));
      assert.ok(newest <= 4, `the newest worker is "storm ${newest}"`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("AsyncPoolExecutor: 10 queued tasks of 150 ms, 2 at a time, with timeout 400 all succeed", async () => {
  await using ex = new AsyncPoolExecutor({ maxWorkers: 2 });
  const futures = Array.from(
    { length: 10 },
    (_, i) => ex.run(sleep, [150, i], { timeout: 400 }),
  );
  const results = await Promise.all(futures.map((f) => f.result()));
  assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("AsyncPoolExecutor: 24 endless tasks stopped by their timeouts each start once, before their future settles", async () => {
  await using ex = new AsyncPoolExecutor({ maxWorkers: 2 });
  const started = new Array<number>(24).fill(0);
  const early: number[] = [];
  async function endless(this: TaskContext, i: number): Promise<void> {
    started[i]++;
    const { signal } = this;
    await new Promise((resolve) => signal.addEventListener("abort", resolve));
  }
  const futures = Array.from({ length: 24 }, (_, i) => {
    // The first two run longest: the others wait for them, untimed.
    const future = ex.run(endless, [i], { timeout: i < 2 ? 100 : 20 });
    future.addDoneCallback(() => {
      if (started[i] !== 1) early.push(i);
    });
    return future;
  });
  for (const future of futures) {
    assert.ok((await future.exception()) instanceof TimeoutError);
  }
  assert.deepEqual(early, []);
  assert.deepEqual(started, new Array(24).fill(1));
});
