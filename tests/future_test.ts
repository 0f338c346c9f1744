// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import {
  CancelledError,
  Future,
  InvalidStateError,
  TimeoutError,
} from "../future/mod.ts";

Deno.test("Future starts pending and finishes with a value", async () => {
  const f = new Future<number>();
  assert.equal(f.state, "pending");
  assert.equal(f.done(), false);
  assert.equal(f.running(), false);
  assert.equal(f.cancelled(), false);
  f.setResult(3);
  assert.equal(f.state, "finished");
  assert.equal(f.done(), true);
  assert.equal(f.resultNow(), 3);
  assert.equal(f.exceptionNow(), undefined);
  assert.equal(await f.result(), 3);
  assert.equal(await f.exception(), undefined);
});

Deno.test("Future pending -> running -> finished", async () => {
  const f = new Future<string>();
  assert.equal(f.setRunningOrNotifyCancel(), true);
  assert.equal(f.state, "running");
  assert.equal(f.running(), true);
  assert.equal(f.done(), false);
  f.setResult("x");
  assert.equal(f.state, "finished");
  assert.equal(f.running(), false);
  assert.equal(await f.result(), "x");
});

Deno.test("Future pending -> running -> failed", async () => {
  const f = new Future<string>();
  f.setRunningOrNotifyCancel();
  const error = new RangeError("out");
  f.setException(error);
  assert.equal(f.state, "finished");
  assert.equal(f.exceptionNow(), error);
  assert.equal(await f.exception(), error);
  await assert.rejects(f.result(), (e) => e === error);
  assert.throws(() => f.resultNow(), (e) => e === error);
});

Deno.test("illegal transitions throw InvalidStateError", () => {
  const finished = new Future<number>();
  finished.setResult(1);
  assert.throws(() => finished.setResult(2), InvalidStateError);
  assert.throws(() => finished.setException(new Error()), InvalidStateError);
  assert.throws(
    () => finished.setRunningOrNotifyCancel(),
    /Cannot mark a finished future as running/,
  );
  assert.equal(finished.resultNow(), 1, "the first result stays");

  const failed = new Future<number>();
  failed.setException(new Error("first"));
  assert.throws(() => failed.setResult(1), InvalidStateError);
  assert.throws(() => failed.setException(new Error()), InvalidStateError);

  const cancelled = new Future<number>();
  cancelled.cancel();
  assert.throws(
    () => cancelled.setResult(1),
    (e) =>
      e instanceof InvalidStateError &&
      e.message === "Cannot set the result of a cancelled future",
  );
  assert.throws(
    () => cancelled.setException(new Error()),
    /Cannot set the exception of a cancelled future/,
  );

  const running = new Future<number>();
  running.setRunningOrNotifyCancel();
  assert.throws(() => running.setRunningOrNotifyCancel(), InvalidStateError);

  const pending = new Future<number>();
  assert.throws(
    () => pending.resultNow(),
    (e) =>
      e instanceof InvalidStateError &&
      e.message === "resultNow() needs a done future, this one is pending",
  );
  assert.throws(() => pending.exceptionNow(), InvalidStateError);
  assert.throws(() => running.resultNow(), /this one is running/);
});

Deno.test("cancel(): true while pending or cancelled, false when running or finished", async () => {
  const pending = new Future<number>();
  assert.equal(pending.cancel(), true);
  assert.equal(pending.state, "cancelled");
  assert.equal(pending.cancelled(), true);
  assert.equal(pending.done(), true);
  assert.equal(pending.cancel(), true, "cancelling again is still true");

  const running = new Future<number>();
  running.setRunningOrNotifyCancel();
  assert.equal(running.cancel(), false);
  assert.equal(running.state, "running");

  const finished = new Future<number>();
  finished.setResult(1);
  assert.equal(finished.cancel(), false);
  assert.equal(await finished.result(), 1);

  const failed = new Future<number>();
  failed.setException(new Error("x"));
  assert.equal(failed.cancel(), false);
  assert.equal(failed.state, "finished");
});

Deno.test("a cancelled future rejects result() and exception() with CancelledError", async () => {
  const f = new Future<number>();
  const waiting = f.result();
  const waitingException = f.exception();
  f.cancel("no longer needed");
  await assert.rejects(
    waiting,
    (e) => e instanceof CancelledError && e.message === "no longer needed",
  );
  await assert.rejects(waitingException, CancelledError);
  await assert.rejects(f.result(), CancelledError);
  await assert.rejects(f.exception(), CancelledError);
  assert.throws(() => f.resultNow(), CancelledError);
  assert.throws(() => f.exceptionNow(), CancelledError);
  assert.equal(f.setRunningOrNotifyCancel(), false);
  assert.equal(f.state, "cancelled");
});

Deno.test("done callbacks fire on cancel, synchronously", () => {
  const f = new Future<number>();
  const seen: string[] = [];
  f.addDoneCallback((fut) => seen.push(fut.state));
  f.cancel();
  assert.deepEqual(seen, ["cancelled"]);
});

Deno.test("done callbacks run in registration order, synchronously, once", () => {
  const f = new Future<number>();
  const seen: string[] = [];
  f.addDoneCallback(() => seen.push("a"));
  f.addDoneCallback(() => seen.push("b"));
  f.addDoneCallback((fut) => seen.push(`c:${fut.resultNow()}`));
  assert.deepEqual(seen, []);
  f.setResult(7);
  assert.deepEqual(seen, ["a", "b", "c:7"]);
  assert.throws(() => f.setResult(8), InvalidStateError);
  assert.deepEqual(seen, ["a", "b", "c:7"], "callbacks run only once");
});

Deno.test("done callbacks run inside setException", () => {
  const f = new Future<number>();
  const seen: unknown[] = [];
  const error = new Error("e");
  f.addDoneCallback((fut) => seen.push(fut.exceptionNow()));
  f.setException(error);
  assert.deepEqual(seen, [error]);
});

Deno.test("a callback added to a done future runs at once", () => {
  const f = new Future<number>();
  f.setResult(1);
  const seen: number[] = [];
  f.addDoneCallback((fut) => seen.push(fut.resultNow()));
  assert.deepEqual(seen, [1]);
});

Deno.test("a throwing callback is logged and does not stop the others", () => {
  const f = new Future<number>();
  const seen: string[] = [];
  const logged: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    f.addDoneCallback(() => seen.push("first"));
    f.addDoneCallback(() => {
      throw new Error("callback failed");
    });
    f.addDoneCallback(() => seen.push("third"));
    f.setResult(1);
  } finally {
    console.error = original;
  }
  assert.deepEqual(seen, ["first", "third"]);
  assert.equal(logged.length, 1);
  const error = logged[0].find((a) => a instanceof Error) as Error;
  assert.equal(error.message, "callback failed");
  assert.match(String(logged[0][0]), /done callback/);
});

Deno.test("addDoneCallback rejects a non-function", () => {
  const f = new Future<number>();
  assert.throws(
    // @ts-expect-error: checking bad input at run time
    () => f.addDoneCallback("nope"),
    (e) =>
      e instanceof TypeError &&
      e.message === "addDoneCallback() needs a function, got string",
  );
});

Deno.test("removeDoneCallback removes every registration and counts them", () => {
  const f = new Future<number>();
  const seen: string[] = [];
  const a = () => seen.push("a");
  const b = () => seen.push("b");
  f.addDoneCallback(a);
  f.addDoneCallback(b);
  f.addDoneCallback(a);
  assert.equal(f.removeDoneCallback(a), 2);
  assert.equal(f.removeDoneCallback(a), 0);
  f.setResult(1);
  assert.deepEqual(seen, ["b"]);
  assert.equal(f.removeDoneCallback(b), 0, "callbacks are dropped once run");
});

Deno.test("result(timeout) rejects TimeoutError while the future goes on", async () => {
  const f = new Future<number>();
  const start = performance.now();
  await assert.rejects(
    f.result(30),
    (e) =>
      e instanceof TimeoutError &&
      e.message === "The future was not done within 30 ms",
  );
  const elapsed = performance.now() - start;
  assert.ok(elapsed >= 25, `timed out after ${elapsed} ms, expected ~30`);
  assert.equal(f.state, "pending");
  f.setResult(5);
  assert.equal(await f.result(10), 5);
});

Deno.test("exception(timeout) rejects TimeoutError", async () => {
  const f = new Future<number>();
  await assert.rejects(f.exception(10), TimeoutError);
  assert.equal(f.done(), false);
});

Deno.test("result(timeout) resolves when done in time and leaves no timer", async () => {
  const f = new Future<number>();
  setTimeout(() => f.setResult(9), 5);
  assert.equal(await f.result(10_000), 9);
  // Deno's op sanitizer fails this test if the 10 s timer were left running.
});

Deno.test("result(0) on a pending future times out; on a done one resolves", async () => {
  const pending = new Future<number>();
  await assert.rejects(pending.result(0), TimeoutError);
  const done = new Future<number>();
  done.setResult(2);
  assert.equal(await done.result(0), 2);
});

Deno.test("result() without timeout waits until the future is done", async () => {
  const f = new Future<string>();
  let settled = false;
  const waiting = f.result().then((v) => {
    settled = true;
    return v;
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(settled, false);
  f.setResult("late");
  assert.equal(await waiting, "late");
  assert.equal(settled, true);
});

Deno.test("a negative, NaN or non-number timeout is a RangeError", () => {
  const f = new Future<number>();
  for (const bad of [-1, NaN, -Infinity]) {
    assert.throws(
      () => f.result(bad),
      (e) =>
        e instanceof RangeError &&
        e.message ===
          `timeout must be a non-negative number of milliseconds, got ${bad}`,
    );
    assert.throws(() => f.exception(bad), RangeError);
  }
  // @ts-expect-error: checking bad input at run time
  assert.throws(() => f.result("10"), /got string/);
});

Deno.test("errors keep their class, message, stack and cause", async () => {
  const cause = new SyntaxError("root");
  const error = new TypeError("wrapped", { cause });
  const f = new Future<number>();
  f.setException(error);
  const caught = await f.result().catch((e) => e);
  assert.equal(caught, error);
  assert.ok(caught instanceof TypeError);
  assert.equal(caught.message, "wrapped");
  assert.equal(caught.stack, error.stack);
  assert.equal(caught.cause, cause);
});

Deno.test("non-Error throws are stored and returned as thrown", async () => {
  const s = new Future<number>();
  s.setException("a string");
  await assert.rejects(s.result(), (e) => e === "a string");
  assert.equal(await s.exception(), "a string");

  const u = new Future<number>();
  u.setException(undefined);
  assert.equal(u.state, "finished");
  const outcome = await u.result().then(
    () => "resolved",
    (e) => ["rejected", e],
  );
  assert.deepEqual(outcome, ["rejected", undefined]);
  assert.throws(() => u.resultNow(), (e) => e === undefined);
});

Deno.test("many waiters all see the outcome", async () => {
  const f = new Future<number>();
  const waits = [f.result(), f.result(1000), f.exception(), f.result()];
  f.setResult(4);
  assert.deepEqual(await Promise.all(waits), [4, 4, undefined, 4]);
});

Deno.test("Future.from a resolved, rejected and pending promise and a value", async () => {
  const resolved = Future.from(Promise.resolve(1));
  assert.equal(await resolved.result(), 1);

  const error = new Error("rejected");
  const rejected = Future.from(Promise.reject(error));
  assert.equal(await rejected.exception(), error);

  const { promise, resolve } = Promise.withResolvers<string>();
  const pending = Future.from(promise);
  assert.equal(pending.state, "pending");
  resolve("later");
  assert.equal(await pending.result(), "later");

  const value = Future.from(5);
  assert.equal(value.state, "finished");
  assert.equal(value.resultNow(), 5);

  const thenable: PromiseLike<number> = {
    then(onFulfilled) {
      onFulfilled?.(8);
      return Promise.resolve() as never;
    },
  };
  assert.equal(await Future.from(thenable).result(), 8);
});

Deno.test("Future.from a thenable whose then() throws gives a failed future", async () => {
  const error = new Error("then failed");
  const thenable = {
    then(): never {
      throw error;
    },
  } as unknown as PromiseLike<number>;
  const future = Future.from(thenable);
  assert.equal(future.state, "finished");
  assert.equal(await future.exception(), error);
});

Deno.test("Future.from a promise that settles after the future was cancelled", async () => {
  const { promise, resolve } = Promise.withResolvers<number>();
  const f = Future.from(promise);
  f.cancel();
  resolve(1);
  await promise;
  assert.equal(f.state, "cancelled");
});

Deno.test("a Future is not thenable", async () => {
  const f = new Future<number>();
  f.setResult(1);
  assert.equal("then" in f, false);
  // Awaiting the future yields the future itself, not its value.
  const awaited = await Promise.resolve(f);
  assert.equal(awaited, f);
});

Deno.test("Future<number> is assignable to Future<unknown>", () => {
  const numbers: Future<number>[] = [new Future<number>()];
  const unknowns: Future<unknown>[] = numbers;
  assert.equal(unknowns.length, 1);
});

Deno.test("yield* future inside a hand-driven generator", () => {
  const f = new Future<number>();
  function* coro(): Generator<unknown, number, unknown> {
    const v = yield* f;
    return v + 1;
  }
  const g = coro();
  const first = g.next();
  assert.equal(first.done, false);
  assert.equal(first.value, f);
  f.setResult(41);
  assert.deepEqual(g.next(), { value: 42, done: true });
});

Deno.test("yield* on a done future does not suspend", () => {
  const f = new Future<string>();
  f.setResult("now");
  function* coro(): Generator<unknown, string, unknown> {
    return yield* f;
  }
  assert.deepEqual(coro().next(), { value: "now", done: true });
});

Deno.test("yield* on a failed or cancelled future throws into the generator", () => {
  const failed = new Future<number>();
  const error = new Error("inner");
  failed.setException(error);
  function* catching(f: Future<number>): Generator<unknown, unknown, unknown> {
    try {
      return yield* f;
    } catch (e) {
      return e;
    }
  }
  assert.equal(catching(failed).next().value, error);

  const cancelled = new Future<number>();
  cancelled.cancel();
  assert.ok(catching(cancelled).next().value instanceof CancelledError);
});

Deno.test("resuming yield* before the future is done throws InvalidStateError", () => {
  const f = new Future<number>();
  function* coro(): Generator<unknown, number, unknown> {
    return yield* f;
  }
  const g = coro();
  g.next();
  assert.throws(
    () => g.next(),
    (e) =>
      e instanceof InvalidStateError &&
      /resumed before the future was done/.test(e.message),
  );
});

Deno.test("Deno.inspect shows the state and outcome", () => {
  const f = new Future<number>();
  assert.equal(Deno.inspect(f), "Future { <pending> }");
  f.setResult(3);
  assert.equal(Deno.inspect(f), "Future { <finished> 3 }");
  const g = new Future<number>();
  g.cancel();
  assert.equal(Deno.inspect(g), "Future { <cancelled> }");
});
