// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import { asCompleted, Future, TimeoutError } from "../future/mod.ts";
import { CountingFuture } from "./_util/counting_future.ts";

function later(ms: number, fn: () => void): void {
  setTimeout(fn, ms);
}

Deno.test("asCompleted yields the futures themselves in completion order", async () => {
  const a = new Future<string>();
  const b = new Future<string>();
  const c = new Future<string>();
  later(30, () => a.setResult("a"));
  later(10, () => b.setResult("b"));
  later(20, () => c.setException(new Error("c")));
  const order: Future<string>[] = [];
  for await (const f of asCompleted([a, b, c])) order.push(f);
  assert.deepEqual(order, [b, c, a]);
  assert.equal(order[0].resultNow(), "b");
});

Deno.test("asCompleted yields already-done futures first, in input order", async () => {
  const pending = new Future<number>();
  const done1 = new Future<number>();
  const done2 = new Future<number>();
  done2.setResult(2);
  done1.setResult(1);
  later(5, () => pending.setResult(0));
  const order: Future<number>[] = [];
  for await (const f of asCompleted([pending, done1, done2])) order.push(f);
  assert.deepEqual(order, [done1, done2, pending]);
});

Deno.test("asCompleted yields a cancelled future as completed", async () => {
  const a = new Future<number>();
  later(5, () => a.cancel());
  const order: Future<number>[] = [];
  for await (const f of asCompleted([a])) order.push(f);
  assert.deepEqual(order, [a]);
  assert.equal(order[0].cancelled(), true);
});

Deno.test("asCompleted yields duplicates once", async () => {
  const a = new Future<number>();
  const b = new Future<number>();
  b.setResult(2);
  later(5, () => a.setResult(1));
  const order: Future<number>[] = [];
  for await (const f of asCompleted([a, b, a, b])) order.push(f);
  assert.deepEqual(order, [b, a]);
});

Deno.test("asCompleted of nothing ends at once", async () => {
  const order: unknown[] = [];
  for await (const f of asCompleted([])) order.push(f);
  assert.deepEqual(order, []);
});

Deno.test("asCompleted picks up futures that complete together", async () => {
  const fs = Array.from({ length: 5 }, () => new Future<number>());
  later(5, () => fs.forEach((f, i) => f.setResult(i)));
  const values: number[] = [];
  for await (const f of asCompleted(fs)) values.push(f.resultNow());
  assert.deepEqual(values, [0, 1, 2, 3, 4]);
});

Deno.test("asCompleted throws TimeoutError after yielding what completed in time", async () => {
  const fast = new Future<number>();
  const never = new Future<number>();
  later(5, () => fast.setResult(1));
  const seen: Future<number>[] = [];
  await assert.rejects(
    async () => {
      for await (const f of asCompleted([fast, never], { timeout: 40 })) {
        seen.push(f);
      }
    },
    (e) =>
      e instanceof TimeoutError &&
      e.message === "1 (of 2) futures unfinished after 40 ms",
  );
  assert.deepEqual(seen, [fast]);
  assert.equal(never.state, "pending", "the future itself is not cancelled");
});

Deno.test("asCompleted timeout counts from the call", async () => {
  const never = new Future<number>();
  const iterator = asCompleted([never], { timeout: 20 });
  await new Promise((resolve) => setTimeout(resolve, 30));
  const start = performance.now();
  await assert.rejects(iterator.next(), TimeoutError);
  assert.ok(performance.now() - start < 15, "the deadline had already passed");
});

Deno.test("breaking out early leaves no timer and no callback behind", async () => {
  const a = new Future<number>();
  const b = new CountingFuture<number>();
  a.setResult(1);
  for await (const f of asCompleted([a, b], { timeout: 10_000 })) {
    assert.equal(f, a);
    break;
  }
  assert.equal(b.registered, 0);
  // Deno's op sanitizer fails this test if the 10 s timer were left running.
});

Deno.test("breaking out after waiting clears the callbacks on the rest", async () => {
  const a = new Future<number>();
  const b = new CountingFuture<number>();
  later(5, () => a.setResult(1));
  for await (const f of asCompleted([a, b], { timeout: 10_000 })) {
    assert.equal(f, a);
    break;
  }
  assert.equal(b.registered, 0);
});

Deno.test("asCompleted stops with the signal's reason", async () => {
  const a = new Future<number>();
  const controller = new AbortController();
  later(5, () => controller.abort(new Error("aborted")));
  await assert.rejects(
    async () => {
      for await (const _ of asCompleted([a], { signal: controller.signal })) {
        // never reached
      }
    },
    /aborted/,
  );
});

Deno.test("asCompleted rejects a bad timeout at once", () => {
  assert.throws(
    () => asCompleted([], { timeout: NaN }),
    (e) =>
      e instanceof RangeError &&
      e.message ===
        "timeout must be a non-negative number of milliseconds, got NaN",
  );
});
