// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import {
  CancelledError,
  TimeoutError,
  WorkerCrashedError,
  WorkerPoolExecutor,
  type WorkerPoolExecutorOptions,
} from "../mod.ts";
import { forEachPool } from "./_util/pools.ts";
import { PACING } from "../executor/_pool/pacing.ts";

// An endless task, as far as the pool can tell. Deno 2.9.6 cannot stop a
// worker stuck in a synchronous loop, so the loop also watches STOP, which
// the last test of this file sets: no abandoned thread keeps spinning
// through the test files that run after this one.
const STOP = new SharedArrayBuffer(4);
// A child process is killed for real, so there it gets no flag.
const spin = (stop?: SharedArrayBuffer): void => {
  const flag = stop && new Int32Array(stop);
  while (flag === undefined || Atomics.load(flag, 0) === 0) Math.random();
};
const sleep = (ms: number, value?: unknown) =>
  new Promise((resolve) => setTimeout(() => resolve(value), ms));
const busyFor = (ms: number, value: unknown) => {
  const end = Date.now() + ms;
  while (Date.now() < end) Math.random();
  return value;
};
const flag = (name: string) => {
  (globalThis as Record<string, unknown>)[name] = true;
  return name;
};
const readFlag = (name: string) =>
  (globalThis as Record<string, unknown>)[name] === true;

forEachPool(({ name, Pool, kills }) => {
  const stop: [] | [SharedArrayBuffer] = kills ? [] : [STOP];
  Deno.test(`${name}: a task in an endless loop is stopped by its timeout`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const future = ex.run(spin, stop, { timeout: 50 });
    assert.equal(future.running(), true);
    const error = await future.exception();
    assert.ok(error instanceof TimeoutError);
    assert.match((error as Error).message, /did not finish within 50 ms/);
    assert.equal(await ex.submit(() => "next").result(), "next");
    assert.deepEqual(
      { completed: ex.stats.completed, failed: ex.stats.failed },
      { completed: 2, failed: 1 },
    );
  });

  Deno.test(`${name}: a task in an endless loop is stopped by its signal`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const controller = new AbortController();
    const future = ex.run(spin, stop, { signal: controller.signal });
    await sleep(20);
    assert.equal(future.running(), true);
    controller.abort();
    assert.equal(future.cancelled(), true);
    await assert.rejects(future.result(), CancelledError);
    assert.equal(await ex.submit(() => "next").result(), "next");
  });

  Deno.test(`${name}: an already aborted signal cancels at once; a deadline can expire in the queue`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const future = ex.run(() => 1, [], { signal: AbortSignal.abort() });
    assert.equal(future.cancelled(), true);
    const blocker = ex.submit(sleep, 40);
    const held = ex.submit(sleep, 1); // queued on the worker
    // In the pool; a deadline from the call (a timeout counts running time).
    const waiting = ex.run(flag, ["expired"], {
      signal: AbortSignal.timeout(10),
    });
    await assert.rejects(waiting.result(), CancelledError);
    await blocker.result();
    await held.result();
    assert.equal(await ex.submit(readFlag, "expired").result(), false);
  });

  Deno.test(`${name}: aborting a running task moves the task its worker held to another worker`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const controller = new AbortController();
    const running = ex.run(spin, stop, { signal: controller.signal });
    const bystander = ex.submit((x: number) => x * 2, 21);
    assert.equal(ex.stats.queued, 1); // held by the one worker
    await sleep(10);
    controller.abort();
    assert.equal(running.cancelled(), true);
    assert.equal(await bystander.result(), 42);
    assert.equal(ex.stats.failed, 0);
  });

  Deno.test(`${name}: one worker: submit 1, 2, 3; abort the queued 2, then the running 1: 3 runs`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const c1 = new AbortController();
    const c2 = new AbortController();
    const one = ex.run(spin, stop, { signal: c1.signal });
    const two = ex.run(flag, ["two ran"], { signal: c2.signal });
    const three = ex.submit(() => "three");
    await sleep(10);
    c2.abort();
    assert.equal(two.cancelled(), true);
    c1.abort();
    assert.equal(one.cancelled(), true);
    assert.equal(await three.result(), "three");
    assert.equal(await ex.submit(readFlag, "two ran").result(), false);
  });

  Deno.test(`${name}: one worker: abort the running 1, then the re-queued 2: 3 runs`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const c1 = new AbortController();
    const c2 = new AbortController();
    const one = ex.run(spin, stop, { signal: c1.signal });
    const two = ex.run(spin, stop, { signal: c2.signal });
    const three = ex.submit(() => "three");
    await sleep(10);
    c1.abort(); // two moves to a fresh worker and starts spinning
    await sleep(10);
    assert.equal(two.running(), true);
    c2.abort();
    assert.equal(one.cancelled(), true);
    assert.equal(two.cancelled(), true);
    assert.equal(await three.result(), "three");
  });

  Deno.test(`${name}: cancel() of a task a worker holds queued means it never starts`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    // Sync work: the held task's message is already in the worker's inbox.
    const first = ex.submit(busyFor, 30, "first");
    const second = ex.submit(flag, "second ran");
    assert.equal(ex.stats.queued, 1);
    assert.equal(first.cancel(), false);
    assert.equal(second.cancel(), true);
    assert.equal(ex.stats.queued, 0);
    const third = ex.submit(readFlag, "second ran");
    assert.equal(await first.result(), "first");
    await assert.rejects(second.result(), CancelledError);
    assert.equal(await third.result(), false); // same worker, flag never set
    assert.equal(ex.stats.workers, 1);
  });

  Deno.test(`${name}: an error thrown in a setTimeout crashes the worker, not the pool`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const crashing = ex.submit(() => {
      setTimeout(() => {
        throw new TypeError("late");
      }, 1);
      return new Promise(() => {});
    });
    const held = ex.submit((x: number) => x + 1, 1); // moves to a new worker
    const error = await crashing.exception();
    assert.ok(error instanceof WorkerCrashedError);
    assert.match((error as Error).message, /an uncaught error/);
    assert.ok((error as Error).cause instanceof TypeError);
    assert.equal(((error as Error).cause as Error).message, "late");
    assert.equal(await held.result(), 2);
    assert.equal(await ex.submit(() => "served").result(), "served");
  });

  Deno.test(`${name}: an unhandled rejection crashes the worker, not the pool`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const error = await ex.submit(() => {
      Promise.reject(new RangeError("nobody caught me"));
      return new Promise(() => {});
    }).exception();
    assert.ok(error instanceof WorkerCrashedError);
    assert.equal(((error as Error).cause as Error).message, "nobody caught me");
    assert.equal(await ex.submit(() => 5).result(), 5);
  });

  Deno.test(`${name}: shutdown({ wait: false }) returns at once; terminateWorkers() ends a stuck task`, async () => {
    const ex = new Pool({ maxWorkers: 1 });
    const stuck = ex.submit(spin, ...stop);
    const held = ex.submit(() => 1);
    const pooled = ex.submit(() => 2);
    await sleep(10);
    const start = performance.now();
    await ex.shutdown({ wait: false });
    assert.ok(performance.now() - start < 100);
    assert.equal(stuck.running(), true);
    ex.terminateWorkers();
    const error = await stuck.exception();
    assert.ok(performance.now() - start < 1000);
    assert.ok(error instanceof WorkerCrashedError);
    assert.match((error as Error).message, /terminateWorkers/);
    assert.equal(held.cancelled(), true);
    assert.equal(pooled.cancelled(), true);
    assert.equal(ex.stats.workers, 0);
  });

  Deno.test(`${name}: shutdown({ cancelFutures: true }) with a queue of 100 tasks`, async () => {
    const ex = new Pool({ maxWorkers: 2 });
    const futures = Array.from(
      { length: 100 },
      (_, i) => ex.submit(busyFor, 5, i),
    );
    await ex.shutdown({ cancelFutures: true });
    const finished = futures.filter((f) => f.state === "finished");
    const cancelled = futures.filter((f) => f.cancelled());
    assert.equal(finished.length + cancelled.length, 100);
    assert.ok(
      finished.length >= 2 && finished.length <= 4,
      `${finished.length}`,
    );
    assert.ok(cancelled.length >= 96);
    // Those that ran are the first ones, with their results.
    finished.forEach((f, i) => assert.equal(f.resultNow(), i));
    assert.equal(ex.stats.workers, 0);
  });

  Deno.test(`${name}: shutdown waits for running and queued work`, async () => {
    const ex = new Pool({ maxWorkers: 2 });
    const futures = [1, 2, 3, 4, 5].map((i) => ex.submit(sleep, 5, i));
    await ex.shutdown();
    assert.deepEqual(futures.map((f) => f.resultNow()), [1, 2, 3, 4, 5]);
    assert.equal(ex.stats.workers, 0);
  });
});

// The races below are made deterministic with shared memory: the second
// task tells the main thread that it has started, while the main thread,
// spinning, has not yet read the first task's result.
const startedThenWait = (flags: Int32Array, value: string) => {
  Atomics.store(flags, 0, 1);
  Atomics.notify(flags, 0);
  Atomics.wait(flags, 1, 0, 5000); // until the main thread lets it go
  return value;
};
function waitUntilStarted(flags: Int32Array): void {
  const end = Date.now() + 5000;
  while (Atomics.load(flags, 0) === 0 && Date.now() < end) {
    // spin: the main thread must not read messages meanwhile
  }
  assert.equal(Atomics.load(flags, 0), 1, "the second task never started");
}
function release(flags: Int32Array): void {
  Atomics.store(flags, 1, 1);
  Atomics.notify(flags, 1);
}
/**
 * Submits tasks while the one worker of a warm pool is held busy, so that
 * they reach it together, in one batch, when it is let go.
 */
async function inOneBatch<T>(
  ex: WorkerPoolExecutor,
  submit: () => T,
): Promise<T> {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const held = ex.submit((g: Int32Array) => {
    Atomics.wait(g, 0, 0, 5000);
  }, gate);
  const submitted = submit();
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  await held.result();
  return submitted;
}

/** A pool of one worker where short tasks always travel together. */
function batchingPool(): WorkerPoolExecutor {
  // However loaded the machine: every task is taken to last 1 µs.
  return new WorkerPoolExecutor({
    maxWorkers: 1,
    [PACING]: { assumeMs: 0.001 },
  } as WorkerPoolExecutorOptions);
}

Deno.test("a worker that calls self.close() fails only its task", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  const error = await ex.submit(() => {
    globalThis.close(); // a task does not see the worker's self
    return new Promise(() => {});
  }).exception();
  assert.ok(error instanceof WorkerCrashedError);
  assert.match((error as Error).message, /self\.close\(\)/);
  assert.equal(await ex.submit(() => "served").result(), "served");
  assert.equal(ex.stats.workers, 1);
});

Deno.test("cancel() of a batched task the worker has already started returns false", async () => {
  await using ex = batchingPool();
  await ex.submit(() => 0).result(); // the worker is up
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const [first, second] = await inOneBatch(ex, () => [
    ex.submit(() => "first"),
    ex.submit(startedThenWait, flags, "second"),
  ]);
  waitUntilStarted(flags);
  assert.equal(second.cancel(), false);
  assert.equal(second.running(), true);
  release(flags);
  assert.equal(await first.result(), "first");
  assert.equal(await second.result(), "second");
});

Deno.test("aborting a task that already ended on its worker spares the next one", async () => {
  await using ex = batchingPool();
  const id = await ex.submit(workerIdentity).result();
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const controller = new AbortController();
  const [first, second] = await inOneBatch(ex, () => [
    ex.run(() => "first", [], { signal: controller.signal }),
    ex.submit(startedThenWait, flags, "second"),
  ]);
  waitUntilStarted(flags);
  controller.abort(); // the first one's result is on its way: dropped
  assert.equal(first.cancelled(), true);
  assert.equal(second.running(), false); // the pool has not heard yet
  release(flags);
  assert.equal(await second.result(), "second");
  assert.equal(await ex.submit(workerIdentity).result(), id); // same worker
});

Deno.test("aborting a batched task that already started ends its worker after the task before it", async () => {
  await using ex = batchingPool();
  const id = await ex.submit(workerIdentity).result();
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const controller = new AbortController();
  const [first, second] = await inOneBatch(ex, () => [
    ex.submit(() => "first"),
    ex.run(startedThenWait, [flags, "second"], { signal: controller.signal }),
  ]);
  waitUntilStarted(flags);
  controller.abort();
  assert.equal(second.cancelled(), true);
  assert.equal(await first.result(), "first"); // its result still arrives
  assert.notEqual(await ex.submit(workerIdentity).result(), id); // replaced
  release(flags);
});

function workerIdentity(): string {
  const scope = globalThis as { workerId?: string };
  return scope.workerId ??= crypto.randomUUID();
}

Deno.test("an endless task ends once STOP is set, freeing the threads above", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  const endless = ex.submit(spin, STOP);
  await sleep(20);
  assert.equal(endless.running(), true);
  Atomics.store(new Int32Array(STOP), 0, 1);
  assert.equal(await endless.result(5000), undefined);
});
