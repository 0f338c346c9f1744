// Copyright 2026 the @concurrent/futures authors. MIT license.
// asyncio.create_task and asyncio.ensure_future as module functions.
import assert from "node:assert/strict";
import { asyncio } from "../mod.ts";
import { Future, InvalidStateError } from "../future/mod.ts";
import {
  type Coroutine,
  createTask,
  ensureFuture,
  getEventLoop,
  getRunningLoop,
  newEventLoop,
  run,
  setEventLoop,
  sleep,
  Task,
} from "../loop/mod.ts";

const virtualTime = true;

Deno.test("createTask: a task on the running loop, named, started when the creator yields", async () => {
  const log: string[] = [];
  function* child(): Coroutine<string> {
    log.push("child starts");
    yield* sleep(10);
    return "child";
  }
  function* main(): Coroutine<string> {
    const task = createTask(child(), { name: "worker" });
    assert.ok(task instanceof Task);
    assert.equal(task.getLoop(), getRunningLoop());
    assert.equal(task.getName(), "worker");
    assert.match(createTask(sleep(0)).getName(), /^Task-\d+$/);
    log.push("created");
    yield* sleep(0);
    log.push("yielded");
    return yield* task;
  }
  assert.equal(await run(main(), { virtualTime }), "child");
  assert.deepEqual(log, ["created", "child starts", "yielded"]);
});

Deno.test("createTask outside a running loop throws InvalidStateError; a bad coroutine TypeError", async () => {
  const coro = sleep(1);
  assert.throws(() => createTask(coro), InvalidStateError);
  await run((function* () {
    yield* sleep(0);
    // @ts-expect-error: not a coroutine
    assert.throws(() => createTask(5), TypeError);
  })());
});

Deno.test("ensureFuture: a future as it is, a coroutine as a task of the running loop, a promise as a future", async () => {
  function* main(): Coroutine<unknown[]> {
    const future = new Future<number>();
    assert.equal(ensureFuture(future), future);
    const task = createTask(sleep(5, "task"));
    assert.equal(ensureFuture(task), task);
    const wrapped = ensureFuture(sleep(10, "coroutine"));
    assert.ok(wrapped instanceof Task);
    assert.equal((wrapped as Task<string>).getLoop(), getRunningLoop());
    const promised = ensureFuture(Promise.resolve("promise"));
    assert.ok(promised instanceof Future);
    future.setResult(1);
    return [
      yield* future,
      yield* task,
      yield* wrapped,
      yield* promised,
    ];
  }
  assert.deepEqual(await run(main(), { virtualTime }), [
    1,
    "task",
    "coroutine",
    "promise",
  ]);
});

Deno.test("ensureFuture outside a running loop puts a coroutine on getEventLoop()", async () => {
  const loop = newEventLoop({ virtualTime });
  setEventLoop(loop);
  try {
    const task = ensureFuture(sleep(100, "later")) as Task<string>;
    assert.equal(task.getLoop(), getEventLoop());
    assert.equal(task.getLoop(), loop);
    assert.equal(await loop.runUntilComplete(task), "later");
    assert.equal(loop.time(), 100);
    const failing = ensureFuture(Promise.reject(new RangeError("no")));
    await assert.rejects(failing.result(), RangeError);
    // @ts-expect-error: not awaitable
    assert.throws(() => ensureFuture(42), TypeError);
  } finally {
    loop.close();
    setEventLoop(null);
  }
});

Deno.test("createTask and ensureFuture are in the asyncio namespace", () => {
  assert.equal(asyncio.createTask, createTask);
  assert.equal(asyncio.ensureFuture, ensureFuture);
});
