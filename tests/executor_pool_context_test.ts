// Copyright 2026 the @concurrent/futures authors. MIT license.
// The task context on both worker pools: `this` in every kind of task,
// the initializer's `this`, progress (in order, before the future settles,
// under load), `this.signal` and its reason, and `this.transfer`.
import assert from "node:assert/strict";
import {
  CancelledError,
  moduleTask,
  type TaskContext,
  TimeoutError,
} from "../mod.ts";
import { forEachPool } from "./_util/pools.ts";

const fixtures = new URL("./fixtures/context_tasks.ts", import.meta.url);
type Fixtures = typeof import("./fixtures/context_tasks.ts");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What `this` is, as a task sees it. */
function describeThis(this: TaskContext): string[] {
  return [
    this.signal instanceof AbortSignal ? "signal" : "no signal",
    typeof this.throwIfCancelled,
    typeof this.progress,
    typeof this.transfer,
    String(this.signal.aborted),
  ];
}
const CONTEXT = ["signal", "function", "function", "function", "false"];

/** Reports 0..n-1, in slices, yielding between them. */
async function report(
  this: TaskContext,
  n: number,
  slice: number,
): Promise<number> {
  for (let i = 0; i < n; i++) {
    this.progress(i);
    if (i % slice === slice - 1) {
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  return n;
}

forEachPool(({ name, Pool, sharesMemory }) => {
  Deno.test(`${name}: every task is called with this bound to a TaskContext`, async () => {
    await using ex = new Pool({ maxWorkers: 2 });
    assert.deepEqual(await ex.submit(describeThis).result(), CONTEXT);
    assert.deepEqual(await ex.run(describeThis, []).result(), CONTEXT);
    // A task that ignores `this` works unchanged.
    assert.equal(
      await ex.submit((a: number, b: number) => a + b, 2, 3).result(),
      5,
    );
    const asyncTask = async function (this: TaskContext) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return typeof this.progress;
    };
    assert.equal(await ex.submit(asyncTask).result(), "function");
    const hasContext = moduleTask<Fixtures, "hasContext">(
      fixtures,
      "hasContext",
    );
    assert.equal(await ex.submit(hasContext).result(), true);
    const out: string[][] = [];
    for await (
      const value of ex.map(
        function (this: TaskContext, _: number) {
          return [typeof this.throwIfCancelled, typeof this.signal];
        },
        [1, 2, 3, 4, 5],
        { chunksize: 2 },
      )
    ) out.push(value);
    assert.deepEqual(out, Array(5).fill(["function", "object"]));
  });

  Deno.test(`${name}: the initializer is called with this bound to a TaskContext`, async () => {
    await using ex = new Pool({
      maxWorkers: 1,
      initializer: function (this: TaskContext, key: string) {
        this.progress("nobody listens"); // dropped, harmless
        this.throwIfCancelled();
        (globalThis as Record<string, unknown>)[key] = [
          this.signal instanceof AbortSignal,
          typeof this.transfer,
        ];
      },
      initargs: ["seen"],
    });
    assert.deepEqual(
      await ex.submit(() => (globalThis as Record<string, unknown>).seen)
        .result(),
      [true, "function"],
    );
  });

  Deno.test(`${name}: progress reaches onProgress in order, all before the future settles`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const seen: unknown[] = [];
    let atSettle = -1;
    const future = ex.run(report, [3000, 500], {
      onProgress: (value) => seen.push(value),
    });
    future.addDoneCallback(() => atSettle = seen.length);
    assert.equal(await future.result(), 3000);
    assert.equal(atSettle, 3000);
    assert.deepEqual(seen, Array.from({ length: 3000 }, (_, i) => i));
    // A module task, synchronous: every value still arrives first.
    const steps = moduleTask<Fixtures, "steps">(fixtures, "steps");
    const values: unknown[] = [];
    const done = ex.run(steps, [10], { onProgress: (v) => values.push(v) });
    done.addDoneCallback(() => values.push("settled"));
    assert.equal(await done.result(), 10);
    assert.deepEqual(values, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "settled"]);
  });

  Deno.test(`${name}: progress of several tasks at once stays in order per task`, async () => {
    await using ex = new Pool({ maxWorkers: 2 });
    const tasks = 6;
    const n = 4000;
    const seen = Array.from({ length: tasks }, () => [] as unknown[]);
    const atSettle: number[] = [];
    const futures = seen.map((values, t) => {
      const future = ex.run(report, [n, 100 + 150 * t], {
        onProgress: (value) => values.push(value),
      });
      future.addDoneCallback(() => atSettle[t] = values.length);
      return future;
    });
    // Short tasks without progress share the workers meanwhile.
    const others = Array.from(
      { length: 200 },
      (_, i) => ex.submit((x: number) => x, i),
    );
    for (const future of futures) assert.equal(await future.result(), n);
    for (const [i, future] of others.entries()) {
      assert.equal(await future.result(), i);
    }
    const expected = Array.from({ length: n }, (_, i) => i);
    for (let t = 0; t < tasks; t++) {
      assert.equal(atSettle[t], n, `task ${t} settled before its progress`);
      assert.deepEqual(seen[t], expected, `task ${t}'s progress`);
    }
  });

  Deno.test(`${name}: progress stops with the future; without onProgress it goes nowhere`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    await ex.submit(() => "started").result(); // the timeout is for the task
    let calls = 0;
    const future = ex.run(
      async function (this: TaskContext) {
        for (let i = 0;; i++) {
          this.progress(i);
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (this.signal.aborted) return;
        }
      },
      [],
      { timeout: 40, grace: 1000, onProgress: () => calls++ },
    );
    await assert.rejects(future.result(), TimeoutError);
    const atSettle = calls;
    assert.ok(atSettle > 0, "progress arrived while the task ran");
    await sleep(30);
    assert.equal(calls, atSettle, "nothing after the future settled");
    // submit, and run without onProgress: the task runs as usual.
    assert.equal(await ex.submit(report, 100, 10).result(), 100);
    assert.equal(await ex.run(report, [100, 10]).result(), 100);
  });

  Deno.test(`${name}: onProgress that stops its own task hears nothing more`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const controller = new AbortController();
    const seen: unknown[] = [];
    const future = ex.run(report, [5000, 5000], {
      signal: controller.signal,
      grace: 1000,
      onProgress: (value) => {
        seen.push(value);
        if (value === 10) controller.abort();
      },
    });
    await assert.rejects(future.result(), CancelledError);
    assert.deepEqual(seen, Array.from({ length: 11 }, (_, i) => i));
    assert.equal(await ex.submit(() => "next").result(), "next");
  });

  Deno.test(`${name}: a progress value that cannot be cloned fails the task`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const seen: unknown[] = [];
    const future = ex.run(
      function (this: TaskContext) {
        this.progress(1);
        this.progress(() => "a function");
        this.progress(3);
        return "finished";
      },
      [],
      { onProgress: (value) => seen.push(value) },
    );
    const error = await future.exception() as Error;
    assert.equal(error.name, "DataCloneError");
    // The first value goes out at once; the batch with the function never
    // left, and nothing after it.
    assert.deepEqual(seen, [1]);
    assert.equal(
      await ex.submit(() => "still serving").result(),
      "still serving",
    );
  });

  Deno.test(`${name}: this.signal aborts with the TimeoutError or the caller's reason`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const waitForAbort = async function (this: TaskContext) {
      const reason = await new Promise<unknown>((resolve) =>
        this.signal.addEventListener(
          "abort",
          () => resolve(this.signal.reason),
        )
      );
      const error = reason as Error;
      (globalThis as Record<string, unknown>).reason = typeof reason ===
          "string"
        ? reason
        : [error.constructor.name, error.name, error.message];
    };
    const readReason = () => (globalThis as Record<string, unknown>).reason;
    // A started worker: its start-up must not eat the 30 ms.
    assert.equal(await ex.submit(() => 0).result(), 0);

    const timedOut = ex.run(waitForAbort, [], { timeout: 30, grace: 1000 });
    await assert.rejects(timedOut.result(), TimeoutError);
    assert.deepEqual(await ex.submit(readReason).result(), [
      "TimeoutError",
      "TimeoutError",
      "The task did not finish within 30 ms",
    ]);

    const controller = new AbortController();
    const aborted = ex.run(waitForAbort, [], {
      signal: controller.signal,
      grace: 1000,
    });
    await sleep(20);
    controller.abort("no longer needed");
    assert.equal(aborted.cancelled(), true);
    assert.equal(await ex.submit(readReason).result(), "no longer needed");

    const other = new AbortController();
    const third = ex.run(waitForAbort, [], {
      signal: other.signal,
      grace: 1000,
    });
    await sleep(20);
    other.abort(); // the default reason, a DOMException
    assert.equal(third.cancelled(), true);
    assert.deepEqual(await ex.submit(readReason).result(), [
      "DOMException",
      "AbortError",
      // The runtime's own wording (Deno: "The signal has been aborted").
      AbortSignal.abort().reason.message,
    ]);
  });

  Deno.test(`${name}: this.transfer moves the result's buffers ${sharesMemory ? "" : "(copies them here)"}`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const make = function (this: TaskContext, size: number) {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) bytes[i] = i % 251;
      (globalThis as Record<string, unknown>).kept = bytes;
      this.transfer(bytes.buffer);
      return { bytes, label: "data" };
    };
    const size = 1 << 20;
    const { bytes, label } = await ex.run(make, [size]).result();
    assert.equal(label, "data");
    assert.equal(bytes.byteLength, size);
    assert.equal(bytes[size - 1], (size - 1) % 251);
    assert.equal(bytes[1000], 1000 % 251);
    // The worker's own copy: detached when moved, intact when copied.
    const left = await ex.submit(() =>
      ((globalThis as Record<string, unknown>).kept as Uint8Array).byteLength
    ).result();
    assert.equal(left, sharesMemory ? 0 : size);
    // Each task's list is its own: the next result is copied.
    const copied = await ex.submit(function (this: TaskContext) {
      const bytes = new Uint8Array(8).fill(1);
      (globalThis as Record<string, unknown>).kept = bytes;
      return bytes;
    }).result();
    assert.deepEqual([...copied], Array(8).fill(1));
    assert.equal(
      await ex.submit(() =>
        ((globalThis as Record<string, unknown>).kept as Uint8Array).byteLength
      ).result(),
      8,
    );
  });

  Deno.test(`${name}: results moved by map chunks and by batched tasks arrive intact`, async () => {
    await using ex = new Pool({ maxWorkers: 2 });
    const fill = function (this: TaskContext, n: number) {
      const bytes = new Uint8Array(1000 + n).fill(n);
      this.transfer(bytes.buffer, bytes.buffer); // twice is harmless
      return bytes;
    };
    const out: Uint8Array[] = [];
    for await (
      const bytes of ex.map(fill, [1, 2, 3, 4, 5, 6, 7], { chunksize: 3 })
    ) out.push(bytes);
    // Many at once: results travel back several to a message.
    const futures = Array.from({ length: 50 }, (_, i) => ex.submit(fill, i));
    for (const future of futures) out.push(await future.result());
    const sizes = [
      ...[1, 2, 3, 4, 5, 6, 7],
      ...Array.from({ length: 50 }, (_, i) => i),
    ];
    assert.deepEqual(out.map((b) => b.length), sizes.map((n) => 1000 + n));
    assert.ok(out.every((b, i) => b.every((x) => x === sizes[i])));
  });

  Deno.test(`${name}: transfer() of something that is not an object fails the task`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const future = ex.submit(function (this: TaskContext) {
      this.transfer(42 as unknown as ArrayBuffer);
    });
    const error = await future.exception() as Error;
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /transfer\(\) takes transferable objects/);
  });
});
