// Copyright 2026 the @concurrent/futures authors. MIT license.
// Stopping a task that shares its worker with others: one running behind
// tasks whose results are held back, one whose worker is killed with tasks
// queued behind it, terminateWorkers() on such a worker.
import assert from "node:assert/strict";
import {
  type TaskContext,
  TimeoutError,
  WorkerCrashedError,
  WorkerPoolExecutor,
} from "../mod.ts";
import { forEachPool } from "./_util/pools.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Without `shared`, returns at once (so the pool learns it is short).
 * With it, a CPU loop that only `throwIfCancelled()` ends (or the test, by
 * `shared[1]`); `shared[0]` is set once it runs, `shared[2]` once it left.
 */
function loop(this: TaskContext, shared: SharedArrayBuffer | null): string {
  if (shared === null) return "short";
  const words = new Int32Array(shared);
  Atomics.store(words, 0, 1);
  try {
    for (;;) {
      for (let j = 0; j < 200; j++) Math.sqrt(j);
      if (Atomics.load(words, 1) !== 0) return "released by the test";
      this.throwIfCancelled();
    }
  } finally {
    Atomics.store(words, 2, 1);
  }
}

/** Keeps its worker busy for `ms`, so that what follows is batched. */
function block(ms: number): number {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy
  }
  return ms;
}

/** Polls `word` of `shared` until it is set, for up to about two seconds. */
async function waitFor(shared: SharedArrayBuffer, word: number) {
  const words = new Int32Array(shared);
  for (let i = 0; i < 200 && Atomics.load(words, word) === 0; i++) {
    await sleep(10);
  }
  return Atomics.load(words, word) !== 0;
}

/**
 * Ships short `loop` tasks and then `last` to one worker in one batch,
 * behind a task that keeps it busy: the worker may hold the results of the
 * short ones while `last` runs.
 */
async function batchBehind(
  ex: WorkerPoolExecutor,
  last: () => ReturnType<WorkerPoolExecutor["run"]>,
) {
  for (let i = 0; i < 50; i++) await ex.submit(loop, null).result();
  const busy = ex.submit(block, 30);
  const short = Array.from({ length: 20 }, () => ex.submit(loop, null));
  const future = last();
  return { busy, short, future };
}

Deno.test("WorkerPoolExecutor: a CPU loop that times out behind short tasks of its batch stops on time", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  const shared = new SharedArrayBuffer(12);
  try {
    const { busy, short, future } = await batchBehind(
      ex,
      () => ex.run(loop, [shared], { timeout: 50, grace: 5000 }),
    );
    assert.ok(await future.exception() instanceof TimeoutError);
    assert.equal(await waitFor(shared, 2), true, "the loop never saw its stop");
    assert.equal(await busy.result(), 30);
    for (const f of short) assert.equal(await f.result(), "short");
    assert.equal(await ex.submit(() => "next").result(), "next");
  } finally {
    Atomics.store(new Int32Array(shared), 1, 1);
  }
});

Deno.test("WorkerPoolExecutor: terminateWorkers() stops a CPU loop running behind held results", async () => {
  const ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  const shared = new SharedArrayBuffer(12);
  try {
    const { busy, short, future } = await batchBehind(
      ex,
      () => ex.run(loop, [shared], {}),
    );
    assert.equal(await waitFor(shared, 0), true, "the loop never started");
    ex.terminateWorkers();
    assert.ok(await future.exception() instanceof WorkerCrashedError);
    assert.equal(await waitFor(shared, 2), true, "the loop runs on");
    await Promise.allSettled([busy.result(), ...short.map((f) => f.result())]);
  } finally {
    Atomics.store(new Int32Array(shared), 1, 1);
    await ex.shutdown();
  }
});

/**
 * Without `shared`, returns at once. With it, a CPU loop that ignores its
 * stop; only the test ends it, by `shared[1]`.
 */
function deaf(shared: SharedArrayBuffer | null): string {
  if (shared === null) return "short";
  const words = new Int32Array(shared);
  Atomics.store(words, 0, 1);
  while (Atomics.load(words, 1) === 0) {
    for (let j = 0; j < 200; j++) Math.sqrt(j);
  }
  return "released by the test";
}

Deno.test("WorkerPoolExecutor: the results before a task that may be stopped are sent before it starts", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  const shared = new SharedArrayBuffer(12);
  try {
    // `deaf` is known to be short too: a worker would hold results for it.
    for (let i = 0; i < 50; i++) await ex.submit(deaf, null).result();
    const { busy, short, future } = await batchBehind(
      ex,
      () => ex.run(deaf, [shared], { timeout: 50, grace: 20 }),
    );
    assert.ok(await future.exception() instanceof TimeoutError);
    // Its worker is killed after grace; what ran before it succeeded.
    for (let i = 0; i < 200 && !short.every((f) => f.done()); i++) {
      await sleep(10);
    }
    assert.equal(short.every((f) => f.done()), true, "results held back");
    assert.equal(await busy.result(), 30);
    for (const f of short) assert.equal(await f.result(), "short");
    assert.equal(await ex.submit(() => "next").result(), "next");
  } finally {
    Atomics.store(new Int32Array(shared), 1, 1);
  }
});

/**
 * Without `shared`, returns at once. With it, says it started, keeps its
 * worker busy for `ms`, then waits 400 ms, deaf to its stop.
 */
function lingering(
  shared: SharedArrayBuffer | null,
  ms = 0,
): number | Promise<number> {
  if (shared === null) return 0;
  Atomics.store(new Int32Array(shared), 0, 1);
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy
  }
  return new Promise((resolve) => setTimeout(() => resolve(1), 400));
}

Deno.test("WorkerPoolExecutor: a task submitted while a stopped task has its grace runs, and is not lost with that worker", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  for (let i = 0; i < 50; i++) await ex.submit(lingering, null).result();
  const shared = new SharedArrayBuffer(4);
  const words = new Int32Array(shared);
  const busy = ex.submit(block, 30);
  const short = Array.from({ length: 20 }, () => ex.submit(lingering, null));
  const controller = new AbortController();
  const stopped = ex.run(lingering, [shared, 20], {
    signal: controller.signal,
    grace: 50,
  });
  await sleep(0); // the batch is on its way
  // Without a turn of the event loop, the pool has not heard the results
  // of the tasks ahead of it when it stops the task.
  const deadline = Date.now() + 2000;
  while (Atomics.load(words, 0) === 0 && Date.now() < deadline) {
    // waits for it to start
  }
  assert.equal(Atomics.load(words, 0), 1, "the task never started");
  controller.abort();
  const next = ex.submit(lingering, null);
  assert.equal(stopped.cancelled(), true);
  assert.equal(await next.result(), 0);
  assert.equal(await busy.result(), 30);
  for (const f of short) assert.equal(await f.result(), 0);
});

forEachPool(({ name, Pool }) => {
  Deno.test(`${name}: tasks submitted during a stopped task's grace run once its worker is gone`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const stopped = ex.run(
      () => new Promise((resolve) => setTimeout(resolve, 2000)),
      [],
      { timeout: 20, grace: 50 },
    );
    assert.ok(await stopped.exception() instanceof TimeoutError);
    const during = [1, 2, 3].map((n) => ex.submit((x: number) => x * 2, n));
    assert.deepEqual(
      await Promise.all(during.map((f) => f.result())),
      [2, 4, 6],
    );
  });
});
