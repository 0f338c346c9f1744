// Copyright 2026 the @concurrent/futures authors. MIT license.
// What a coroutine may yield, what it is told when it yields something
// else, and the CancelledError a cancelled task re-raises.
import assert from "node:assert/strict";
import { CancelledError, Future } from "../mod.ts";
import {
  type Coroutine,
  createTask,
  EventLoop,
  run,
  sleep,
} from "../loop/mod.ts";

Deno.test("yield sleep(0), a coroutine without yield*, fails with a TypeError saying to use yield*", async () => {
  for (const coroutine of [sleep(0), sleep(5), (function* () {})()]) {
    const error = await run(
      (function* () {
        try {
          yield coroutine;
        } catch (error) {
          return error;
        }
      })(),
      { virtualTime: true },
    );
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /yielded a coroutine/);
    assert.match(error.message, /write yield\*/);
    assert.doesNotMatch(error.message, /sleep\(0\) can be awaited/);
  }
  const five = await run((function* () {
    try {
      yield 5;
    } catch (error) {
      return error;
    }
  })()) as TypeError;
  assert.match(five.message, /yielded number 5, which cannot be awaited/);
});

Deno.test("yield task and yield future both wait, as yield promise does, and evaluate to the value", async () => {
  const got = await run((function* (): Coroutine<unknown[]> {
    const task = createTask(sleep(10, "task"));
    const future = new Future<string>();
    setTimeout(() => future.setResult("future"), 1);
    const fromTask = yield task;
    const fromFuture = yield future;
    const fromPromise = yield Promise.resolve("promise");
    return [fromTask, fromFuture, fromPromise];
  })());
  assert.deepEqual(got, ["task", "future", "promise"]);
});

Deno.test("awaiting a task cancelled with a message re-raises the very CancelledError its coroutine let out", async () => {
  const loop = new EventLoop({ virtualTime: true });
  let thrownIn: unknown;
  const task = loop.createTask((function* () {
    try {
      yield* sleep(1000);
    } catch (error) {
      thrownIn = error;
      throw error;
    }
  })());
  loop.callSoon(() => task.cancel("closing"));
  const outside = await loop.runUntilComplete(task).catch((e) => e);
  assert.ok(thrownIn instanceof CancelledError);
  assert.equal(thrownIn.message, "closing");
  assert.equal(outside, thrownIn);
  assert.throws(() => task.resultNow(), (e) => e === thrownIn);
  await assert.rejects(task.result(), (e) => e === thrownIn);
  // A coroutine awaiting the task gets it too.
  const seen = await loop.runUntilComplete((function* () {
    try {
      yield* task;
    } catch (error) {
      return error;
    }
  })());
  assert.equal(seen, thrownIn);
  loop.close();
});
