// Copyright 2026 the @concurrent/futures authors. MIT license.
// No job takes down the fleet: payloads over maxPayloadBytes fail their own
// future, and a job that kills its worker process is tried maxCrashes + 1
// times.
import assert from "node:assert/strict";
import { WorkerCrashedError } from "@concurrent/futures";
import { BullMQExecutor } from "../mod.ts";
import { Cluster, redisTest, tasks } from "./_cluster.ts";
import { RedisServer } from "./_redis.ts";
import { workerFlags, WorkerProcess } from "./_worker_process.ts";

const MIB = 1024 * 1024;

redisTest(
  "a 200 MiB result fails its own future with a RangeError; the worker lives on",
  async () => {
    await using redis = await RedisServer.start();
    const queue = "big";
    await using ex = new BullMQExecutor({ queue, connection: redis.url });
    await ex.ready;
    await using worker = await WorkerProcess.start(
      workerFlags(queue, redis.url, 1),
    );
    const error = await ex.submit(tasks.repeat, 200 * MIB).exception(60_000);
    assert.ok(error instanceof RangeError, String(error));
    assert.match(
      (error as Error).message,
      new RegExp(
        `result is ${200 * MIB + 2} bytes, more than maxPayloadBytes \\(${
          64 * MIB
        } bytes\\)`,
      ),
    );
    // The same process takes the next job.
    assert.equal(await ex.submit(tasks.pid).result(), worker.process.pid);
    const info = await new Deno.Command("redis-cli", {
      args: ["-p", String(redis.port), "info", "memory"],
    }).output().catch(() => undefined);
    if (info?.success) {
      const used = Number(
        /used_memory:(\d+)/.exec(new TextDecoder().decode(info.stdout))?.[1],
      );
      assert.ok(used < 64 * MIB, `Redis holds ${used} bytes`);
    }
  },
);

redisTest(
  "maxPayloadBytes: arguments and results over it fail with both sizes, nothing large reaches Redis",
  async () => {
    await using c = await Cluster.start({
      executor: { maxPayloadBytes: 1000 },
    });
    assert.equal(c.workers[0].maxPayloadBytes, 1000); // read from Redis
    // An argument: at once, and the job is never added.
    const big = c.ex.submit(tasks.echoAfter, "x".repeat(2000), 0);
    const error = await big.exception() as Error;
    assert.ok(error instanceof RangeError);
    assert.match(
      error.message,
      /The task's arguments are 2006 bytes, more than maxPayloadBytes \(1000 bytes\)/,
    );
    const serialized = await c.ex.submit(
      tasks.echoAfter,
      new Uint8Array(2000),
      0,
    ).exception();
    assert.ok(serialized instanceof RangeError);
    await assert.rejects(
      Array.fromAsync(
        c.ex.map(tasks.square, Array(500).fill(1), { chunksize: 500 }),
      ),
      RangeError,
    );
    // Results, JSON or serialized, from each path on the worker.
    for (
      const future of [
        c.ex.submit(tasks.repeat, 5000),
        c.ex.submit(tasks.bytes, 5000),
        c.ex.submit(tasks.repeat, 5000),
      ]
    ) {
      const e = await future.exception() as Error;
      assert.ok(e instanceof RangeError, String(e));
      assert.match(
        e.message,
        /The task's result is \d+ bytes, more than maxPayloadBytes \(1000 bytes\)/,
      );
    }
    await assert.rejects(
      Array.fromAsync(c.ex.map(tasks.repeat, [600, 600], { chunksize: 2 })),
      /The task's result is 1207 bytes, more than maxPayloadBytes/,
    );
    // Exactly the limit is fine: 998 characters and two quotes.
    assert.equal(
      await c.ex.submit(tasks.repeat, 998).result(),
      "x".repeat(998),
    );
    await using queue = c.openQueue();
    const jobs = await queue.getJobs(["completed", "failed", "waiting"]);
    for (const job of jobs) {
      assert.ok(JSON.stringify(job.data).length < 1200);
      assert.ok(JSON.stringify(job.returnvalue ?? null).length < 1200);
    }
  },
);

redisTest(
  "a job that kills its worker process runs maxCrashes + 1 times, then fails with WorkerCrashedError",
  async () => {
    await using redis = await RedisServer.start();
    const runs = await Deno.makeTempDir({ prefix: "bullmq-runs-" });
    try {
      const queue = "deadly";
      await using ex = new BullMQExecutor({
        queue,
        connection: redis.url,
        lockDuration: 500,
        stalledInterval: 200,
        maxCrashes: 2,
      });
      await ex.ready;
      const future = ex.submit(tasks.killMyProcess, runs);
      // Each death is followed by a new worker, as a supervisor would.
      let deaths = 0;
      while (!future.done()) {
        const worker = await WorkerProcess.start(
          workerFlags(queue, redis.url, 1),
        );
        const exited = worker.process.status.then(() => "exited");
        const settled = future.exception(30_000).then(() => "settled");
        if (await Promise.race([exited, settled]) === "exited") deaths++;
        else await worker.stop("SIGTERM");
        assert.ok(deaths <= 3, "more runs than maxCrashes + 1");
      }
      const error = future.exceptionNow();
      assert.ok(error instanceof WorkerCrashedError, String(error));
      assert.equal(deaths, 3);
      assert.equal((await Array.fromAsync(Deno.readDir(runs))).length, 3);
    } finally {
      await Deno.remove(runs, { recursive: true });
    }
  },
);
