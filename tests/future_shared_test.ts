// Copyright 2026 the @concurrent/futures authors. MIT license.
// The private helpers every layer shares: the race against a deadline and
// a signal, and the copy of one future's outcome onto another.
import assert from "node:assert/strict";
import { CancelledError, Future, TimeoutError } from "../future/mod.ts";
import { armRace, race } from "../future/_race.ts";
import { chainFuture, copyOutcome } from "../future/_chain.ts";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("armRace: the timeout fires once and disarms the signal", async () => {
  const controller = new AbortController();
  const seen: string[] = [];
  armRace(
    { timeout: 5, signal: controller.signal },
    () => seen.push("timeout"),
    () => seen.push("abort"),
  );
  await tick(20);
  controller.abort();
  await tick(0);
  assert.deepEqual(seen, ["timeout"]);
});

Deno.test("armRace: an abort fires once with the reason and stops the timer", async () => {
  const controller = new AbortController();
  const seen: unknown[] = [];
  armRace(
    { timeout: 20, signal: controller.signal },
    () => seen.push("timeout"),
    (reason) => seen.push(reason),
  );
  controller.abort("why");
  await tick(40);
  assert.deepEqual(seen, ["why"]);
});

Deno.test("armRace: disarm stops both; an aborted signal fires on a microtask", async () => {
  const controller = new AbortController();
  const seen: string[] = [];
  const disarm = armRace(
    { timeout: 5, signal: controller.signal },
    () => seen.push("timeout"),
    () => seen.push("abort"),
  );
  disarm();
  disarm();
  controller.abort();
  await tick(20);
  assert.deepEqual(seen, []);

  const reasons: unknown[] = [];
  armRace({ signal: AbortSignal.abort("early") }, () => {}, (r) => {
    reasons.push(r);
  });
  assert.deepEqual(reasons, []); // not synchronously
  await Promise.resolve();
  assert.deepEqual(reasons, ["early"]);
});

Deno.test("race: settles as the promise, or with a timeout or the reason", async () => {
  const timeoutError = () => new TimeoutError("late");
  assert.equal(
    await race(Promise.resolve(1), { timeout: 50 }, timeoutError),
    1,
  );
  await assert.rejects(
    race(Promise.reject(new RangeError("own")), { timeout: 50 }, timeoutError),
    RangeError,
  );
  await assert.rejects(
    race(new Promise(() => {}), { timeout: 5 }, timeoutError),
    TimeoutError,
  );
  await assert.rejects(
    race(new Promise(() => {}), { timeout: 0 }, timeoutError),
    TimeoutError,
  );
  const controller = new AbortController();
  const raced = race(new Promise(() => {}), {
    signal: controller.signal,
  }, timeoutError);
  controller.abort(new SyntaxError("stop"));
  await assert.rejects(raced, SyntaxError);
  await assert.rejects(
    race(Promise.resolve(1), { signal: AbortSignal.abort("no") }, timeoutError),
    (e) => e === "no",
  );
});

Deno.test("race: a promise that loses and then rejects is not unhandled", async () => {
  let rejectLater!: (e: unknown) => void;
  const loser = new Promise((_, reject) => rejectLater = reject);
  await assert.rejects(
    race(loser, { timeout: 1 }, () => new TimeoutError()),
    TimeoutError,
  );
  rejectLater(new Error("after the race")); // the test fails if unhandled
  await tick(10);
});

Deno.test("copyOutcome copies a value, an error and a cancellation", () => {
  const value = Future.from(2);
  const doubled = new Future<number>();
  copyOutcome(value, doubled, (n) => n * 2);
  assert.equal(doubled.resultNow(), 4);

  const failedSource = new Future<number>();
  failedSource.setException(undefined);
  const failedTarget = new Future<number>();
  copyOutcome(failedSource, failedTarget);
  assert.equal(failedTarget.done(), true);
  assert.throws(() => failedTarget.resultNow(), (e) => e === undefined);

  const cancelled = new Future<number>();
  cancelled.cancel();
  const target = new Future<number>();
  copyOutcome(cancelled, target);
  assert.equal(target.cancelled(), true);

  const badMap = new Future<number>();
  copyOutcome(value, badMap, () => {
    throw new TypeError("map");
  });
  assert.ok(badMap.exceptionNow() instanceof TypeError);

  const done = Future.from(1);
  copyOutcome(Future.from(5), done); // a done target is left alone
  assert.equal(done.resultNow(), 1);
});

Deno.test("chainFuture copies once the source is done; cancelling the target cancels it", async () => {
  const source = new Future<string>();
  const target = new Future<string>();
  chainFuture(source, target);
  setTimeout(() => source.setResult("later"), 5);
  assert.equal(await target.result(), "later");

  const source2 = new Future<string>();
  const target2 = new Future<string[]>();
  chainFuture(source2, target2, (s) => [s]);
  target2.cancel();
  assert.equal(source2.cancelled(), true);
  await assert.rejects(target2.result(), CancelledError);

  const running = new Future<string>();
  running.setRunningOrNotifyCancel();
  const target3 = new Future<string>();
  chainFuture(running, target3);
  target3.cancel(); // the source refuses: it runs on, the target stays cancelled
  running.setResult("unobserved");
  assert.equal(target3.cancelled(), true);
});
