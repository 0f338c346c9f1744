// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import {
  AsyncPoolExecutor,
  CancelledError,
  InvalidStateError,
  moduleTask,
} from "../mod.ts";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("AsyncPoolExecutor runs at most maxWorkers calls at once", async () => {
  await using ex = new AsyncPoolExecutor({ maxWorkers: 2 });
  let now = 0;
  let most = 0;
  const order: number[] = [];
  const futures = [0, 1, 2, 3, 4].map((i) =>
    ex.submit(async (n: number) => {
      most = Math.max(most, ++now);
      await tick(2);
      now--;
      order.push(n);
      return n * 10;
    }, i)
  );
  assert.equal(ex.stats.busy, 2);
  assert.equal(ex.stats.queued, 3);
  assert.equal(futures[0].running(), true);
  assert.equal(futures[4].state, "pending");
  const results = [];
  for (const f of futures) results.push(await f.result());
  assert.deepEqual(results, [0, 10, 20, 30, 40]);
  assert.equal(most, 2);
  assert.deepEqual(ex.stats, {
    workers: 0,
    busy: 0,
    queued: 0,
    completed: 5,
    failed: 0,
  });
});

Deno.test("AsyncPoolExecutor: sync throws and rejections fail the future", async () => {
  await using ex = new AsyncPoolExecutor();
  const thrown = ex.submit(() => {
    throw new TypeError("bad", { cause: 1 });
  });
  const rejected = ex.submit(() => Promise.reject(new RangeError("far")));
  const error = await thrown.exception();
  assert.ok(error instanceof TypeError);
  assert.equal((error as TypeError).cause, 1);
  await assert.rejects(rejected.result(), RangeError);
  assert.equal(ex.stats.failed, 2);
});

Deno.test("AsyncPoolExecutor: closures are allowed", async () => {
  await using ex = new AsyncPoolExecutor();
  const seen: number[] = [];
  await ex.submit((n: number) => seen.push(n), 7).result();
  assert.deepEqual(seen, [7]);
});

Deno.test("AsyncPoolExecutor: a cancelled queued call never starts", async () => {
  await using ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  let ran = false;
  const first = ex.submit(() => tick(2));
  const second = ex.submit(() => {
    ran = true;
  });
  assert.equal(first.cancel(), false);
  assert.equal(second.cancel(), true);
  await first.result();
  await assert.rejects(second.result(), CancelledError);
  assert.equal(ran, false);
});

Deno.test("AsyncPoolExecutor: shutdown refuses work, cancels, waits, twice", async () => {
  const ex = new AsyncPoolExecutor({ maxWorkers: 1 });
  const futures = Array.from({ length: 100 }, (_, i) => ex.submit(() => i));
  const slow = ex.submit(() => tick(1));
  assert.equal(futures[0].running(), true);
  await ex.shutdown({ cancelFutures: true });
  assert.equal(futures[0].resultNow(), 0);
  assert.equal(futures.slice(1).every((f) => f.cancelled()), true);
  assert.equal(slow.cancelled(), true);
  assert.throws(
    () => ex.submit(() => 1),
    (e) => e instanceof InvalidStateError && /after shutdown/.test(e.message),
  );
  await ex.shutdown();
});

Deno.test("AsyncPoolExecutor: shutdown({ wait: false }) returns at once", async () => {
  const ex = new AsyncPoolExecutor();
  const future = ex.submit(() => tick(5).then(() => "late"));
  await ex.shutdown({ wait: false });
  assert.equal(future.done(), false);
  assert.equal(await future.result(), "late");
});

Deno.test("AsyncPoolExecutor: bad options and tasks", () => {
  assert.throws(() => new AsyncPoolExecutor({ maxWorkers: 0 }), RangeError);
  assert.throws(() => new AsyncPoolExecutor({ maxWorkers: 1.5 }), RangeError);
  const ex = new AsyncPoolExecutor();
  assert.throws(
    // @ts-expect-error: not a task
    () => ex.submit(42),
    TypeError,
  );
});

Deno.test("AsyncPoolExecutor runs module tasks", async () => {
  await using ex = new AsyncPoolExecutor();
  const task = moduleTask<{ twice(n: number): number }, "twice">(
    "data:text/javascript,export const twice = (n) => 2 * n;",
    "twice",
  );
  assert.equal(await ex.submit(task, 21).result(), 42);
  const missing = moduleTask<{ nope(): void }, "nope">(
    "data:text/javascript,export const x = 1;",
    "nope",
  );
  await assert.rejects(ex.submit(missing).result(), /no exported function/);
});
