// Copyright 2026 the @concurrent/futures authors. MIT license.
// The worker program: its command line, SIGTERM, and its local pool kinds.
import assert from "node:assert/strict";
import { BullMQExecutor } from "../mod.ts";
import { redisTest, sleep, tasks, until } from "./_cluster.ts";
import { HAS_REDIS, RedisServer } from "./_redis.ts";
import {
  FIXTURE_TASKS,
  runWorker,
  text,
  workerFlags,
  WorkerProcess,
} from "./_worker_process.ts";

Deno.test("worker --help: usage, importable task URLs, why --allow-source", async () => {
  const { code, stdout } = await runWorker(["--help"]);
  assert.equal(code, 0);
  const usage = text(stdout).replace(/\s+/g, " ");
  assert.match(usage, /--queue <name>/);
  assert.match(usage, /--redis <url>/);
  assert.match(usage, /--concurrency <n>/);
  assert.match(usage, /--pool worker\|process\|async/);
  assert.match(usage, /--tasks <module>/);
  assert.match(usage, /repeat it for more modules/);
  assert.match(usage, /same URL as the submitting program/);
  assert.match(usage, /--allow-source/);
  assert.match(usage, /run any code on this machine/);
  assert.match(usage, /SIGTERM/);
});

Deno.test("worker: bad flags exit with 2 and the usage", async () => {
  for (
    const args of [
      ["--queue", "q"],
      ["--queue", "q", "--redis", "redis://127.0.0.1:1", "--bogus"],
      ["--queue", "q", "--redis", "redis://127.0.0.1:1", "--concurrency", "0"],
      ["--queue", "q", "--redis", "http://x"],
      ["--queue", "q", "--redis", "redis://127.0.0.1:1", "--pool", "thread"],
    ]
  ) {
    const { code, stderr } = await runWorker(args);
    assert.equal(code, 2, args.join(" "));
    assert.ok(text(stderr).length > 0);
  }
});

if (HAS_REDIS) {
  Deno.test("worker: an unreachable Redis exits with 1 and says so", async () => {
    const { code, stderr } = await runWorker([
      "--queue",
      "q",
      "--redis",
      "redis://127.0.0.1:1",
      "--tasks",
      FIXTURE_TASKS.href,
      "--connect-timeout",
      "200",
    ]);
    assert.equal(code, 1);
    assert.match(
      text(stderr),
      /Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 within 200 ms/,
    );
  });
}

redisTest(
  "worker SIGTERM: takes no new job, finishes the running one, exits 0",
  async () => {
    await using redis = await RedisServer.start();
    const queue = "term";
    await using ex = new BullMQExecutor({ queue, connection: redis.url });
    const flags = workerFlags(queue, redis.url, 1);
    await using worker = await WorkerProcess.start(flags);
    const running = ex.submit(tasks.slowPid, 400);
    await until(() => running.running(), 10_000, "the claim");
    worker.process.kill("SIGTERM");
    await until(() => worker.output.includes("finishing"), 10_000, "SIGTERM");
    const later = ex.submit(tasks.pid);
    const status = await worker.process.status;
    assert.equal(status.code, 0);
    assert.equal(await running.result(), worker.process.pid);
    await sleep(50);
    assert.equal(later.running(), false);
    await using next = await WorkerProcess.start(flags);
    assert.equal(await later.result(10_000), next.process.pid);
  },
);

redisTest("worker --pool process and --allow-source", async () => {
  await using redis = await RedisServer.start();
  const queue = "pools";
  await using ex = new BullMQExecutor({ queue, connection: redis.url });
  await using worker = await WorkerProcess.start([
    ...workerFlags(queue, redis.url, 2),
    "--pool",
    "process",
    "--allow-source",
  ]);
  assert.match(worker.output, /\(process pool\)/);
  assert.equal(await ex.submit(tasks.add, 2, 2).result(), 4);
  assert.equal(
    await ex.submit((s: string) => s.toUpperCase(), "ok").result(),
    "OK",
  );
});
