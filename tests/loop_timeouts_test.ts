// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import { CancelledError, TimeoutError } from "../future/mod.ts";
import {
  type Coroutine,
  currentTask,
  EventLoop,
  run,
  sleep,
  timeout,
  waitFor,
} from "../loop/mod.ts";

const virtualTime = true;

Deno.test("waitFor returns the value in time, else cancels and throws TimeoutError", async () => {
  const log: string[] = [];
  function* slow(): Coroutine<string> {
    try {
      yield* sleep(1000);
      return "slow";
    } finally {
      log.push("inner finally");
    }
  }
  function* main(): Coroutine<unknown[]> {
    const loop = currentTask()!.getLoop();
    const fast = yield* waitFor(sleep(10, "fast"), 100);
    const error = yield* catching(waitFor(slow(), 100));
    return [fast, error instanceof TimeoutError, loop.time()];
  }
  assert.deepEqual(await run(main(), { virtualTime }), ["fast", true, 110]);
  assert.deepEqual(log, ["inner finally"]);
});

Deno.test("waitFor waits for the cancelled inner task to finish before throwing", async () => {
  const loop = new EventLoop({ virtualTime });
  const log: string[] = [];
  const inner = loop.createTask((function* () {
    try {
      yield* sleep(1000);
    } finally {
      yield* sleep(50);
      log.push(`inner done @${loop.time()}`);
    }
  })());
  function* main(): Coroutine<string> {
    const error = yield* catching(waitFor(inner, 100));
    log.push(`timeout @${loop.time()}`);
    return (error as Error).name;
  }
  assert.equal(await loop.runUntilComplete(main()), "TimeoutError");
  assert.deepEqual(log, ["inner done @150", "timeout @150"]);
  assert.equal(inner.cancelled(), true);
  loop.close();
});

Deno.test("waitFor returns the value of inner work that swallows the cancellation", async () => {
  function* stubborn(): Coroutine<string> {
    try {
      yield* sleep(1000);
    } catch (e) {
      assert.ok(e instanceof CancelledError);
    }
    yield* sleep(10);
    return "kept going";
  }
  function* main(): Coroutine<string[]> {
    const inline = yield* waitFor(stubborn(), 100);
    const loop = currentTask()!.getLoop();
    const asTask = yield* waitFor(loop.createTask(stubborn()), 100);
    return [inline, asTask];
  }
  assert.deepEqual(await run(main(), { virtualTime }), [
    "kept going",
    "kept going",
  ]);
});

Deno.test("waitFor with ms <= 0 cancels a coroutine without starting it", async () => {
  let started = false;
  function* body(): Coroutine<number> {
    started = true;
    yield* sleep(1);
    return 1;
  }
  function* main(): Coroutine<unknown> {
    const error = yield* catching(waitFor(body(), 0));
    const done = currentTask()!.getLoop().createFuture<number>();
    done.setResult(5);
    const value = yield* waitFor(done, -1); // a done future is returned
    return [error, value];
  }
  const [error, value] = await run(main(), { virtualTime }) as [Error, number];
  assert.ok(error instanceof TimeoutError);
  assert.ok(error.cause instanceof CancelledError);
  assert.equal(started, false);
  assert.equal(value, 5);
});

Deno.test("waitFor: the outer cancellation stays a CancelledError", async () => {
  const loop = new EventLoop({ virtualTime });
  const task = loop.createTask(waitFor(sleep(1000), 500));
  loop.callLater(100, () => task.cancel());
  await assert.rejects(loop.runUntilComplete(task), CancelledError);
  loop.close();
});

Deno.test("waitFor rejects bad arguments at once", () => {
  assert.throws(() => waitFor(sleep(1), NaN), RangeError);
  // @ts-expect-error: not awaitable
  assert.throws(() => waitFor(5, 10), TypeError);
});

Deno.test("timeout: its TimeoutError has the CancelledError as cause", async () => {
  function* main(): Coroutine<unknown> {
    return yield* catching(timeout(100, sleep(1000)));
  }
  const error = await run(main(), { virtualTime }) as Error;
  assert.ok(error instanceof TimeoutError);
  assert.ok(error.cause instanceof CancelledError);
});

Deno.test("nested timeouts: only the outer one expires, the outer one throws", async () => {
  const log: string[] = [];
  function* main(): Coroutine<void> {
    const task = currentTask()!;
    try {
      yield* timeout(
        100,
        (function* () {
          try {
            yield* timeout(10_000, sleep(5000));
          } catch (e) {
            log.push(`inner saw ${(e as Error).name}`);
            throw e;
          }
        })(),
      );
    } catch (e) {
      log.push(`outer saw ${(e as Error).name}`);
    }
    log.push(`cancelling ${task.cancelling()}`);
  }
  await run(main(), { virtualTime });
  assert.deepEqual(log, [
    "inner saw CancelledError",
    "outer saw TimeoutError",
    "cancelling 0",
  ]);
});

Deno.test("nested timeouts: the inner one expires, the outer goes on", async () => {
  function* main(): Coroutine<unknown[]> {
    const loop = currentTask()!.getLoop();
    const result = yield* timeout(
      1000,
      (function* () {
        const error = yield* catching(timeout(10, sleep(100)));
        return (error as Error).name;
      })(),
    );
    return [result, loop.time()];
  }
  assert.deepEqual(await run(main(), { virtualTime }), ["TimeoutError", 10]);
});

Deno.test("timeout leaves a cancellation from elsewhere alone", async () => {
  const loop = new EventLoop({ virtualTime });
  const task = loop.createTask(timeout(1000, sleep(5000)));
  loop.callLater(10, () => task.cancel());
  await assert.rejects(loop.runUntilComplete(task), CancelledError);
  loop.close();
});

Deno.test("timeout(0) cancels at the first suspension; Infinity never", async () => {
  function* main(): Coroutine<unknown[]> {
    const zero = yield* catching(timeout(0, sleep(10)));
    const never = yield* timeout(Infinity, sleep(10, "ok"));
    const sync = yield* timeout(
      0,
      (function* () {
        return "no suspension";
      })(),
    );
    yield* sleep(5); // the call-soon handle was cancelled: no stray cancel
    return [(zero as Error).name, never, sync];
  }
  assert.deepEqual(await run(main(), { virtualTime }), [
    "TimeoutError",
    "ok",
    "no suspension",
  ]);
  assert.throws(() => timeout(NaN, sleep(1)), RangeError);
});

Deno.test("timeout outside a task throws InvalidStateError", async () => {
  const loop = new EventLoop({ virtualTime });
  const coro = timeout(10, sleep(1));
  let error: unknown;
  loop.callSoon(() => {
    try {
      coro.next();
    } catch (e) {
      error = e;
    }
  });
  await loop.runUntilComplete(sleep(0));
  assert.equal((error as Error).name, "InvalidStateError");
  loop.close();
});

function* catching(coro: Coroutine<unknown>): Coroutine<unknown> {
  try {
    yield* coro;
  } catch (e) {
    return e;
  }
  return undefined;
}
