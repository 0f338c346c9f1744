// Copyright 2026 the @concurrent/futures authors. MIT license.
// Cancellation arriving at awkward moments: while re-acquiring a lock after
// a notify, after a timeout of the caller's own, undone by uncancel(), and
// a consumer giving up on one asCompleted() item.
import assert from "node:assert/strict";
import { CancelledError, TimeoutError } from "../future/mod.ts";
import {
  asCompleted,
  Condition,
  type Coroutine,
  currentTask,
  sleep,
  timeout,
  wait,
  waitFor,
} from "../loop/mod.ts";
import { runLoop } from "./_util/loop.ts";

Deno.test("Condition: a waiter cancelled while re-acquiring passes its notify on", async () => {
  const log = await runLoop(function* (loop) {
    const cond = new Condition();
    const log: string[] = [];
    function* waiter(name: string): Coroutine<void> {
      yield* cond.acquire();
      try {
        yield* cond.wait();
        log.push(`${name} woke at ${loop.time()}`);
      } catch (error) {
        log.push(`${name} ${(error as Error).name} at ${loop.time()}`);
      } finally {
        cond.release();
      }
    }
    const a = loop.createTask(waiter("A"));
    const b = loop.createTask(waiter("B"));
    yield* sleep(10);
    yield* cond.acquire();
    cond.notify(1); // meant for A
    yield* sleep(0); // A is woken and now waits for the lock we hold
    a.cancel();
    yield* sleep(10);
    cond.release();
    yield* sleep(1000);
    log.push(`B done: ${b.done()}`);
    return log;
  });
  assert.deepEqual(log, [
    "A CancelledError at 20",
    "B woke at 20",
    "B done: true",
  ]);
});

Deno.test("timeout(): an expired deadline undoes only its own cancel()", async () => {
  const counts = await runLoop(function* (loop) {
    return yield* loop.createTask(function* (): Coroutine<number[]> {
      const task = currentTask()!;
      task.cancel(); // a request from outside, handled and kept pending
      try {
        yield* sleep(0);
      } catch (error) {
        assert.ok(error instanceof CancelledError);
      }
      const before = task.cancelling();
      let timedOut = false;
      try {
        yield* timeout(10, sleep(100));
      } catch (error) {
        timedOut = error instanceof TimeoutError;
      }
      assert.equal(timedOut, true);
      return [before, task.cancelling()];
    }());
  });
  assert.deepEqual(counts, [1, 1]);
});

Deno.test("cancel() then uncancel() of a sleeping task still cancels the sleep", async () => {
  const outcomes = await runLoop(function* (loop) {
    const outcomes: string[] = [];
    function* sleeper(): Coroutine<void> {
      try {
        yield* sleep(1000);
        outcomes.push(`returned at ${loop.time()}`);
      } catch (error) {
        outcomes.push(`${(error as Error).name} at ${loop.time()}`);
      }
    }
    const task = loop.createTask(sleeper());
    yield* sleep(10);
    assert.equal(task.cancel(), true);
    assert.equal(task.uncancel(), 0);
    yield* sleep(2000);
    return outcomes;
  });
  assert.deepEqual(outcomes, ["CancelledError at 10"]);
});

Deno.test("asCompleted: giving up on one item does not delay the next", async () => {
  const seen = await runLoop(function* (loop) {
    const it = asCompleted([sleep(100, "a"), sleep(200, "b")]);
    const seen: string[] = [];
    try {
      yield* waitFor(it.next().value!, 50);
    } catch (error) {
      seen.push(`${(error as Error).name} at ${loop.time()}`);
    }
    const value = yield* waitFor(it.next().value!, 1000);
    seen.push(`${value} at ${loop.time()}`);
    return seen;
  });
  assert.deepEqual(seen, ["TimeoutError at 50", "a at 100"]);
});

Deno.test("wait and asCompleted run the same coroutine once, as Python's set(fs)", async () => {
  const runs: string[] = [];
  const outcome = await runLoop(function* () {
    function* job(name: string): Coroutine<string> {
      runs.push(name);
      yield* sleep(1);
      return name;
    }
    const c = job("wait");
    const { done, notDone } = yield* wait([c, c]);
    const d = job("asCompleted");
    const seen: string[] = [];
    for (const next of asCompleted([d, d])) seen.push(yield* next);
    return { done: [...done].map((f) => f.resultNow()), notDone, seen };
  });
  assert.deepEqual(runs, ["wait", "asCompleted"]);
  assert.deepEqual(outcome.done, ["wait"]);
  assert.equal(outcome.notDone.size, 0);
  assert.deepEqual(outcome.seen, ["asCompleted"]);
});
