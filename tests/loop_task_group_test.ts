// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import { CancelledError, InvalidStateError } from "../future/mod.ts";
import {
  type Coroutine,
  currentTask,
  EventLoop,
  run,
  sleep,
  TaskGroup,
} from "../loop/mod.ts";

const virtualTime = true;

function* fail(ms: number, message: string): Coroutine<never> {
  yield* sleep(ms);
  throw new Error(message);
}

Deno.test("TaskGroup waits for every child and returns the body's value", async () => {
  const finished: number[] = [];
  function* job(ms: number): Coroutine<number> {
    yield* sleep(ms);
    finished.push(ms);
    return ms;
  }
  function* main(): Coroutine<string> {
    return yield* TaskGroup.run(function* (tg) {
      tg.createTask(job(30));
      tg.createTask(job(10));
      tg.createTask(job(20), { name: "twenty" });
      return "body";
    });
  }
  assert.equal(await run(main(), { virtualTime }), "body");
  assert.deepEqual(finished, [10, 20, 30]);
});

Deno.test("TaskGroup: the first failure cancels siblings and body; AggregateError of all failures", async () => {
  const log: string[] = [];
  function* sibling(): Coroutine<void> {
    try {
      yield* sleep(10_000);
    } catch (e) {
      log.push(`sibling ${(e as Error).name}`);
      throw e;
    }
  }
  function* main(): Coroutine<unknown> {
    try {
      yield* TaskGroup.run(function* (tg) {
        tg.createTask(fail(10, "first"));
        tg.createTask(fail(10, "second"));
        tg.createTask(sibling());
        try {
          yield* sleep(10_000);
        } catch (e) {
          log.push(`body ${(e as Error).name}`);
          throw e;
        }
      });
    } catch (e) {
      log.push(`cancelling ${currentTask()!.cancelling()}`);
      return e;
    }
  }
  const loop = new EventLoop({ virtualTime });
  const error = await loop.runUntilComplete(main()) as AggregateError;
  assert.ok(error instanceof AggregateError);
  assert.deepEqual(error.errors.map((e: Error) => e.message), [
    "first",
    "second",
  ]);
  assert.deepEqual(log, [
    "sibling CancelledError",
    "body CancelledError",
    "cancelling 0",
  ]);
  assert.equal(loop.time(), 10);
  loop.close();
});

Deno.test("TaskGroup: the body's own error joins the children's", async () => {
  function* main(): Coroutine<void> {
    yield* TaskGroup.run(function* (tg) {
      tg.createTask(sleep(100));
      yield* sleep(1);
      throw new TypeError("body failed");
    });
  }
  const error = await run(main(), { virtualTime }).catch((e) => e);
  assert.ok(error instanceof AggregateError);
  assert.equal(error.errors.length, 1);
  assert.ok(error.errors[0] instanceof TypeError);
});

Deno.test("TaskGroup: cancelling the parent cancels the children and propagates", async () => {
  const loop = new EventLoop({ virtualTime });
  const cancelled: string[] = [];
  function* child(name: string): Coroutine<void> {
    try {
      yield* sleep(1000);
    } catch (e) {
      cancelled.push(name);
      throw e;
    }
  }
  const task = loop.createTask(TaskGroup.run(function* (tg) {
    tg.createTask(child("a"));
    tg.createTask(child("b"));
    yield* sleep(0);
  }));
  loop.callLater(10, () => task.cancel());
  await assert.rejects(loop.runUntilComplete(task), CancelledError);
  assert.deepEqual(cancelled, ["a", "b"]);
  loop.close();
});

Deno.test("TaskGroup refuses new tasks once finished or shutting down", async () => {
  let group: TaskGroup | null = null;
  let shuttingDown: unknown;
  function* main(): Coroutine<void> {
    try {
      yield* TaskGroup.run(function* (tg) {
        group = tg;
        tg.createTask(fail(1, "x"));
        try {
          yield* sleep(100);
        } finally {
          try {
            tg.createTask(sleep(1));
          } catch (e) {
            shuttingDown = e;
          }
        }
      });
    } catch {
      // the AggregateError
    }
  }
  await run(main(), { virtualTime });
  assert.ok(shuttingDown instanceof InvalidStateError);
  assert.throws(() => group!.createTask(sleep(1)), InvalidStateError);
});

Deno.test("TaskGroup.run outside a task throws", async () => {
  const loop = new EventLoop({ virtualTime });
  let error: unknown;
  loop.callSoon(() => {
    try {
      TaskGroup.run(function* () {}).next();
    } catch (e) {
      error = e;
    }
  });
  await loop.runUntilComplete(sleep(0));
  assert.ok(error instanceof InvalidStateError);
  loop.close();
});

Deno.test("TaskGroup: an outside cancellation while the body waits cancels the children; the parent ends cancelled", async () => {
  const loop = new EventLoop({ virtualTime });
  const log: string[] = [];
  function* child(name: string): Coroutine<void> {
    try {
      yield* sleep(1000);
    } finally {
      log.push(`${name} @${loop.time()}`);
    }
  }
  function* parent(): Coroutine<string> {
    try {
      yield* TaskGroup.run(function* (tg) {
        tg.createTask(child("a"));
        tg.createTask(child("b"));
        yield* sleep(5000);
      });
    } catch (e) {
      log.push(`parent ${(e as Error).name}`);
      throw e;
    }
    return "not reached";
  }
  const task = loop.createTask(parent());
  loop.callLater(10, () => task.cancel());
  await assert.rejects(loop.runUntilComplete(task), CancelledError);
  assert.deepEqual(log, ["a @10", "b @10", "parent CancelledError"]);
  assert.equal(task.cancelled(), true);
  assert.equal(task.cancelling(), 1);
  loop.close();
});

Deno.test("TaskGroup: children failing during an outside cancellation give AggregateError, and the parent stays cancelled (3.13)", async () => {
  const loop = new EventLoop({ virtualTime });
  const log: string[] = [];
  function* failsWhenCancelled(): Coroutine<void> {
    try {
      yield* sleep(1000);
    } catch {
      throw new RangeError("clean-up failed");
    }
  }
  function* parent(): Coroutine<string> {
    try {
      yield* TaskGroup.run(function* (tg) {
        tg.createTask(failsWhenCancelled());
        yield* sleep(5000);
      });
    } catch (e) {
      const errors = (e as AggregateError).errors;
      log.push(`${(e as Error).name}: ${errors.map((x) => x.message)}`);
    }
    log.push(`cancelling ${currentTask()!.cancelling()}`);
    try {
      yield* sleep(0); // the next suspension
      log.push("sleep returned");
    } catch (e) {
      log.push(`then ${(e as Error).name}`);
      throw e;
    }
    return "finished normally";
  }
  const task = loop.createTask(parent());
  loop.callLater(10, () => task.cancel());
  const outcome = await loop.runUntilComplete(task).catch((e) => e);
  assert.ok(outcome instanceof CancelledError, String(outcome));
  assert.deepEqual(log, [
    "AggregateError: clean-up failed",
    "cancelling 1",
    "then CancelledError",
  ]);
  assert.equal(task.cancelled(), true);
  loop.close();
});
