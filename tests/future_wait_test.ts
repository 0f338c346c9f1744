// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  wait,
} from "../future/mod.ts";
import { CountingFuture } from "./_util/counting_future.ts";

function later(ms: number, fn: () => void): void {
  setTimeout(fn, ms);
}

Deno.test("wait ALL_COMPLETED returns once every future is done", async () => {
  const a = new Future<number>();
  const b = new Future<number>();
  const c = new Future<number>();
  a.setResult(1);
  later(5, () => b.setException(new Error("b")));
  later(10, () => c.cancel());
  const { done, notDone } = await wait([a, b, c]);
  assert.deepEqual(new Set(done), new Set([a, b, c]));
  assert.equal(notDone.size, 0);
  assert.equal(c.cancelled(), true, "a cancelled future counts as done");
});

Deno.test("wait FIRST_COMPLETED returns at the first completion", async () => {
  const a = new Future<string>();
  const b = new Future<string>();
  later(5, () => b.setResult("b"));
  const { done, notDone } = await wait([a, b], {
    returnWhen: FIRST_COMPLETED,
  });
  assert.deepEqual([...done], [b]);
  assert.deepEqual([...notDone], [a]);
});

Deno.test("wait FIRST_COMPLETED counts a cancellation as a completion", async () => {
  const a = new Future<string>();
  const b = new Future<string>();
  later(5, () => a.cancel());
  const { done, notDone } = await wait([a, b], {
    returnWhen: FIRST_COMPLETED,
  });
  assert.deepEqual([...done], [a]);
  assert.deepEqual([...notDone], [b]);
});

Deno.test("wait FIRST_COMPLETED with one already done returns at once", async () => {
  const a = new Future<number>();
  const b = new Future<number>();
  b.setResult(2);
  const { done, notDone } = await wait([a, b], {
    returnWhen: FIRST_COMPLETED,
  });
  assert.deepEqual([...done], [b]);
  assert.deepEqual([...notDone], [a]);
});

Deno.test("wait FIRST_EXCEPTION returns at the first failure, not at successes", async () => {
  const ok = new Future<number>();
  const bad = new Future<number>();
  const slow = new Future<number>();
  later(5, () => ok.setResult(1));
  later(15, () => bad.setException(new TypeError("bad")));
  const { done, notDone } = await wait([ok, bad, slow], {
    returnWhen: FIRST_EXCEPTION,
  });
  assert.deepEqual(new Set(done), new Set([ok, bad]));
  assert.deepEqual([...notDone], [slow]);
});

Deno.test("wait FIRST_EXCEPTION does not stop at a cancellation", async () => {
  const a = new Future<number>();
  const b = new Future<number>();
  later(5, () => a.cancel());
  later(15, () => b.setResult(2));
  const { done, notDone } = await wait([a, b], {
    returnWhen: FIRST_EXCEPTION,
  });
  assert.deepEqual(new Set(done), new Set([a, b]));
  assert.equal(notDone.size, 0);
});

Deno.test("wait FIRST_EXCEPTION with no failure behaves as ALL_COMPLETED", async () => {
  const a = new Future<number>();
  const b = new Future<number>();
  later(5, () => a.setResult(1));
  later(10, () => b.setResult(2));
  const { done } = await wait([a, b], { returnWhen: FIRST_EXCEPTION });
  assert.equal(done.size, 2);
});

Deno.test("wait FIRST_EXCEPTION with an already failed future returns at once", async () => {
  const a = new Future<number>();
  const b = new Future<number>();
  b.setException(new Error("x"));
  const { done, notDone } = await wait([a, b], {
    returnWhen: FIRST_EXCEPTION,
  });
  assert.deepEqual([...done], [b]);
  assert.deepEqual([...notDone], [a]);
});

Deno.test("wait with a timeout returns what is done, never rejects", async () => {
  const a = new Future<number>();
  const b = new Future<number>();
  later(5, () => a.setResult(1));
  const start = performance.now();
  const { done, notDone } = await wait([a, b], {
    timeout: 40,
    returnWhen: ALL_COMPLETED,
  });
  const elapsed = performance.now() - start;
  assert.deepEqual([...done], [a]);
  assert.deepEqual([...notDone], [b]);
  assert.ok(elapsed >= 35, `returned after ${elapsed} ms, expected ~40`);
});

Deno.test("wait with timeout 0 polls", async () => {
  const a = new Future<number>();
  const b = new Future<number>();
  b.setResult(1);
  const { done, notDone } = await wait([a, b], { timeout: 0 });
  assert.deepEqual([...done], [b]);
  assert.deepEqual([...notDone], [a]);
});

Deno.test("wait counts duplicates once", async () => {
  const a = new Future<number>();
  const b = new Future<number>();
  later(5, () => a.setResult(1));
  later(10, () => b.setResult(2));
  const { done, notDone } = await wait([a, a, b, a]);
  assert.equal(done.size, 2);
  assert.equal(notDone.size, 0);
});

Deno.test("wait on an empty list returns empty sets at once", async () => {
  const { done, notDone } = await wait([]);
  assert.equal(done.size, 0);
  assert.equal(notDone.size, 0);
});

Deno.test("wait accepts any iterable", async () => {
  const a = new Future<number>();
  a.setResult(1);
  function* gen() {
    yield a;
  }
  const { done } = await wait(gen());
  assert.deepEqual([...done], [a]);
});

Deno.test("wait with an already aborted signal rejects with its reason", async () => {
  const a = new Future<number>();
  const reason = new Error("stop");
  await assert.rejects(
    wait([a], { signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
});

Deno.test("wait with a later abort rejects with the reason and removes its callbacks", async () => {
  const a = new CountingFuture<number>();
  const controller = new AbortController();
  later(5, () => controller.abort("enough"));
  await assert.rejects(
    wait([a], { signal: controller.signal, timeout: 10_000 }),
    (e) => e === "enough",
  );
  assert.equal(a.registered, 0);
});

Deno.test("wait does not leave callbacks on the futures that are still pending", async () => {
  const a = new CountingFuture<number>();
  const b = new CountingFuture<number>();
  later(5, () => a.setResult(1));
  await wait([a, b], { returnWhen: FIRST_COMPLETED });
  assert.equal(b.registered, 0);
  await wait([b], { timeout: 5 });
  assert.equal(b.registered, 0, "also after a timeout");
});

Deno.test("wait rejects bad options at once", () => {
  assert.throws(
    () => wait([], { timeout: -5 }),
    /timeout must be a non-negative number of milliseconds, got -5/,
  );
  assert.throws(
    // @ts-expect-error: checking bad input at run time
    () => wait([], { returnWhen: "SOMETIMES" }),
    (e) =>
      e instanceof RangeError &&
      e.message ===
        "returnWhen must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, got SOMETIMES",
  );
});

Deno.test("the constants are Python's names", () => {
  assert.equal(FIRST_COMPLETED, "FIRST_COMPLETED");
  assert.equal(FIRST_EXCEPTION, "FIRST_EXCEPTION");
  assert.equal(ALL_COMPLETED, "ALL_COMPLETED");
});
