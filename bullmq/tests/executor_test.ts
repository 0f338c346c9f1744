// Copyright 2026 the @concurrent/futures authors. MIT license.
// BullMQExecutor against a real redis-server, with workers in this process.
import assert from "node:assert/strict";
import {
  ALL_COMPLETED,
  asCompleted,
  asyncio,
  CancelledError,
  Future,
  InvalidStateError,
  moduleTask,
  TimeoutError,
  wait,
} from "@concurrent/futures";
import { BullMQExecutor } from "../mod.ts";
import { Cluster, redisTest, sleep, tasks, until } from "./_cluster.ts";
import { HAS_REDIS, NO_REDIS } from "./_redis.ts";

// Without redis-server, one line says so and no other test of the package
// is registered.
if (!HAS_REDIS) Deno.test({ name: NO_REDIS, ignore: true, fn() {} });

redisTest("submit runs a module task on a worker", async () => {
  await using c = await Cluster.start();
  const future = c.ex.submit(tasks.add, 2, 3);
  assert.ok(future instanceof Future);
  assert.equal(await future.result(), 5);
  assert.equal(future.state, "finished");
});

redisTest("values cross by structured clone, not JSON", async () => {
  await using c = await Cluster.start();
  const value = await c.ex.submit(tasks.richValue).result() as {
    when: Date;
    map: Map<number, string>;
    big: bigint;
    u: undefined;
  };
  assert.ok(value.when instanceof Date);
  assert.equal(value.when.getTime(), 0);
  assert.deepEqual([...value.map], [[1, "one"]]);
  assert.equal(value.big, 10n);
  assert.ok("u" in value);
  const echoed = await c.ex.submit(tasks.echoAfter, new Set([-0, NaN]), 0)
    .result();
  assert.deepEqual(echoed, new Set([-0, NaN]));
});

redisTest(
  "an argument that cannot be cloned fails the future, not submit",
  async () => {
    await using c = await Cluster.start({ workers: 0 });
    const future = c.ex.submit(tasks.echoAfter, () => 1, 0);
    const error = await future.exception() as Error;
    assert.equal(error.name, "DataCloneError");
    assert.equal(c.ex.stats.queued, 0);
  },
);

redisTest(
  "a result that cannot be cloned fails the future with DataCloneError",
  async () => {
    await using c = await Cluster.start();
    const error = await c.ex.submit(tasks.unclonable).exception() as Error;
    assert.equal(error.name, "DataCloneError");
  },
);

redisTest("errors keep class, name, message, stack and cause", async () => {
  await using c = await Cluster.start();
  const error = await c.ex.submit(tasks.failWithCause, "boom").exception();
  assert.ok(error instanceof RangeError);
  assert.equal(error.message, "boom");
  assert.match(error.stack!, /failWithCause/);
  assert.match(error.stack!, /fixtures\/tasks\.ts/);
  assert.ok(error.cause instanceof TypeError);
  assert.equal((error.cause as Error).message, "inner");
  const custom = await c.ex.submit(tasks.failCustom).exception() as Error;
  assert.equal(custom.constructor, Error);
  assert.equal(custom.name, "QuotaError");
  assert.equal(custom.message, "over quota");
  assert.deepEqual(c.ex.stats.failed, 2);
});

redisTest("the job keeps the task's message as its failedReason", async () => {
  await using c = await Cluster.start();
  const future = c.ex.submit(tasks.failWithCause, "for the dashboard");
  const id = c.ex.jobId(future)!;
  await future.exception();
  await using queue = c.openQueue();
  const job = await queue.getJob(id);
  assert.equal(job?.failedReason, "for the dashboard");
  assert.equal(await job?.getState(), "failed");
});

redisTest(
  "plain functions run only on workers started with allowSource",
  async () => {
    {
      await using c = await Cluster.start();
      const error = await c.ex.submit((n: number) => n + 1, 1).exception();
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /--allow-source/);
      const inline = moduleTask<{ f(): number }, "f">(
        "data:text/javascript,export const f = () => 1;",
        "f",
      );
      assert.match(
        String(await c.ex.submit(inline).exception()),
        /does not serve the module "data:.*--tasks/,
      );
    }
    {
      await using c = await Cluster.start({ allowSource: true });
      assert.equal(await c.ex.submit((n: number) => n * 7, 6).result(), 42);
      // A data: module is not a plain function: --allow-source does not
      // open it.
      const inline = moduleTask<{ f(): number }, "f">(
        "data:text/javascript,export const f = () => 1;",
        "f",
      );
      assert.match(
        String(await c.ex.submit(inline).exception()),
        /does not serve the module "data:.*--tasks/,
      );
      assert.throws(() => c.ex.submit(Math.max, 1, 2), TypeError);
    }
  },
);

redisTest(
  "a task whose module is not served fails; a missing export says so",
  async () => {
    await using c = await Cluster.start();
    const missing = moduleTask<{ f(): void }, "f">(
      new URL("./fixtures/no_such_module.ts", import.meta.url),
      "f",
    );
    const error = await c.ex.submit(missing).exception() as Error;
    assert.ok(error instanceof TypeError, String(error));
    assert.match(error.message, /no_such_module\.ts.*--tasks/);
    const noExport = moduleTask<{ nope(): void }, "nope">(
      new URL("./fixtures/tasks.ts", import.meta.url),
      "nope",
    );
    assert.match(
      String(await c.ex.submit(noExport).exception()),
      /no exported function "nope"/,
    );
    assert.equal(await c.ex.submit(tasks.add, 1, 1).result(), 2);
  },
);

redisTest("map yields in input order, one job per chunk", async () => {
  await using c = await Cluster.start({ concurrency: 3 });
  const items = Array.from({ length: 10 }, (_, i) => 9 - i);
  const results = [];
  for await (const r of c.ex.map(tasks.square, items, { chunksize: 3 })) {
    results.push(r);
  }
  assert.deepEqual(results, items.map((n) => n * n));
  assert.equal(c.ex.stats.completed, 4); // 3 + 3 + 3 + 1
  const asyncItems = async function* () {
    for (let i = 0; i < 5; i++) yield i;
  };
  assert.deepEqual(
    await Array.fromAsync(
      c.ex.map(tasks.square, asyncItems(), { buffersize: 2 }),
    ),
    [0, 1, 4, 9, 16],
  );
});

redisTest("map rejects with the first error in input order", async () => {
  await using c = await Cluster.start();
  const seen: number[] = [];
  const iterator = c.ex.map(tasks.failFrom2, [0, 1, 2, 3], { chunksize: 1 });
  await assert.rejects(async () => {
    for await (const n of iterator) seen.push(n);
  }, /bad item 2/);
  assert.deepEqual(seen, [0, 1]);
});

redisTest(
  "map timeout: TimeoutError, and work not started is removed",
  async () => {
    await using c = await Cluster.start({ workers: 0 });
    const iterator = c.ex.map(tasks.square, [1, 2, 3], { timeout: 50 });
    await assert.rejects(iterator.next(), TimeoutError);
    await until(() => c.ex.stats.queued === 0, 5000, "the cancellations");
    await using queue = c.openQueue();
    // Revoked in Redis, not only forgotten here.
    await until(
      async () => (await queue.getJobCounts("waiting")).waiting === 0,
      5000,
      "the revokes",
    );
  },
);

redisTest(
  "run deadline from the call on a waiting job: cancelled, and it never runs",
  async () => {
    await using c = await Cluster.start({ workers: 0 });
    const future = c.ex.run(tasks.pid, [], {
      signal: AbortSignal.timeout(30),
    });
    const id = c.ex.jobId(future)!;
    await assert.rejects(future.result(), CancelledError);
    await using queue = c.openQueue();
    await until(async () => (await queue.getJob(id)) === undefined);
    const worker = await c.addWorker();
    assert.equal(await c.ex.submit(tasks.add, 1, 2).result(), 3);
    assert.equal(worker.stats.completed, 1); // only the later job ran
  },
);

redisTest(
  "run timeout on a running job settles at once and stops the task",
  async () => {
    await using c = await Cluster.start();
    const [worker] = c.workers;
    const started = performance.now();
    const future = c.ex.run(tasks.slowPid, [5000], { timeout: 300 });
    await until(() => future.running(), 5000, "the claim");
    await assert.rejects(future.result(), TimeoutError);
    // The worker's local pool stopped the task instead of letting it sleep on.
    await until(() => worker.stats.running === 0, 4000, "the stop");
    assert.ok(performance.now() - started < 4500);
    assert.equal(worker.stats.failed, 1);
  },
);

redisTest(
  "revoke: false for a claimed job, which runs to its end",
  async () => {
    await using c = await Cluster.start();
    const [worker] = c.workers;
    const future = c.ex.submit(tasks.slowPid, 300);
    await until(() => worker.stats.running === 1, 10_000, "the claim");
    // A fresh executor does not know yet that a worker claimed the job:
    // Redis answers for it.
    await using other = new BullMQExecutor({
      queue: c.queue,
      connection: c.redis.url,
    });
    await other.ready;
    const attached = other.attach(c.ex.jobId(future)!);
    assert.equal(attached.cancel(), false);
    assert.equal(await other.revoke(attached), false);
    assert.equal(await future.result(), Deno.pid);
    assert.equal(await attached.result(), Deno.pid);
    assert.equal(other.stats.lateCancels, 0);
    assert.equal(await c.ex.revoke(future), false);
  },
);

redisTest("run signal: an abort cancels the future", async () => {
  await using c = await Cluster.start({ workers: 0 });
  const controller = new AbortController();
  const future = c.ex.run(tasks.add, [1, 2], { signal: controller.signal });
  controller.abort();
  assert.equal(future.cancelled(), true);
  await assert.rejects(future.result(), CancelledError);
  const aborted = c.ex.run(tasks.add, [1, 2], { signal: AbortSignal.abort() });
  assert.equal(aborted.cancelled(), true);
});

redisTest(
  "revoke: true for a waiting job, which is removed and never runs",
  async () => {
    await using c = await Cluster.start({ workers: 0 });
    const first = c.ex.submit(tasks.pid);
    const second = c.ex.submit(tasks.pid);
    await until(() => c.ex.jobId(second) !== undefined);
    const id = c.ex.jobId(second)!;
    await sleep(30); // the add has reached Redis
    // Only Redis knows whether a worker has claimed it.
    assert.equal(second.cancel(), false);
    assert.equal(await c.ex.revoke(second), true);
    assert.equal(second.cancelled(), true);
    assert.equal(second.cancel(), true);
    assert.equal(await c.ex.revoke(second), true);
    await assert.rejects(c.ex.revoke(new Future()), TypeError);
    await using queue = c.openQueue();
    await until(async () => (await queue.getJob(id)) === undefined);
    const worker = await c.addWorker();
    assert.equal(await first.result(), Deno.pid);
    await sleep(100);
    assert.equal(worker.stats.completed, 1);
    assert.equal(c.ex.stats.lateCancels, 0);
  },
);

redisTest("run checks its arguments and options at the call", async () => {
  await using c = await Cluster.start({ workers: 0 });
  const bad: [unknown, object, ErrorConstructor, RegExp][] = [
    [3, {}, TypeError, /takes the task's arguments as an array/],
    [[1, 2], { timeout: -1 }, RangeError, /run\(\) timeout/],
    [[1, 2], { signal: {} }, TypeError, /signal must be an AbortSignal/],
    [[1, 2], { onProgress: 5 }, TypeError, /onProgress must be a function/],
  ];
  for (const [args, options, kind, message] of bad) {
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => c.ex.run(tasks.add, args as any, options as any),
      (error: Error) => error instanceof kind && message.test(error.message),
    );
  }
  assert.equal(c.ex.stats.queued, 0);
});

redisTest("cancel: false once a worker has claimed the job", async () => {
  await using c = await Cluster.start();
  const future = c.ex.submit(tasks.slowPid, 200);
  await until(() => future.running(), 5000, "the claim");
  assert.equal(future.state, "running");
  assert.equal(future.cancel(), false);
  assert.equal(await future.result(), Deno.pid);
  assert.equal(future.cancel(), false);
});

redisTest(
  "cancel before the job is even sent: nothing reaches Redis",
  async () => {
    await using c = await Cluster.start({ workers: 0 });
    const future = c.ex.submit(tasks.add, 1, 1);
    assert.equal(future.cancel(), true);
    await using queue = c.openQueue();
    await sleep(50);
    const { waiting, active } = await queue.getJobCounts("waiting", "active");
    assert.deepEqual([waiting, active], [0, 0]);
  },
);

redisTest("stats count queued, busy, completed and failed jobs", async () => {
  await using c = await Cluster.start({ workers: 0 });
  const futures = [
    c.ex.submit(tasks.slowPid, 100),
    c.ex.submit(tasks.add, 1, 2),
  ];
  assert.equal(c.ex.stats.queued, 2);
  await c.addWorker({ concurrency: 1 });
  await until(() => c.ex.stats.busy === 1, 5000, "a busy job");
  await wait(futures, { returnWhen: ALL_COMPLETED });
  await c.ex.submit(tasks.failCustom).exception();
  const { workers, busy, queued, completed, failed } = c.ex.stats;
  assert.deepEqual({ busy, queued, completed, failed }, {
    busy: 0,
    queued: 0,
    completed: 3,
    failed: 1,
  });
  assert.ok(workers >= 0);
});

redisTest(
  "wait, asCompleted and the loop's yield* take these futures",
  async () => {
    await using c = await Cluster.start({ concurrency: 2 });
    const slow = c.ex.submit(tasks.echoAfter, "slow", 150);
    const fast = c.ex.submit(tasks.echoAfter, "fast", 0);
    const order: string[] = [];
    for await (const f of asCompleted([slow, fast])) {
      order.push(f.resultNow() as string);
    }
    assert.deepEqual(order, ["fast", "slow"]);
    const { done } = await wait([slow, fast], { returnWhen: ALL_COMPLETED });
    assert.equal(done.size, 2);
    const sum = await asyncio.run(function* () {
      const a: number = yield* c.ex.submit(tasks.add, 1, 2);
      const b: number = yield* c.ex.submit(tasks.add, a, 4);
      return b;
    }());
    assert.equal(sum, 7);
  },
);

redisTest(
  "shutdown refuses new work; cancelFutures cancels waiting jobs",
  async () => {
    const c = await Cluster.start({ workers: 0 });
    try {
      const waiting = c.ex.submit(tasks.add, 1, 2);
      await sleep(30);
      await c.ex.shutdown({ cancelFutures: true });
      assert.equal(waiting.cancelled(), true);
      assert.throws(() => c.ex.submit(tasks.add, 1, 2), InvalidStateError);
      assert.throws(() => c.ex.map(tasks.square, [1]), InvalidStateError);
      await c.ex.shutdown(); // harmless
    } finally {
      await c[Symbol.asyncDispose]();
    }
  },
);

redisTest(
  "shutdown waits for running work; await using is shutdown()",
  async () => {
    await using c = await Cluster.start();
    let future: Future<number>;
    {
      await using ex = new BullMQExecutor({
        queue: c.queue,
        connection: { host: "127.0.0.1", port: c.redis.port },
      });
      future = ex.submit(tasks.slowPid, 50);
    }
    assert.equal(future.resultNow(), Deno.pid);
  },
);

redisTest(
  "attach: another executor gets the result of a job by its id",
  async () => {
    await using c = await Cluster.start();
    const future = c.ex.submit(tasks.echoAfter, { n: 1 }, 100);
    const id = c.ex.jobId(future)!;
    assert.equal(typeof id, "string");
    await until(() => future.running(), 5000, "the claim");
    await using other = new BullMQExecutor({
      queue: c.queue,
      connection: c.redis.url,
    });
    const attached = other.attach(id);
    assert.deepEqual(await attached.result(), { n: 1 });
    assert.deepEqual(await future.result(), { n: 1 });
    assert.equal(c.ex.jobId(future), undefined);
    // Finished already: the result is read from the job.
    assert.deepEqual(await other.attach(id).result(), { n: 1 });
    const failing = c.ex.submit(tasks.failWithCause, "kept");
    const failingId = c.ex.jobId(failing)!;
    await failing.exception();
    const error = await other.attach(failingId).exception();
    assert.ok(error instanceof RangeError);
    assert.equal((error as Error).message, "kept");
    const gone = other.attach("no-such-job");
    await assert.rejects(gone.result(), CancelledError);
  },
);

redisTest(
  "short tasks share messages; each job keeps its own outcome",
  async () => {
    await using c = await Cluster.start({ concurrency: 4 });
    const failOn = tasks.failOn;
    // The first call is timed alone; then the calls are short.
    assert.equal(await c.ex.submit(failOn, 0, -1).result(), 0);
    for (let round = 0; round < 3; round++) {
      const futures = Array.from(
        { length: 8 },
        (_, i) => c.ex.submit(failOn, i, 5),
      );
      await wait(futures, { returnWhen: ALL_COMPLETED });
      futures.forEach((f, i) => {
        if (i === 5) {
          assert.ok(f.exceptionNow() instanceof TypeError);
          assert.equal((f.exceptionNow() as Error).message, "bad item 5");
        } else {
          assert.equal(f.resultNow(), i);
        }
      });
    }
    const error = await c.ex.submit(tasks.unclonable).exception() as Error;
    assert.equal(error.name, "DataCloneError");
  },
);

redisTest("keepResults is how long results wait in Redis", async () => {
  await using c = await Cluster.start({ executor: { keepResults: 0 } });
  const future = c.ex.submit(tasks.add, 4, 5);
  const id = c.ex.jobId(future)!;
  assert.equal(await future.result(), 9); // delivered by its event
  await c.ex.submit(tasks.add, 1, 1).result(); // a later job trims the first
  await using other = new BullMQExecutor({
    queue: c.queue,
    connection: c.redis.url,
  });
  const late = other.attach(id);
  await assert.rejects(late.result(), /no longer in Redis/);
  // An add cut off by a lost connection is sent again: its id is still
  // known, so the job is not added (and run) a second time.
  await using queue = c.openQueue();
  await queue.add("add", { v: 1 }, {
    jobId: id,
    deduplication: { id, ttl: 60_000 },
  });
  assert.equal(await queue.getJob(id), undefined);
});

redisTest(
  "keepResults: 0 still delivers a failed task's error class",
  async () => {
    await using c = await Cluster.start({ executor: { keepResults: 0 } });
    for (let i = 0; i < 3; i++) {
      const error = await c.ex.submit(tasks.failWithCause, "boom").exception();
      assert.ok(error instanceof RangeError);
      assert.equal(error.message, "boom");
      assert.ok(error.cause instanceof TypeError);
    }
  },
);

redisTest(
  "tasks that take time never share a pool worker's message",
  async () => {
    await using c = await Cluster.start({ concurrency: 4 });
    await c.ex.submit(tasks.poolWorkerAfter, 30).result(); // timed: not short
    const futures = [0, 1, 2, 3].map(() =>
      c.ex.submit(tasks.poolWorkerAfter, 150)
    );
    await until(
      () => futures.every((f) => f.running()),
      10_000,
      "four claims",
    );
    const ids = await Promise.all(futures.map((f) => f.result()));
    assert.equal(new Set(ids).size, 4);
  },
);
