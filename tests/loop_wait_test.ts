// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  TimeoutError,
} from "../future/mod.ts";
import {
  asCompleted,
  type Coroutine,
  EventLoop,
  run,
  sleep,
  wait,
} from "../loop/mod.ts";

const virtualTime = true;

function* fail(ms: number): Coroutine<never> {
  yield* sleep(ms);
  throw new Error(`failed after ${ms}`);
}

Deno.test("runUntilComplete(wait(coros)) wraps coroutines on the loop that runs them", async () => {
  const loop = new EventLoop({ virtualTime });
  const order: number[] = [];
  function* job(ms: number): Coroutine<number> {
    yield* sleep(ms);
    order.push(ms);
    return ms;
  }
  const coros = [300, 100, 200].map(job); // no loop is running here
  const { done, notDone } = await loop.runUntilComplete(wait(coros));
  assert.deepEqual(order, [100, 200, 300]);
  assert.equal(done.size, 3);
  assert.equal(notDone.size, 0);
  assert.deepEqual([...done].map((f) => f.resultNow()).sort(), [100, 200, 300]);
  loop.close();
});

Deno.test("wait: FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED and timeout", async () => {
  const loop = new EventLoop({ virtualTime });
  function* main(): Coroutine<number[]> {
    const a = loop.createTask(sleep(100, "a"));
    const b = loop.createTask(fail(200));
    const c = loop.createTask(sleep(300, "c"));
    const sizes: number[] = [];
    let r = yield* wait([a, b, c], { returnWhen: FIRST_COMPLETED });
    sizes.push(r.done.size, loop.time());
    r = yield* wait([a, b, c], { returnWhen: FIRST_EXCEPTION });
    sizes.push(r.done.size, loop.time());
    r = yield* wait([a, b, c], { timeout: 50 }); // never throws
    sizes.push(r.done.size, r.notDone.size, loop.time());
    r = yield* wait([a, b, c], { returnWhen: ALL_COMPLETED });
    sizes.push(r.done.size, loop.time());
    b.exceptionNow();
    return sizes;
  }
  assert.deepEqual(await loop.runUntilComplete(main()), [
    1,
    100,
    2,
    200,
    2,
    1,
    250,
    3,
    300,
  ]);
  loop.close();
});

Deno.test("wait: duplicates count once; already done futures return at once", async () => {
  const loop = new EventLoop({ virtualTime });
  const done = loop.createFuture<number>();
  done.setResult(1);
  const { done: d } = await loop.runUntilComplete(
    wait([done, done], { returnWhen: FIRST_COMPLETED }),
  );
  assert.equal(d.size, 1);
  assert.equal(loop.time(), 0);
  loop.close();
});

Deno.test("wait rejects bad arguments at once", () => {
  assert.throws(() => wait([]), RangeError);
  assert.throws(
    () => wait([sleep(1)], { returnWhen: "SOMETIMES" as never }),
    RangeError,
  );
  assert.throws(() => wait([sleep(1)], { timeout: -1 }), RangeError);
  // @ts-expect-error: a single coroutine
  assert.throws(() => wait(sleep(1)), TypeError);
});

Deno.test("asCompleted yields in completion order", async () => {
  function* main(): Coroutine<string[]> {
    const order: string[] = [];
    const aws = [
      sleep(30, "c"),
      sleep(10, "a"),
      Promise.resolve("p"),
      sleep(20, "b"),
    ];
    for (const next of asCompleted(aws)) order.push(yield* next);
    return order;
  }
  assert.deepEqual(await run(main(), { virtualTime }), ["p", "a", "b", "c"]);
});

Deno.test("asCompleted: errors come out of their coroutine", async () => {
  function* main(): Coroutine<string[]> {
    const seen: string[] = [];
    for (const next of asCompleted([fail(10), sleep(20, "ok")])) {
      try {
        seen.push(yield* next);
      } catch (e) {
        seen.push((e as Error).message);
      }
    }
    return seen;
  }
  assert.deepEqual(await run(main(), { virtualTime }), [
    "failed after 10",
    "ok",
  ]);
});

Deno.test("asCompleted: after the timeout the remaining ones throw TimeoutError", async () => {
  function* main(): Coroutine<unknown[]> {
    const seen: unknown[] = [];
    const aws = [sleep(10, 1), sleep(1000, 2), sleep(2000, 3)];
    for (const next of asCompleted(aws, { timeout: 100 })) {
      try {
        seen.push(yield* next);
      } catch (e) {
        seen.push(e instanceof TimeoutError ? "timeout" : e);
      }
    }
    return seen;
  }
  assert.deepEqual(await run(main(), { virtualTime }), [
    1,
    "timeout",
    "timeout",
  ]);
  assert.throws(() => asCompleted([sleep(1)], { timeout: -5 }), RangeError);
});

Deno.test("asCompleted: whichever coroutine is awaited first gets the first result", async () => {
  function* main(): Coroutine<number[]> {
    const [first, second] = [...asCompleted([sleep(20, 2), sleep(10, 1)])];
    const a = yield* second;
    const b = yield* first;
    return [a, b];
  }
  assert.deepEqual(await run(main(), { virtualTime }), [1, 2]);
});
