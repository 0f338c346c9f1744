// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import { CancelledError } from "../future/mod.ts";
import {
  type Coroutine,
  EventLoop,
  gather,
  run,
  shield,
  sleep,
} from "../loop/mod.ts";

const virtualTime = true;

function* fail(ms: number, message: string): Coroutine<never> {
  yield* sleep(ms);
  throw new Error(message);
}

Deno.test("gather keeps the order given, with typed results", async () => {
  function* main(): Coroutine<[string, number, boolean]> {
    const [a, b, c] = yield* gather([
      sleep(300, "a"),
      sleep(100, 2),
      Promise.resolve(true),
    ]);
    return [a, b, c];
  }
  assert.deepEqual(await run(main(), { virtualTime }), ["a", 2, true]);
  assert.deepEqual(await run(gather([]), { virtualTime }), []);
});

Deno.test("gather: the same awaitable twice is run once", async () => {
  let runs = 0;
  function* once(): Coroutine<number> {
    runs++;
    yield* sleep(1);
    return runs;
  }
  const coro = once();
  assert.deepEqual(await run(gather([coro, coro]), { virtualTime }), [1, 1]);
  assert.equal(runs, 1);
});

Deno.test("gather: one child failing throws at once, the others keep running", async () => {
  const loop = new EventLoop({ virtualTime });
  const finished: string[] = [];
  function* slow(name: string): Coroutine<string> {
    yield* sleep(100);
    finished.push(name);
    return name;
  }
  const other = loop.createTask(slow("task"));
  const error = await loop.runUntilComplete(
    gather([slow("coro"), fail(10, "boom"), other]),
  ).catch((e) => e);
  assert.equal(error.message, "boom");
  assert.equal(loop.time(), 10);
  assert.deepEqual(finished, []);
  await loop.runUntilComplete(sleep(200));
  assert.deepEqual(finished.sort(), ["coro", "task"]);
  assert.equal(other.resultNow(), "task");
  loop.close();
});

Deno.test("gather with returnExceptions collects errors in place", async () => {
  const results = await run(
    gather([sleep(5, 1), fail(1, "bad"), Promise.reject(new TypeError("t"))], {
      returnExceptions: true,
    }),
    { virtualTime },
  );
  assert.equal(results[0], 1);
  assert.equal((results[1] as Error).message, "bad");
  assert.ok(results[2] instanceof TypeError);
});

Deno.test("gather: a cancelled child fails the gather with CancelledError", async () => {
  const loop = new EventLoop({ virtualTime });
  const child = loop.createTask(sleep(100));
  const gathering = loop.createTask(gather([child, sleep(50, 1)]));
  loop.callLater(10, () => child.cancel());
  await assert.rejects(loop.runUntilComplete(gathering), CancelledError);
  loop.close();
});

Deno.test("cancelling a gather cancels its children, even with returnExceptions", async () => {
  const loop = new EventLoop({ virtualTime });
  for (const returnExceptions of [false, true]) {
    const a = loop.createTask(sleep(1000));
    const b = loop.createTask(sleep(2000));
    const gathering = loop.createTask(
      returnExceptions
        ? gather([a, b], { returnExceptions: true })
        : gather([a, b]),
    );
    loop.callLater(10, () => gathering.cancel());
    await assert.rejects(loop.runUntilComplete(gathering), CancelledError);
    assert.equal(a.cancelled(), true);
    assert.equal(b.cancelled(), true);
  }
  loop.close();
});

Deno.test("gather rejects bad arguments at once", () => {
  // @ts-expect-error: a single coroutine, not a list
  assert.throws(() => gather(sleep(1)), TypeError);
  // @ts-expect-error: not awaitables
  assert.throws(() => gather([1, 2]), TypeError);
});

Deno.test("shield: the outer task is cancelled, the inner work goes on", async () => {
  const loop = new EventLoop({ virtualTime });
  const log: string[] = [];
  function* important(): Coroutine<string> {
    yield* sleep(100);
    log.push(`saved @${loop.time()}`);
    return "saved";
  }
  const inner = loop.createTask(important());
  const outer = loop.createTask((function* () {
    try {
      return yield* shield(inner);
    } catch (e) {
      log.push(`outer ${(e as Error).name} @${loop.time()}`);
      throw e;
    }
  })());
  loop.callLater(10, () => outer.cancel());
  await assert.rejects(loop.runUntilComplete(outer), CancelledError);
  assert.equal(inner.done(), false);
  assert.equal(await loop.runUntilComplete(inner), "saved");
  assert.deepEqual(log, ["outer CancelledError @10", "saved @100"]);
  loop.close();
});

Deno.test("shield passes values and errors through; a coroutine becomes a task", async () => {
  function* main(): Coroutine<unknown[]> {
    const value = yield* shield(sleep(10, "v"));
    let message = "";
    try {
      yield* shield(fail(5, "inner failed"));
    } catch (e) {
      message = (e as Error).message;
    }
    return [value, message];
  }
  assert.deepEqual(await run(main(), { virtualTime }), ["v", "inner failed"]);
  // @ts-expect-error: not awaitable
  assert.throws(() => shield(3), TypeError);
});
