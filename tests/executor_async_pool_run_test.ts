// Copyright 2026 the @concurrent/futures authors. MIT license.
// AsyncPoolExecutor.run and the task context on the current thread; the
// checks of run() options on every pool.
import assert from "node:assert/strict";
import {
  AsyncPoolExecutor,
  CancelledError,
  moduleTask,
  type TaskContext,
  TimeoutError,
} from "../mod.ts";
import { forEachPool } from "./_util/pools.ts";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fixtures = new URL("./fixtures/context_tasks.ts", import.meta.url);
type SlowModule = typeof import("./fixtures/slow_module.ts");

/** A promise and its resolve function. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => resolve = r);
  return { promise, resolve };
}

Deno.test("AsyncPoolExecutor: submit, run, map and module tasks get a TaskContext", async () => {
  await using ex = new AsyncPoolExecutor();
  const contexts: unknown[] = [];
  function grab(this: TaskContext, n: number): number {
    contexts.push(this);
    assert.ok(this.signal instanceof AbortSignal);
    assert.equal(this.signal.aborted, false);
    this.throwIfCancelled();
    return n;
  }
  assert.equal(await ex.submit(grab, 1).result(), 1);
  assert.equal(await ex.run(grab, [2]).result(), 2);
  const mapped = [];
  for await (const n of ex.map(grab, [3, 4])) mapped.push(n);
  assert.deepEqual(mapped, [3, 4]);
  assert.equal(contexts.length, 4);
  assert.equal(new Set(contexts).size, 4, "one context per call");

  type Tasks = typeof import("./fixtures/context_tasks.ts");
  const hasContext = moduleTask<Tasks, "hasContext">(fixtures, "hasContext");
  assert.equal(await ex.submit(hasContext).result(), true);
  const steps = moduleTask<Tasks, "steps">(fixtures, "steps");
  const seen: unknown[] = [];
  const future = ex.run(steps, [3], { onProgress: (v) => seen.push(v) });
  assert.equal(await future.result(), 3);
  assert.deepEqual(seen, [1, 2, 3]);
});

Deno.test("AsyncPoolExecutor: tasks that ignore this run unchanged", async () => {
  await using ex = new AsyncPoolExecutor();
  assert.equal(
    await ex.run((a: number, b: number) => a + b, [2, 3]).result(),
    5,
  );
  assert.equal(await ex.run(() => Promise.resolve("x"), []).result(), "x");
});

Deno.test("AsyncPoolExecutor.run: an abort settles at once and aborts the task's signal", async () => {
  await using ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  const controller = new AbortController();
  const release = deferred();
  let seenReason: unknown = "unset";
  let ended = false;
  async function task(this: TaskContext): Promise<string> {
    this.signal.addEventListener("abort", () => {
      seenReason = this.signal.reason;
    });
    await release.promise;
    ended = true;
    return "finished late";
  }
  const future = ex.run(task, [], { signal: controller.signal });
  const queued = ex.submit(() => "next");
  assert.equal(future.running(), true);
  const reason = new Error("user pressed stop");
  controller.abort(reason);
  // Settled synchronously, while the task still runs.
  assert.equal(future.cancelled(), true);
  assert.equal(seenReason, reason);
  assert.equal(ended, false);
  // The stopped call keeps its place until it ends.
  assert.equal(ex.stats.busy, 1);
  assert.equal(queued.running(), false);
  release.resolve();
  assert.equal(await queued.result(), "next");
  assert.equal(ended, true);
  await assert.rejects(future.result(), CancelledError);
  assert.deepEqual(ex.stats, {
    workers: 0,
    busy: 0,
    queued: 0,
    completed: 1,
    failed: 0,
  });
});

Deno.test("AsyncPoolExecutor.run: a timeout fails at once; the signal's reason is that TimeoutError", async () => {
  await using ex = new AsyncPoolExecutor();
  let reason: unknown;
  const aborted = deferred();
  function task(this: TaskContext): Promise<number> {
    return new Promise((resolve) => {
      this.signal.addEventListener("abort", () => {
        reason = this.signal.reason;
        aborted.resolve();
        resolve(42); // too late: the future is settled
      });
    });
  }
  const future = ex.run(task, [], { timeout: 10 });
  await aborted.promise;
  assert.equal(future.done(), true);
  const error = future.exceptionNow();
  assert.ok(error instanceof TimeoutError);
  assert.equal(reason, error);
  assert.match(error.message, /10 ms/);
  await tick(0);
  assert.equal(future.exceptionNow(), error);
  assert.deepEqual(ex.stats, {
    workers: 0,
    busy: 0,
    queued: 0,
    completed: 1,
    failed: 1,
  });
});

Deno.test("AsyncPoolExecutor.run: a loop with throwIfCancelled ends after a timeout", async () => {
  const ex = new AsyncPoolExecutor();
  let rounds = 0;
  let thrown: unknown;
  async function loop(this: TaskContext): Promise<never> {
    try {
      for (;;) {
        await tick(1);
        this.throwIfCancelled();
        rounds++;
      }
    } catch (error) {
      thrown = error;
      throw error;
    }
  }
  const future = ex.run(loop, [], { timeout: 15 });
  await assert.rejects(future.result(), TimeoutError);
  await ex.shutdown(); // resolves only once the loop has ended
  assert.ok(thrown instanceof CancelledError);
  assert.ok(thrown.cause instanceof TimeoutError);
  assert.equal(thrown.cause, future.exceptionNow());
  const after = rounds;
  await tick(10);
  assert.equal(rounds, after);
  assert.equal(ex.stats.busy, 0);
});

Deno.test("AsyncPoolExecutor.run: a queued task stopped by abort or a deadline never starts", async () => {
  await using ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  const release = deferred();
  const first = ex.submit(() => release.promise);
  const started: string[] = [];
  const controller = new AbortController();
  const aborted = ex.run(() => started.push("aborted"), [], {
    signal: controller.signal,
  });
  // A deadline from the call (a timeout counts running time only).
  const timedOut = ex.run(() => started.push("timed out"), [], {
    signal: AbortSignal.timeout(1),
  });
  const last = ex.run(() => started.push("last"), []);
  controller.abort();
  assert.equal(aborted.cancelled(), true);
  await assert.rejects(timedOut.result(), CancelledError);
  assert.equal(ex.stats.queued, 1);
  release.resolve();
  await first.result();
  await last.result();
  assert.deepEqual(started, ["last"]);
});

Deno.test("AsyncPoolExecutor.run: a module task stopped while its module loads is not called", async () => {
  // A URL of its own, so that the module loads (slowly) in this test.
  const url = new URL("./fixtures/slow_module.ts?async-stop", import.meta.url);
  // Two at once: the timed task starts (its timeout counts) while the
  // first one's module still loads.
  await using ex = new AsyncPoolExecutor({ maxWorkers: 2 });
  const controller = new AbortController();
  const future = ex.run(moduleTask<SlowModule, "mark">(url, "mark"), [], {
    signal: controller.signal,
  });
  await tick(10);
  assert.equal(future.running(), true);
  controller.abort();
  assert.equal(future.cancelled(), true);
  const timedOut = ex.run(moduleTask<SlowModule, "mark">(url, "mark"), [], {
    timeout: 10,
  });
  await assert.rejects(timedOut.result(), TimeoutError);
  await ex.shutdown();
  const module: SlowModule = await import(url.href);
  assert.equal(module.wasCalled(), false);
  assert.equal(ex.stats.completed, 1);
});

Deno.test("AsyncPoolExecutor.run: an aborted signal cancels without starting", async () => {
  await using ex = new AsyncPoolExecutor();
  let calls = 0;
  const future = ex.run(() => calls++, [], { signal: AbortSignal.abort() });
  assert.equal(future.cancelled(), true);
  await tick(1);
  assert.equal(calls, 0);
  assert.equal(ex.stats.completed, 0);
});

Deno.test("AsyncPoolExecutor.run: progress arrives in order, all before the future settles", async () => {
  await using ex = new AsyncPoolExecutor({ maxWorkers: 8 });
  async function work(this: TaskContext, id: number, n: number) {
    for (let i = 0; i < n; i++) {
      this.progress({ id, i });
      if (i % 3 === id % 3) await tick(0);
    }
    return id;
  }
  const seen = new Map<number, number[]>();
  const countAtSettle = new Map<number, number>();
  const futures = Array.from({ length: 40 }, (_, id) => {
    seen.set(id, []);
    const future = ex.run(work, [id, 25 + id], {
      onProgress: (value) => {
        const { id: from, i } = value as { id: number; i: number };
        assert.equal(from, id);
        seen.get(id)!.push(i);
      },
    });
    future.addDoneCallback(() => countAtSettle.set(id, seen.get(id)!.length));
    return future;
  });
  for (const future of futures) await future.result();
  for (let id = 0; id < 40; id++) {
    const expected = Array.from({ length: 25 + id }, (_, i) => i);
    assert.deepEqual(seen.get(id), expected);
    assert.equal(countAtSettle.get(id), 25 + id);
  }
});

Deno.test("AsyncPoolExecutor.run: progress after the task ended or was stopped is dropped", async () => {
  await using ex = new AsyncPoolExecutor();
  let saved: TaskContext | undefined;
  const seen: unknown[] = [];
  function keep(this: TaskContext): string {
    saved = this;
    this.progress("during");
    return "done";
  }
  await ex.run(keep, [], { onProgress: (v) => seen.push(v) }).result();
  saved!.progress("after the end");
  await tick(1);
  assert.deepEqual(seen, ["during"]);

  const controller = new AbortController();
  const release = deferred();
  const stopped: unknown[] = [];
  async function slow(this: TaskContext): Promise<void> {
    this.progress("before");
    await release.promise;
    this.progress("after the stop");
  }
  const future = ex.run(slow, [], {
    signal: controller.signal,
    onProgress: (v) => stopped.push(v),
  });
  controller.abort();
  release.resolve();
  await tick(1);
  assert.equal(future.cancelled(), true);
  assert.deepEqual(stopped, ["before"]);
});

Deno.test("AsyncPoolExecutor.run: a throwing onProgress is logged and the task goes on", async () => {
  await using ex = new AsyncPoolExecutor();
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    const seen: unknown[] = [];
    const future = ex.run(
      function (this: TaskContext) {
        this.progress(1);
        this.progress(2);
        return "ok";
      },
      [],
      {
        onProgress: (v) => {
          seen.push(v);
          if (v === 1) throw new Error("bad callback");
        },
      },
    );
    assert.equal(await future.result(), "ok");
    assert.deepEqual(seen, [1, 2]);
  } finally {
    console.error = original;
  }
  assert.equal(logged.length, 1);
  assert.match(String(logged[0][0]), /onProgress/);
  assert.equal((logged[0][1] as Error).message, "bad callback");
});

Deno.test("AsyncPoolExecutor.run: transfer and grace are accepted and change nothing", async () => {
  await using ex = new AsyncPoolExecutor();
  const input = new ArrayBuffer(4);
  const output = new ArrayBuffer(4);
  const future = ex.run(
    function (this: TaskContext, buffer: ArrayBuffer) {
      this.transfer(output);
      return [buffer, output];
    },
    [input],
    { transfer: [input], grace: 50 },
  );
  const [back, out] = await future.result();
  assert.equal(back, input);
  assert.equal(out, output);
  assert.equal(input.byteLength, 4, "nothing was detached");
  assert.equal(output.byteLength, 4);
});

Deno.test("AsyncPoolExecutor.run: bad arguments and options", async () => {
  await using ex = new AsyncPoolExecutor();
  const fn = () => 1;
  assert.throws(() => ex.run(fn, [], { timeout: -1 }), RangeError);
  assert.throws(() => ex.run(fn, [], { timeout: NaN }), RangeError);
  assert.throws(() => ex.run(fn, [], { grace: -5 }), /grace/);
  assert.throws(() => ex.run(fn, [], { grace: NaN }), RangeError);
  assert.throws(
    () => ex.run(fn, [], { onProgress: 3 as unknown as () => void }),
    TypeError,
  );
  assert.throws(
    () => ex.run(fn, [], { signal: {} as AbortSignal }),
    TypeError,
  );
  assert.throws(
    () => ex.run(fn, 1 as unknown as []),
    /arguments as an array/,
  );
  assert.throws(
    () => ex.run(fn, [], { transfer: 5 as unknown as Transferable[] }),
    TypeError,
  );
  assert.throws(
    () => ex.run(fn, [], { transfer: ["x"] as unknown as Transferable[] }),
    TypeError,
  );
  assert.throws(
    () => ex.run(3 as unknown as () => void, []),
    TypeError,
  );
  assert.equal(ex.stats.completed, 0);
  assert.equal(
    await ex.run(fn, [], { grace: 0, timeout: Infinity }).result(),
    1,
  );
});

Deno.test("AsyncPoolExecutor.run: cancel() of a running task still returns false", async () => {
  await using ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  const release = deferred();
  const running = ex.run(() => release.promise, []);
  const queued = ex.run(() => 2, []);
  assert.equal(running.cancel(), false);
  assert.equal(running.running(), true);
  assert.equal(queued.cancel(), true);
  release.resolve();
  await running.result();
  assert.equal(ex.stats.completed, 1);
});

forEachPool(({ name, Pool, sharesMemory }) => {
  Deno.test(`${name}.run checks its options at the call`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const fn = () => 1;
    assert.throws(() => ex.run(fn, [], { grace: -1 }), RangeError);
    assert.throws(() => ex.run(fn, [], { grace: NaN }), RangeError);
    assert.throws(() => ex.run(fn, [], { timeout: -1 }), RangeError);
    assert.throws(
      () => ex.run(fn, [], { onProgress: "no" as unknown as () => void }),
      TypeError,
    );
    assert.throws(
      () => ex.run(fn, [], { signal: {} as AbortSignal }),
      TypeError,
    );
    assert.throws(() => ex.run(fn, [], null as unknown as object), TypeError);
    assert.throws(
      () => ex.run(fn, [], { transfer: 5 as unknown as Transferable[] }),
      /transfer must be an array/,
    );
    assert.throws(
      () => ex.run(fn, [], { transfer: [5] as unknown as Transferable[] }),
      /transfer takes transferable objects, got number/,
    );
    assert.throws(
      () => ex.run(fn, [], { transfer: [null] as unknown as Transferable[] }),
      TypeError,
    );
    assert.equal(ex.stats.workers, 0, "nothing was started");
  });

  Deno.test(`${name}.run: a transfer list that cannot be sent fails its task alone, however often`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    assert.equal(await ex.submit(() => 0).result(), 0);
    const detached = new ArrayBuffer(1);
    structuredClone(detached, { transfer: [detached] });
    // A Worker has 1024 slots for its shipped tasks: none may leak.
    const rounds = sharesMemory ? 1100 : 3;
    for (let i = 0; i < rounds; i++) {
      const error = await ex.run((n: number) => n, [i], {
        transfer: [detached],
      }).exception();
      // A process copies what it is given to transfer.
      assert.equal(
        (error as Error | undefined)?.name,
        sharesMemory ? "DataCloneError" : undefined,
      );
    }
    // A hostile list that passes the check and throws when shipped.
    for (let i = 0; i < rounds; i++) {
      let reads = 0;
      const hostile = new Proxy([] as Transferable[], {
        get(target, key, receiver) {
          if (key === Symbol.iterator && reads++ > 0) throw new Error("no");
          return Reflect.get(target, key, receiver);
        },
      });
      const error = await ex.run(() => 1, [], { transfer: hostile })
        .exception();
      assert.equal((error as Error | undefined)?.message, "no");
    }
    const results = [1, 2, 3].map((n) => ex.submit((x: number) => x * 10, n));
    assert.deepEqual(
      await Promise.all(results.map((f) => f.result())),
      [10, 20, 30],
    );
  });
});
