// Copyright 2026 the @concurrent/futures authors. MIT license.
// The worker-side task context on its own: stop flag, signal, batched
// progress, transfer list.
import assert from "node:assert/strict";
import { CancelledError, TimeoutError } from "../mod.ts";
import { RunningTaskContext } from "../executor/_task_context.ts";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A context whose sink records each batch. */
function recording(hooks: ConstructorParameters<typeof RunningTaskContext>[0]) {
  const batches: unknown[][] = [];
  const context = new RunningTaskContext({
    sink: (values) => batches.push(values),
    ...hooks,
  });
  return { context, batches, flat: () => batches.flat() };
}

Deno.test("task context: throwIfCancelled is silent until the flag is raised", () => {
  let flag = false;
  let reads = 0;
  const context = new RunningTaskContext({
    isStopped: () => {
      reads++;
      return flag;
    },
  });
  for (let i = 0; i < 100; i++) context.throwIfCancelled();
  assert.equal(reads, 100);
  assert.equal(context.signal.aborted, false);
  flag = true;
  assert.throws(() => context.throwIfCancelled(), CancelledError);
  // The flag is read once; the stop is remembered.
  assert.equal(context.stopped, true);
  flag = false;
  assert.throws(() => context.throwIfCancelled(), CancelledError);
  assert.equal(reads, 101);
});

Deno.test("task context: the flag aborts the signal with stopReason, once", () => {
  let flag = false;
  const timeout = new TimeoutError("The task did not finish within 5 ms");
  const context = new RunningTaskContext({
    isStopped: () => flag,
    stopReason: () => timeout,
  });
  const reasons: unknown[] = [];
  context.signal.addEventListener("abort", () => {
    reasons.push(context.signal.reason);
  });
  flag = true;
  try {
    context.throwIfCancelled();
    assert.fail("throwIfCancelled did not throw");
  } catch (error) {
    assert.ok(error instanceof CancelledError);
    assert.equal(error.cause, timeout);
  }
  // A later stop message cannot change the reason.
  context.stop("late");
  assert.deepEqual(reasons, [timeout]);
  assert.equal(context.signal.reason, timeout);
});

Deno.test("task context: the default reason of a raised flag is a CancelledError", () => {
  const context = new RunningTaskContext({ isStopped: () => true });
  assert.throws(() => context.throwIfCancelled(), CancelledError);
  assert.ok(context.signal.reason instanceof CancelledError);
});

Deno.test("task context: stop(reason) aborts the signal and throwIfCancelled throws", () => {
  const context = new RunningTaskContext();
  const signal = context.signal;
  context.throwIfCancelled();
  const reason = new DOMException("caller gave up", "AbortError");
  context.stop(reason);
  assert.equal(signal.aborted, true);
  assert.equal(signal.reason, reason);
  try {
    context.throwIfCancelled();
    assert.fail("throwIfCancelled did not throw");
  } catch (error) {
    assert.ok(error instanceof CancelledError);
    assert.equal(error.cause, reason);
  }
});

Deno.test("task context: a signal read only after the stop is already aborted", () => {
  const context = new RunningTaskContext();
  context.stop("why");
  assert.equal(context.signal.aborted, true);
  assert.equal(context.signal.reason, "why");
});

Deno.test("task context: after end() the flag is no longer read", () => {
  let reads = 0;
  const context = new RunningTaskContext({
    isStopped: () => {
      reads++;
      return true; // the slot now belongs to another task
    },
  });
  context.end();
  context.throwIfCancelled();
  context.stop("too late");
  assert.equal(reads, 0);
  assert.equal(context.signal.aborted, false);
});

Deno.test("task context: progress keeps order across batches", async () => {
  const { context, batches, flat } = recording({ interval: 5, maxBatch: 7 });
  const expected: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 20; i++) {
      const value = round * 100 + i;
      expected.push(value);
      context.progress(value);
    }
    await tick(round % 2 === 0 ? 0 : 8);
  }
  context.end();
  assert.deepEqual(flat(), expected);
  assert.ok(batches.every((batch) => batch.length >= 1 && batch.length <= 7));
});

Deno.test("task context: progress is batched, the first value goes out at once", () => {
  const { context, batches } = recording({ interval: 60_000 });
  context.progress("first");
  assert.deepEqual(batches, [["first"]]);
  for (let i = 0; i < 500; i++) context.progress(i);
  // Within the interval nothing more is sent...
  assert.equal(batches.length, 1);
  context.end();
  // ...until the end, which sends the rest as one batch.
  assert.equal(batches.length, 2);
  assert.equal(batches[1].length, 500);
  assert.equal(batches[1][499], 499);
});

Deno.test("task context: a full batch is sent without waiting", () => {
  const { context, batches } = recording({ interval: 60_000, maxBatch: 10 });
  for (let i = 0; i < 31; i++) context.progress(i);
  // The first value alone, then three full batches of ten.
  assert.deepEqual(batches.map((b) => b.length), [1, 10, 10, 10]);
  context.end();
  assert.deepEqual(batches.map((b) => b.length), [1, 10, 10, 10]);
});

Deno.test("task context: a synchronous loop flushes once the interval passed", () => {
  const { context, batches } = recording({ interval: 5 });
  context.progress(0);
  const end = Date.now() + 40;
  let n = 1;
  while (Date.now() < end) context.progress(n++);
  // No timer could fire, yet the loop sent batches as it went.
  assert.ok(batches.length >= 2, `${batches.length} batches`);
  context.end();
  assert.equal(batches.flat().length, n);
});

Deno.test("task context: the timer sends what an async task left", async () => {
  const { context, batches } = recording({ interval: 5 });
  context.progress(1);
  context.progress(2);
  context.progress(3);
  assert.deepEqual(batches, [[1]]);
  await tick(30);
  assert.deepEqual(batches, [[1], [2, 3]]);
  context.end();
});

Deno.test("task context: end() sends everything before the result", () => {
  const log: unknown[] = [];
  const context = new RunningTaskContext({
    interval: 60_000,
    sink: (values) => log.push({ progress: values }),
  });
  for (let i = 0; i < 5; i++) context.progress(i);
  // What a runner does when the task returns.
  const transfer = context.end();
  log.push({ result: "ok", transfer });
  assert.deepEqual(log, [
    { progress: [0] },
    { progress: [1, 2, 3, 4] },
    { result: "ok", transfer: [] },
  ]);
});

Deno.test("task context: progress after end() or stop() is dropped", async () => {
  const ended = recording({ interval: 60_000 });
  ended.context.progress("a");
  ended.context.end();
  ended.context.progress("late");
  await tick(10);
  assert.deepEqual(ended.flat(), ["a"]);

  const stopped = recording({ interval: 60_000 });
  stopped.context.progress("a");
  stopped.context.progress("buffered");
  stopped.context.stop("abort");
  stopped.context.progress("late");
  stopped.context.end();
  await tick(10);
  assert.deepEqual(stopped.flat(), ["a"]);
});

Deno.test("task context: with interval 0 every value goes out at once", () => {
  const { context, batches } = recording({ interval: 0 });
  context.progress(1);
  context.progress(2);
  assert.deepEqual(batches, [[1], [2]]);
  context.end();
});

Deno.test("task context: progress without a sink does nothing", async () => {
  const context = new RunningTaskContext({ interval: 1 });
  for (let i = 0; i < 10; i++) context.progress(i);
  await tick(5);
  assert.deepEqual(context.end(), []);
});

Deno.test("task context: a failing sink stops progress and end() throws its error", async () => {
  const batches: unknown[][] = [];
  const failure = new DOMException("could not clone", "DataCloneError");
  const context = new RunningTaskContext({
    interval: 1,
    sink: (values) => {
      if (values.includes("bad")) throw failure;
      batches.push(values);
    },
  });
  context.progress("good");
  context.progress("bad");
  await tick(10); // the timer's flush fails without an uncaught error
  context.progress("after");
  assert.throws(() => context.end(), (error) => error === failure);
  assert.deepEqual(batches, [["good"]]);
});

Deno.test("task context: transfer collects a list without duplicates", () => {
  const context = new RunningTaskContext();
  const a = new ArrayBuffer(8);
  const b = new ArrayBuffer(8);
  context.transfer(a);
  context.transfer(b, a);
  context.transfer();
  assert.throws(
    () => context.transfer(3 as unknown as ArrayBuffer),
    TypeError,
  );
  assert.deepEqual(context.end(), [a, b]);
  assert.equal(context.end()[0], a);
  context.transfer(new ArrayBuffer(1)); // after the end: ignored
  assert.equal(context.end().length, 2);
});

Deno.test("task context: its methods work detached", () => {
  const { context, flat } = recording({ interval: 0 });
  const { progress, throwIfCancelled, transfer } = context;
  progress(1);
  throwIfCancelled();
  const buffer = new ArrayBuffer(1);
  transfer(buffer);
  context.stop("x");
  assert.throws(() => throwIfCancelled(), CancelledError);
  assert.deepEqual(flat(), [1]);
  assert.deepEqual(context.end(), [buffer]);
});

Deno.test("task context: a synchronous loop on a Worker stops on a shared flag", async () => {
  const worker = new Worker(
    new URL("./fixtures/context_worker.ts", import.meta.url),
    { type: "module" },
  );
  try {
    const flag = new SharedArrayBuffer(4);
    const values: number[] = [];
    let messages = 0;
    const stopped = new Promise<Record<string, unknown>>((resolve) => {
      worker.onmessage = ({ data }) => {
        if (data.t === "progress") {
          messages++;
          values.push(...data.values);
          // The loop is running and reporting: raise its stop flag.
          if (messages === 3) Atomics.store(new Int32Array(flag), 0, 1);
        } else resolve(data);
      };
    });
    worker.postMessage(flag);
    const { reported, ...result } = await stopped;
    assert.deepEqual(result, {
      t: "stopped",
      name: "CancelledError",
      cause: "The task did not finish within 30 ms",
      reason: "TimeoutError",
    });
    // The values sent arrived in order; those still buffered at the stop
    // were dropped, as the future had settled.
    assert.deepEqual(values, Array.from(values, (_, i) => i));
    assert.ok(values.length <= (reported as number));
  } finally {
    worker.terminate();
  }
});
