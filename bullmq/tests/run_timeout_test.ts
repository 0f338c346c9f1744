// Copyright 2026 the @concurrent/futures authors. MIT license.
// BullMQExecutor.run's `timeout` is running time: it counts from the start
// on a worker, never while the job waits in Redis.
import assert from "node:assert/strict";
import { TimeoutError } from "@concurrent/futures";
import { Cluster, redisTest, sleep, tasks, until } from "./_cluster.ts";

redisTest(
  "run timeout: a job that waited 300 ms for the worker, then runs 50 ms within its 200, succeeds",
  async () => {
    await using c = await Cluster.start({ concurrency: 1 });
    const first = c.ex.run(tasks.echoAfter, ["first", 300]);
    const second = c.ex.run(tasks.echoAfter, ["second", 50], {
      timeout: 200,
    });
    assert.equal(await first.result(), "first");
    assert.equal(await second.result(), "second");
    assert.deepEqual(
      { completed: c.ex.stats.completed, failed: c.ex.stats.failed },
      { completed: 2, failed: 0 },
    );
  },
);

redisTest(
  "run timeout: a job in Redis with no worker is not timed, and runs once one comes",
  async () => {
    await using c = await Cluster.start({ workers: 0 });
    const future = c.ex.run(tasks.echoAfter, ["late", 10], { timeout: 50 });
    await sleep(300);
    assert.equal(future.done(), false);
    assert.equal(future.running(), false);
    await c.addWorker();
    assert.equal(await future.result(), "late");
  },
);

redisTest(
  "run timeout: a job that runs longer fails with TimeoutError once it ran that long, and is stopped on its worker",
  async () => {
    await using c = await Cluster.start({ concurrency: 1 });
    const [worker] = c.workers;
    const begin = performance.now();
    const first = c.ex.run(tasks.echoAfter, ["first", 300]);
    const slow = c.ex.run(tasks.slowPid, [5000], { timeout: 200 });
    const error = await slow.exception();
    const failedAfter = performance.now() - begin;
    assert.ok(error instanceof TimeoutError);
    assert.match((error as Error).message, /within 200 ms/);
    assert.equal(first.done(), true);
    // It waited for the first job (300 ms), then ran for its 200 ms.
    assert.ok(failedAfter >= 500, `failed after ${failedAfter} ms`);
    // Stopped on its worker, which is free at once for the next job rather
    // than after the task's 5 s.
    await until(() => worker.stats.running === 0, 3000, "the stop");
    assert.equal(worker.stats.failed, 1);
    assert.equal(await c.ex.submit(tasks.add, 1, 2).result(), 3);
    assert.ok(performance.now() - begin < 4000);
  },
);
