// Copyright 2026 the @concurrent/futures authors. MIT license.
// Stopping a running task on both worker pools: `this.throwIfCancelled()`
// in a CPU loop, `grace` (the worker kept when the task ends in time,
// killed when it does not), and the tasks queued behind a stopped one.
import assert from "node:assert/strict";
import {
  CancelledError,
  moduleTask,
  ProcessPoolExecutor,
  type TaskContext,
  TimeoutError,
  WorkerCrashedError,
  WorkerPoolExecutor,
} from "../mod.ts";
import { forEachPool } from "./_util/pools.ts";

const slowModule = new URL("./fixtures/slow_module.ts", import.meta.url);
type SlowModule = typeof import("./fixtures/slow_module.ts");
import { cpuTicks } from "./_util/cpu.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Names the worker (or process) it runs in, the same for its lifetime. */
const whoAmI = () =>
  (globalThis as Record<string, unknown>).whoAmI ??= crypto.randomUUID();

/**
 * A CPU loop that only `throwIfCancelled()` ends. It reports its process
 * id, then counts its rounds in `shared[0]` (on a Worker) and yields every
 * `yieldEvery` rounds (a Worker's loop never does). `shared[1]` set by the
 * test ends it, so that no thread spins on if the test fails.
 */
async function crunch(
  this: TaskContext,
  shared: SharedArrayBuffer | null,
  yieldEvery: number,
): Promise<string> {
  const words = shared && new Int32Array(shared);
  this.progress(Deno.pid);
  for (let i = 1;; i++) {
    for (let j = 0; j < 200; j++) Math.sqrt(j);
    if (words !== null) {
      Atomics.add(words, 0, 1);
      if (Atomics.load(words, 1) !== 0) return "released by the test";
    }
    this.throwIfCancelled();
    if (i % yieldEvery === 0) {
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
}

/** Its argument and `whoAmI()`, self-contained. */
const tagged = (i: number) => [
  i,
  (globalThis as Record<string, unknown>).whoAmI ??= crypto.randomUUID(),
];

/** An async task that ignores its signal. */
const ignoreStop = (ms: number) =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two readings of `probe`, `ms` apart. A loop that was stopped may still
 * finish the round it was in between the stop and the first reading: one
 * more count.
 */
async function settled(probe: () => number | undefined, ms: number) {
  const first = probe();
  await sleep(ms);
  return [first, probe()];
}

forEachPool(({ name, Pool, sharesMemory }) => {
  /** The arguments of `crunch` for this pool, and how to read its work. */
  function crunchArgs(): {
    args: [SharedArrayBuffer | null, number];
    work: (pid: number) => number | undefined;
    release: () => void;
  } {
    if (!sharesMemory) {
      // A child's loop must yield to see the stop message; its work is
      // its CPU time.
      return { args: [null, 200], work: cpuTicks, release: () => {} };
    }
    const shared = new SharedArrayBuffer(8);
    const words = new Int32Array(shared);
    return {
      args: [shared, Infinity],
      work: () => Atomics.load(words, 0),
      release: () => Atomics.store(words, 1, 1),
    };
  }

  Deno.test(`${name}: a CPU loop with throwIfCancelled() stops on its timeout, frees its core and keeps its worker`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const { args, work, release } = crunchArgs();
    try {
      const before = await ex.submit(whoAmI).result();
      let pid = 0;
      const future = ex.run(crunch, args, {
        timeout: 150,
        grace: 5000,
        onProgress: (value) => pid = value as number,
      });
      const error = await future.exception();
      assert.ok(error instanceof TimeoutError);
      assert.ok(pid > 0, "the task ran");
      assert.ok((work(pid) ?? 0) > 0, "the loop did work");
      // The same worker serves the next task: the loop ended within grace.
      assert.equal(await ex.submit(whoAmI).result(), before);
      const [a, b] = await settled(() => work(pid), 100);
      if (sharesMemory) {
        assert.ok(b! - a! <= 1, `the loop still runs: ${a} -> ${b}`);
      } else {assert.ok(
          b! - a! <= 1,
          `the process still burns CPU: ${a} -> ${b}`,
        );}
    } finally {
      release();
    }
  });

  Deno.test(`${name}: a task that ignores the stop is killed after grace; a fresh worker takes over`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const before = await ex.submit(whoAmI).result();
    const future = ex.run(ignoreStop, [10_000], { timeout: 20, grace: 30 });
    await assert.rejects(future.result(), TimeoutError);
    // It waits for the worker, which goes once the grace is over.
    const after = await ex.submit(whoAmI).result();
    assert.notEqual(after, before);
    assert.equal(ex.stats.workers, 1);
  });

  Deno.test(`${name}: the future settles at once; tasks queued behind a stopped task still run`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const { args, release } = crunchArgs();
    try {
      const worker = await ex.submit(whoAmI).result();
      const controller = new AbortController();
      const head = ex.run(crunch, args, {
        signal: controller.signal,
        grace: 5000,
      });
      const behind = Array.from(
        { length: 5 },
        (_, i) => ex.submit(tagged, i),
      );
      await sleep(30);
      controller.abort();
      assert.equal(head.cancelled(), true);
      await assert.rejects(head.result(), CancelledError);
      for (const [i, future] of behind.entries()) {
        assert.deepEqual(await future.result(), [i, worker]);
      }
      // Behind one that ignores its stop: they run on the next worker.
      const stuck = ex.run(ignoreStop, [10_000], { timeout: 20, grace: 20 });
      const later = Array.from(
        { length: 5 },
        (_, i) => ex.submit(tagged, i),
      );
      await assert.rejects(stuck.result(), TimeoutError);
      const results = [];
      for (const future of later) results.push(await future.result());
      assert.deepEqual(results.map(([i]) => i), [0, 1, 2, 3, 4]);
      assert.notEqual(results[0][1], worker);
    } finally {
      release();
    }
  });
});

Deno.test("WorkerPoolExecutor: without grace the worker goes, but a loop that checks the flag still ends", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  const shared = new SharedArrayBuffer(8);
  const words = new Int32Array(shared);
  try {
    const before = await ex.submit(whoAmI).result();
    const future = ex.run(crunch, [shared, Infinity], { timeout: 50 });
    await assert.rejects(future.result(), TimeoutError);
    assert.notEqual(await ex.submit(whoAmI).result(), before);
    const [a, b] = await settled(() => Atomics.load(words, 0), 100);
    assert.ok(a! > 0, "the loop ran");
    assert.ok(b! - a! <= 1, `the loop still runs: ${a} -> ${b}`);
  } finally {
    Atomics.store(words, 1, 1);
  }
});

Deno.test("WorkerPoolExecutor: terminateWorkers() raises the flag of a running loop", async () => {
  const ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  const shared = new SharedArrayBuffer(8);
  const words = new Int32Array(shared);
  try {
    const future = ex.run(crunch, [shared, Infinity]);
    while (Atomics.load(words, 0) === 0) await sleep(5);
    ex.terminateWorkers();
    await assert.rejects(future.result(), WorkerCrashedError);
    const [a, b] = await settled(() => Atomics.load(words, 0), 100);
    assert.ok(b! - a! <= 1, `the loop still runs: ${a} -> ${b}`);
  } finally {
    Atomics.store(words, 1, 1);
    await ex.shutdown();
  }
});

Deno.test("WorkerPoolExecutor: a loop that never yields gets the caller's reason from shared memory", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  const shared = new SharedArrayBuffer(8);
  const words = new Int32Array(shared);
  /** Runs `crunch` and keeps what the stop looked like from inside. */
  const observed = function (
    this: TaskContext,
    shared: SharedArrayBuffer,
  ): string {
    const words = new Int32Array(shared);
    try {
      for (;;) {
        Atomics.add(words, 0, 1);
        if (Atomics.load(words, 1) !== 0) return "released";
        this.throwIfCancelled();
      }
    } catch (error) {
      const reason = this.signal.reason;
      (globalThis as Record<string, unknown>).seen = [
        (error as Error).name,
        (error as Error).cause === reason,
        reason instanceof Error
          ? `${reason.constructor.name}: ${reason.message}`
          : String(reason),
      ];
      throw error;
    }
  };
  const seen = () => (globalThis as Record<string, unknown>).seen;
  try {
    for (
      const [reason, expected] of [
        [new RangeError("stop now"), "RangeError: stop now"],
        ["a plain string", "a plain string"],
        // Not plain data: the loop cannot read it, and says so.
        [new Map(), "DOMException: The task was aborted"],
      ] as const
    ) {
      Atomics.store(words, 0, 0);
      const controller = new AbortController();
      const future = ex.run(observed, [shared], {
        signal: controller.signal,
        grace: 5000,
      });
      while (Atomics.load(words, 0) === 0) await sleep(2);
      controller.abort(reason);
      assert.equal(future.cancelled(), true);
      assert.deepEqual(await ex.submit(seen).result(), [
        "CancelledError",
        true,
        expected,
      ]);
    }
    const timedOut = ex.run(observed, [shared], { timeout: 30, grace: 5000 });
    await assert.rejects(timedOut.result(), TimeoutError);
    assert.deepEqual(await ex.submit(seen).result(), [
      "CancelledError",
      true,
      "TimeoutError: The task did not finish within 30 ms",
    ]);
  } finally {
    Atomics.store(words, 1, 1);
  }
});

Deno.test("ProcessPoolExecutor: a loop that never yields cannot see the stop and is killed after grace", async () => {
  await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });
  let pid = 0;
  const future = ex.run(crunch, [null, Infinity], {
    timeout: 100,
    grace: 50,
    onProgress: (value) => pid = value as number,
  });
  await assert.rejects(future.result(), TimeoutError);
  assert.ok(pid > 0);
  assert.notEqual(await ex.submit(() => Deno.pid).result(), pid);
  for (let i = 0; i < 200 && cpuTicks(pid) !== undefined; i++) await sleep(10);
  assert.equal(cpuTicks(pid), undefined, `process ${pid} still runs`);
});

forEachPool(({ name, Pool }) => {
  Deno.test(`${name}: a task stopped while the initializer runs never starts`, async () => {
    // Each worker's initializer adds a line to this file.
    const log = await Deno.makeTempFile();
    try {
      await using ex = new Pool({
        maxWorkers: 1,
        initializer: async (path: string) => {
          await Deno.writeTextFile(path, "init\n", { append: true });
          await new Promise((resolve) => setTimeout(resolve, 150));
        },
        initargs: [log],
      });
      const mark = () => (globalThis as Record<string, unknown>).ran = true;
      // A deadline from the call: a timeout would not run yet (the task
      // waits for the worker, it does not run).
      const future = ex.run(mark, [], {
        signal: AbortSignal.timeout(20),
        grace: 5000,
      });
      await assert.rejects(future.result(), CancelledError);
      const ran = await ex.submit(() =>
        (globalThis as Record<string, unknown>).ran ?? false
      ).result();
      assert.equal(ran, false);
      // The worker was kept: one initializer ran.
      assert.equal(await Deno.readTextFile(log), "init\n");
    } finally {
      await Deno.remove(log);
    }
  });

  Deno.test(`${name}: a module task stopped while its module loads never starts`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    await ex.submit(() => "started").result();
    const mark = moduleTask<SlowModule, "mark">(slowModule, "mark");
    const wasCalled = moduleTask<SlowModule, "wasCalled">(
      slowModule,
      "wasCalled",
    );
    const future = ex.run(mark, [], { timeout: 20, grace: 5000 });
    await assert.rejects(future.result(), TimeoutError);
    assert.equal(await ex.submit(wasCalled).result(), false);
  });
});
