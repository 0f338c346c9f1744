// Copyright 2026 the @concurrent/futures authors. MIT license.
// Faults, against a real redis-server: a worker killed mid-job, Redis
// restarted, the executor's process restarted, a Redis that is not there.
import assert from "node:assert/strict";
import {
  BrokenExecutorError,
  type Future,
  WorkerCrashedError,
} from "@concurrent/futures";
import { Queue } from "bullmq";
import { BullMQExecutor } from "../mod.ts";
import { raw } from "../_raw_redis.ts";
import { Cluster, redisTest, tasks, until } from "./_cluster.ts";
import { RedisServer } from "./_redis.ts";
import { workerFlags, WorkerProcess } from "./_worker_process.ts";

/** Counts how often each future settles. */
function countSettles(futures: Future<unknown>[]): number[] {
  const counts = futures.map(() => 0);
  futures.forEach((f, i) => f.addDoneCallback(() => counts[i]++));
  return counts;
}

redisTest(
  "a worker killed with SIGKILL mid-job: another worker runs its jobs, each future settles once",
  async () => {
    await using redis = await RedisServer.start();
    const queue = "killed";
    await using ex = new BullMQExecutor({
      queue,
      connection: redis.url,
      lockDuration: 1000,
      stalledInterval: 300,
    });
    await ex.ready;
    const flags = workerFlags(queue, redis.url, 2);
    await using doomed = await WorkerProcess.start(flags);
    assert.match(doomed.output, /lock 1000 ms, stalled check every 300 ms/);
    const futures = Array.from(
      { length: 4 },
      () => ex.submit(tasks.slowPid, 300),
    );
    const settles = countSettles(futures);
    await until(
      () => futures.filter((f) => f.running()).length === 2,
      10_000,
      "two claims",
    );
    assert.notEqual((await doomed.stop("SIGKILL")).code, 0);
    await using survivor = await WorkerProcess.start(flags);
    const pids = await Promise.all(futures.map((f) => f.result(20_000)));
    assert.deepEqual(pids, futures.map(() => survivor.process.pid));
    assert.deepEqual(settles, [1, 1, 1, 1]);
    assert.equal(ex.stats.completed, 4);
    assert.equal(ex.stats.failed, 0);
  },
);

redisTest(
  "a job whose workers keep dying fails with WorkerCrashedError",
  async () => {
    await using redis = await RedisServer.start();
    const queue = "cursed";
    await using ex = new BullMQExecutor({
      queue,
      connection: redis.url,
      lockDuration: 500,
      stalledInterval: 200,
    });
    await ex.ready;
    const flags = workerFlags(queue, redis.url, 1);
    const future = ex.submit(tasks.slowPid, 60_000);
    const id = ex.jobId(future)!;
    const probe = new Queue(queue, { connection: { port: redis.port } });
    try {
      // BullMQ moves a stalled job back once (maxStalledCount 1), then
      // fails it: the second death is the last.
      for (let claims = 1; claims <= 2; claims++) {
        await using worker = await WorkerProcess.start(flags);
        await until(
          async () => (await probe.getJob(id))?.attemptsStarted === claims,
          10_000,
          `claim ${claims}`,
        );
        await worker.stop("SIGKILL");
      }
    } finally {
      await probe.close();
    }
    // The stalled check of a live worker gives up on the job.
    await using _checker = await WorkerProcess.start(flags);
    const error = await future.exception(20_000);
    assert.ok(error instanceof WorkerCrashedError, String(error));
    assert.match((error as Error).message, /stalled/);
  },
);

redisTest(
  "Redis restarted: pending futures settle, nothing lost, no result twice",
  async () => {
    await using c = await Cluster.start({ concurrency: 4 });
    const futures = Array.from(
      { length: 24 },
      (_, i) => c.ex.submit(tasks.echoAfter, i, 40),
    );
    const settles = countSettles(futures);
    await until(() => futures.some((f) => f.done()), 10_000, "a first result");
    await c.redis.restart(100);
    const later = c.ex.submit(tasks.add, 20, 22);
    const results = await Promise.all(futures.map((f) => f.result(20_000)));
    assert.deepEqual(results, futures.map((_, i) => i));
    assert.equal(await later.result(20_000), 42);
    assert.deepEqual(settles, futures.map(() => 1));
    assert.equal(c.ex.stats.completed, 25);
  },
);

redisTest(
  "a job submitted while Redis is down is sent once it is back",
  async () => {
    await using c = await Cluster.start();
    await c.redis.kill();
    const future = c.ex.submit(tasks.add, 1, 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(future.done(), false);
    await c.redis.restart();
    assert.equal(await future.result(20_000), 3);
  },
);

redisTest(
  "the executor's process restarted: its jobs still run, and their results wait in Redis",
  async () => {
    await using c = await Cluster.start({ workers: 0 });
    const script = new URL("./fixtures/submit_and_wait.ts", import.meta.url);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script.href, c.redis.url, c.queue, "3"],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    let ids: string[] = [];
    let output = "";
    for await (
      const chunk of child.stdout.pipeThrough(new TextDecoderStream())
    ) {
      output += chunk;
      if (output.includes("\n")) {
        ids = JSON.parse(output.split("\n")[0]);
        child.kill("SIGKILL");
        break;
      }
    }
    await child.status;
    assert.equal(ids.length, 3);
    // Nobody waits for these jobs now; a worker runs them anyway.
    await c.addWorker();
    const futures = ids.map((id) => c.ex.attach(id));
    assert.deepEqual(
      await Promise.all(futures.map((f) => f.result(20_000))),
      ["result 0", "result 1", "result 2"],
    );
  },
);

redisTest(
  "an unreachable Redis fails the executor within connectTimeout",
  async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    listener.close(); // nothing listens there now
    const ex = new BullMQExecutor({
      queue: "nowhere",
      connection: `redis://127.0.0.1:${port}`,
      connectTimeout: 300,
    });
    const early = ex.submit(tasks.add, 1, 2);
    const error = await ex.ready.catch((e) => e);
    assert.ok(error instanceof BrokenExecutorError);
    assert.match(
      error.message,
      new RegExp(`127\\.0\\.0\\.1:${port} within 300 ms`),
    );
    assert.match(error.message, /ECONNREFUSED/);
    assert.equal(await early.exception(), error);
    assert.equal(await ex.submit(tasks.add, 1, 2).exception(), error);
    await ex.shutdown();
  },
);

redisTest("bad options fail the constructor at once", () => {
  const connection = "redis://127.0.0.1:6379";
  assert.throws(
    () => new BullMQExecutor({ queue: "a:b", connection }),
    TypeError,
  );
  assert.throws(
    () => new BullMQExecutor({ queue: "q", connection: "http://host" }),
    /redis:\/\/ or rediss:\/\//,
  );
  assert.throws(
    () => new BullMQExecutor({ queue: "q", connection: "not a url" }),
    TypeError,
  );
  assert.throws(
    () =>
      new BullMQExecutor({ queue: "q", connection: { host: "h", port: 0 } }),
    TypeError,
  );
  assert.throws(
    () => new BullMQExecutor({ queue: "q", connection, lockDuration: -1 }),
    RangeError,
  );
  assert.throws(
    () => new BullMQExecutor({ queue: "q", connection, stalledInterval: 0 }),
    RangeError,
  );
  return Promise.resolve();
});

redisTest(
  "shutdown ends a start that waits for Redis without a deadline",
  async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    listener.close(); // nothing listens there now
    const ex = new BullMQExecutor({
      queue: "nowhere",
      connection: `redis://127.0.0.1:${port}`,
      connectTimeout: Infinity,
    });
    const future = ex.submit(tasks.add, 1, 2);
    const hang = Promise.withResolvers<string>();
    const timer = setTimeout(() => hang.resolve("hung"), 5000);
    const outcome = await Promise.race([
      ex.shutdown({ cancelFutures: true }).then(() => "closed"),
      hang.promise,
    ]);
    clearTimeout(timer);
    assert.equal(outcome, "closed");
    assert.ok(future.cancelled());
    const error = await ex.ready.catch((e) => e);
    assert.ok(error instanceof BrokenExecutorError);
    assert.match(error.message, /shut down while connecting/);
  },
);

redisTest("attach refuses an id with ':', which names no job", async () => {
  await using redis = await RedisServer.start();
  await using ex = new BullMQExecutor({
    queue: "q",
    connection: redis.url,
  });
  await ex.ready;
  // Its cancel() would remove the executor's settings hash.
  assert.throws(() => ex.attach("futures:settings"), TypeError);
  assert.throws(() => ex.attach(""), TypeError);
});

redisTest(
  "Redis restarted during a burst of 5,000 submits: every future gets its real result, no task runs twice",
  async () => {
    const markers = await Deno.makeTempDir({ prefix: "bullmq-burst-" });
    try {
      await using c = await Cluster.start({ workers: 2, concurrency: 4 });
      const submit = (from: number) =>
        Array.from(
          { length: 2500 },
          (_, i) => c.ex.submit(tasks.mark, markers, String(from + i)),
        );
      // The first half is added and running; Redis holds the add of the
      // second half (writes paused) when it is killed, so that add is under
      // way, as in a burst that meets a restart.
      const first = submit(0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const admin = new Queue(c.queue, { connection: { port: c.redis.port } });
      await raw(await admin.client).call("CLIENT", "PAUSE", "10000", "WRITE");
      await admin.disconnect();
      const futures = [...first, ...submit(2500)];
      const settles = countSettles(futures);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await c.redis.restart(1500);
      const outcomes = await Promise.allSettled(
        futures.map((f) => f.result(60_000)),
      );
      const failed = outcomes.flatMap((o, i) =>
        o.status === "rejected" ? [`${i}: ${o.reason}`] : []
      );
      assert.deepEqual(failed.slice(0, 5), []);
      assert.deepEqual(
        outcomes.map((o) => (o as PromiseFulfilledResult<string>).value),
        futures.map((_, i) => String(i)),
      );
      assert.deepEqual(settles, futures.map(() => 1));
      // Each task made its marker once (a second run would have failed).
      assert.equal(
        (await Array.fromAsync(Deno.readDir(markers))).length,
        5000,
      );
      assert.equal(c.ex.stats.completed, 5000);
      assert.equal(c.ex.stats.failed, 0);
    } finally {
      await Deno.remove(markers, { recursive: true });
    }
  },
);

redisTest(
  "Redis gone for longer than connectTimeout: pending futures fail with BrokenExecutorError",
  async () => {
    await using c = await Cluster.start({
      workers: 0,
      executor: { connectTimeout: 500 },
    });
    const waiting = c.ex.submit(tasks.add, 2, 2);
    await new Promise((resolve) => setTimeout(resolve, 100)); // in Redis
    await c.redis.kill();
    const started = performance.now();
    const error = await waiting.exception(10_000);
    assert.ok(error instanceof BrokenExecutorError, String(error));
    assert.match((error as Error).message, /lost Redis for more than 500 ms/);
    assert.ok(performance.now() - started < 5000);
    assert.ok(
      await c.ex.submit(tasks.add, 1, 1).exception() instanceof
        BrokenExecutorError,
    );
  },
);
