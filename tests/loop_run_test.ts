// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import { InvalidStateError, TimeoutError } from "../future/mod.ts";
import {
  allTasks,
  type Coroutine,
  type EventLoop,
  getEventLoop,
  getRunningLoop,
  newEventLoop,
  run,
  setEventLoop,
  sleep,
} from "../loop/mod.ts";

Deno.test("run: a new loop, the value, and the loop closed afterwards", async () => {
  let loop: EventLoop | null = null;
  function* main(): Coroutine<string> {
    loop = getRunningLoop();
    yield* sleep(60_000);
    return "done";
  }
  assert.equal(await run(main(), { virtualTime: true }), "done");
  assert.equal(loop!.isClosed(), true);
});

Deno.test("run cancels the tasks left pending and waits for them", async () => {
  const log: string[] = [];
  function* background(): Coroutine<void> {
    try {
      yield* sleep(100_000);
    } finally {
      yield* sleep(5);
      log.push("background cleaned up");
    }
  }
  function* main(): Coroutine<number> {
    getRunningLoop().createTask(background());
    yield* sleep(10);
    return allTasks().size;
  }
  assert.equal(await run(main(), { virtualTime: true }), 2);
  assert.deepEqual(log, ["background cleaned up"]);
});

Deno.test("run with timeout throws TimeoutError", async () => {
  await assert.rejects(
    run(sleep(1000), { virtualTime: true, timeout: 10 }),
    TimeoutError,
  );
  assert.equal(await run(sleep(5, 1), { virtualTime: true, timeout: 10 }), 1);
});

Deno.test("run with a signal: an abort cancels the main task and rejects with the reason", async () => {
  const controller = new AbortController();
  const reason = new Error("stop now");
  setTimeout(() => controller.abort(reason), 10);
  const main = (function* () {
    yield new Promise(() => {}); // waits on the outside forever
  })();
  await assert.rejects(
    run(main, { signal: controller.signal }),
    (e) => e === reason,
  );
  await assert.rejects(
    run(sleep(1), { signal: AbortSignal.abort(reason) }),
    (e) => e === reason,
  );
});

Deno.test("run rejects bad input and nested use", async () => {
  // @ts-expect-error: not a coroutine
  await assert.rejects(run(() => 1), TypeError);
  let nested: unknown;
  await run((function* () {
    const inner = sleep(0);
    yield* sleep(0);
    run(inner).catch((e) => nested = e);
  })());
  assert.ok(nested instanceof InvalidStateError);
});

Deno.test("getEventLoop, setEventLoop and newEventLoop", async () => {
  const loop = newEventLoop({ virtualTime: true });
  setEventLoop(loop);
  assert.equal(getEventLoop(), loop);
  const inside = await loop.runUntilComplete((function* () {
    yield* sleep(0);
    return getEventLoop();
  })());
  assert.equal(inside, loop);
  loop.close();
  const fresh = getEventLoop(); // a closed current loop is replaced
  assert.notEqual(fresh, loop);
  assert.equal(fresh.isClosed(), false);
  fresh.close();
  setEventLoop(null);
  // @ts-expect-error: not a loop
  assert.throws(() => setEventLoop({}), TypeError);
});

Deno.test("10,000 tasks with interleaved sleeps finish in deadline order", async () => {
  const finished: number[] = [];
  function* sleeper(i: number): Coroutine<void> {
    // Two sleeps each, so the wake-ups interleave.
    const first = (i * 7919) % 1000;
    yield* sleep(first);
    yield* sleep((i * 104_729) % 1000);
    finished.push(i);
  }
  const deadline = (i: number) => ((i * 7919) % 1000) + ((i * 104_729) % 1000);
  function* main(): Coroutine<void> {
    const loop = getRunningLoop();
    for (let i = 0; i < 10_000; i++) loop.createTask(sleeper(i));
    yield* sleep(3000);
  }
  await run(main(), { virtualTime: true });
  assert.equal(finished.length, 10_000);
  for (let k = 1; k < finished.length; k++) {
    assert.ok(
      deadline(finished[k - 1]) <= deadline(finished[k]),
      `task ${finished[k - 1]} finished after ${finished[k]}`,
    );
  }
});
