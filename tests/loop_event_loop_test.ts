// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import { Future, InvalidStateError } from "../future/mod.ts";
import {
  type Coroutine,
  EventLoop,
  type ExceptionContext,
  gather,
  getRunningLoop,
  sleep,
} from "../loop/mod.ts";

function collectErrors(loop: EventLoop): ExceptionContext[] {
  const seen: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => seen.push(context));
  return seen;
}

Deno.test("callSoon runs callbacks FIFO with their arguments", async () => {
  const loop = new EventLoop();
  const seen: unknown[] = [];
  loop.callSoon((a: number, b: string) => seen.push(a, b), 1, "x");
  loop.callSoon(() => seen.push(2));
  loop.callSoon(() => seen.push(3));
  loop.callSoon(() => loop.stop());
  await loop.runForever();
  assert.deepEqual(seen, [1, "x", 2, 3]);
  loop.close();
});

Deno.test("callbacks scheduled during a round run in the next round", async () => {
  const loop = new EventLoop();
  const seen: string[] = [];
  loop.callSoon(() => {
    seen.push("a1");
    loop.callSoon(() => seen.push("b1"));
  });
  loop.callSoon(() => {
    seen.push("a2");
    loop.stop(); // stops after this round: b1 waits for the next run
  });
  await loop.runForever();
  assert.deepEqual(seen, ["a1", "a2"]);
  loop.callSoon(() => loop.stop());
  await loop.runForever();
  assert.deepEqual(seen, ["a1", "a2", "b1"]);
  loop.close();
});

Deno.test("stop() inside runForever ends it; before it, one round runs", async () => {
  const loop = new EventLoop({ virtualTime: true });
  let ticks = 0;
  const tick = () => {
    ticks++;
    if (ticks === 5) loop.stop();
    else loop.callLater(1000, tick);
  };
  loop.callSoon(tick);
  await loop.runForever();
  assert.equal(ticks, 5);
  assert.equal(loop.time(), 4000);
  assert.equal(loop.isRunning(), false);
  loop.stop();
  const seen: number[] = [];
  loop.callSoon(() => {
    seen.push(1);
    loop.callSoon(() => seen.push(2));
  });
  await loop.runForever();
  assert.deepEqual(seen, [1]);
  loop.close();
});

Deno.test("timers run in deadline order, FIFO among equal deadlines", async () => {
  const loop = new EventLoop({ virtualTime: true });
  const seen: string[] = [];
  loop.callLater(30, () => seen.push("c"));
  loop.callLater(10, () => seen.push("a1"));
  loop.callAt(10, () => seen.push("a2"));
  loop.callLater(20, () => seen.push("b"));
  loop.callLater(-5, () => seen.push("now"));
  const cancelled = loop.callLater(15, () => seen.push("never"));
  cancelled.cancel();
  assert.equal(cancelled.cancelled(), true);
  loop.callLater(40, () => loop.stop());
  await loop.runForever();
  assert.deepEqual(seen, ["now", "a1", "a2", "b", "c"]);
  assert.equal(loop.time(), 40);
  loop.close();
});

Deno.test("many cancelled timers are compacted and never run", async () => {
  const loop = new EventLoop({ virtualTime: true });
  let ran = 0;
  const handles = Array.from(
    { length: 1000 },
    (_, i) => loop.callLater(i + 1, () => ran++),
  );
  for (const h of handles.slice(0, 900)) h.cancel();
  loop.callLater(2000, () => loop.stop());
  await loop.runForever();
  assert.equal(ran, 100);
  loop.close();
});

Deno.test("real clock: callLater waits about that long", async () => {
  const loop = new EventLoop();
  const start = loop.time();
  let at = 0;
  loop.callLater(20, () => {
    at = loop.time();
    loop.stop();
  });
  await loop.runForever();
  assert.ok(at - start >= 19, `fired after ${at - start} ms`);
  loop.close();
});

Deno.test("virtual time jumps over idle time and starts at 0", async () => {
  const loop = new EventLoop({ virtualTime: true });
  assert.equal(loop.time(), 0);
  const wall = performance.now();
  await loop.runUntilComplete(sleep(3_600_000));
  assert.equal(loop.time(), 3_600_000);
  assert.ok(performance.now() - wall < 1000);
  loop.close();
});

Deno.test("virtual time waits for a promise a task awaits", async () => {
  const loop = new EventLoop({ virtualTime: true });
  const seen: string[] = [];
  function* waiter(): Coroutine<void> {
    const value = yield new Promise((r) => setTimeout(() => r("outside"), 20));
    seen.push(`${value}@${loop.time()}`);
  }
  function* sleeper(): Coroutine<void> {
    yield* sleep(5000);
    seen.push(`slept@${loop.time()}`);
  }
  loop.createTask(sleeper());
  await loop.runUntilComplete(waiter());
  // The clock did not jump to 5000 while the promise was pending.
  assert.deepEqual(seen, ["outside@0"]);
  await loop.runUntilComplete(sleep(6000));
  assert.deepEqual(seen, ["outside@0", "slept@5000"]);
  loop.close();
});

Deno.test("virtual time waits for a foreign future", async () => {
  const loop = new EventLoop({ virtualTime: true });
  const foreign = new Future<number>();
  setTimeout(() => foreign.setResult(7), 10);
  loop.callLater(1000, () => {});
  function* main(): Coroutine<[number, number]> {
    const value = yield* foreign;
    return [value, loop.time()];
  }
  assert.deepEqual(await loop.runUntilComplete(main()), [7, 0]);
  loop.close();
});

Deno.test("a callback from outside wakes an idle loop", async () => {
  const loop = new EventLoop();
  const future = loop.createFuture<string>();
  setTimeout(() => loop.callSoon(() => future.setResult("woken")), 10);
  assert.equal(await loop.runUntilComplete(future), "woken");
  loop.close();
});

Deno.test("getRunningLoop inside callbacks and tasks, error outside", async () => {
  const loop = new EventLoop();
  let inCallback: EventLoop | null = null;
  loop.callSoon(() => inCallback = getRunningLoop());
  const inTask = await loop.runUntilComplete((function* () {
    yield* sleep(0);
    return getRunningLoop();
  })());
  assert.equal(inCallback, loop);
  assert.equal(inTask, loop);
  assert.throws(() => getRunningLoop(), InvalidStateError);
  loop.close();
});

Deno.test("running a running loop, or another from inside one, throws", async () => {
  const loop = new EventLoop(); // real time: the run below must last
  const other = new EventLoop({ virtualTime: true });
  let nested: unknown;
  loop.callSoon(() => {
    other.runUntilComplete(sleep(0)).catch((e) => nested = e);
  });
  const first = loop.runUntilComplete(sleep(10));
  await assert.rejects(loop.runForever(), InvalidStateError);
  await first;
  assert.ok(nested instanceof InvalidStateError);
  loop.close();
  other.close();
});

Deno.test("a closed loop refuses work; close() on a running loop throws", async () => {
  const loop = new EventLoop({ virtualTime: true });
  let closeError: unknown;
  loop.callSoon(() => {
    try {
      loop.close();
    } catch (e) {
      closeError = e;
    }
    loop.stop();
  });
  await loop.runForever();
  assert.ok(closeError instanceof InvalidStateError);
  loop.close();
  loop.close();
  assert.equal(loop.isClosed(), true);
  assert.throws(() => loop.callSoon(() => {}), InvalidStateError);
  assert.throws(() => loop.callLater(1, () => {}), InvalidStateError);
  assert.throws(() => loop.createTask(sleep(0)), InvalidStateError);
  await assert.rejects(loop.runUntilComplete(sleep(0)), InvalidStateError);
  await assert.rejects(loop.runForever(), InvalidStateError);
});

Deno.test("bad arguments give clear errors", () => {
  const loop = new EventLoop();
  // @ts-expect-error: not a function
  assert.throws(() => loop.callSoon(5), TypeError);
  assert.throws(() => loop.callLater(NaN, () => {}), RangeError);
  // @ts-expect-error: not a number
  assert.throws(() => loop.callAt("1", () => {}), RangeError);
  // @ts-expect-error: not a function
  assert.throws(() => loop.setExceptionHandler(1), TypeError);
  loop.close();
});

Deno.test("runUntilComplete throws when the loop stops first", async () => {
  const loop = new EventLoop({ virtualTime: true });
  loop.callLater(10, () => loop.stop());
  await assert.rejects(
    loop.runUntilComplete(sleep(100)),
    InvalidStateError,
  );
  loop.close();
});

Deno.test("a throwing callback goes to the exception handler; the loop goes on", async () => {
  const loop = new EventLoop();
  const seen = collectErrors(loop);
  const order: number[] = [];
  loop.callSoon(function broken() {
    throw new Error("boom");
  });
  loop.callSoon(() => order.push(1));
  await loop.runUntilComplete(sleep(0));
  assert.deepEqual(order, [1]);
  assert.equal(seen.length, 1);
  assert.match(seen[0].message, /broken/);
  assert.equal((seen[0].exception as Error).message, "boom");
  assert.ok(seen[0].handle);
  assert.equal(loop.getExceptionHandler() !== null, true);
  loop.setExceptionHandler(null);
  assert.equal(loop.getExceptionHandler(), null);
  loop.close();
});

Deno.test("the default exception handler logs with console.error", () => {
  const loop = new EventLoop();
  const original = console.error;
  const logged: unknown[][] = [];
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    loop.callExceptionHandler({ message: "odd", exception: new Error("e") });
    loop.setExceptionHandler(() => {
      throw new Error("handler broke");
    });
    loop.callExceptionHandler({ message: "odder" });
  } finally {
    console.error = original;
  }
  assert.equal(logged[0][0], "odd");
  assert.ok(logged.some((args) => args[0] === "odder"));
  loop.close();
});

Deno.test("runInExecutor: the default pool, and virtual time waits for it", async () => {
  const loop = new EventLoop({ virtualTime: true });
  loop.callLater(1000, () => {});
  function* main(): Coroutine<[number, number]> {
    const future = loop.runInExecutor(null, async (n: number) => {
      await new Promise((r) => setTimeout(r, 15));
      return n * 2;
    }, 21);
    const value = yield* future;
    return [value, loop.time()];
  }
  assert.deepEqual(await loop.runUntilComplete(main()), [42, 0]);
  loop.close();
});

Deno.test("runInExecutor with a given executor", async () => {
  const { AsyncPoolExecutor } = await import(
    "../executor/async_pool_executor.ts"
  );
  await using executor = new AsyncPoolExecutor({ maxWorkers: 1 });
  const loop = new EventLoop();
  const value = await loop.runUntilComplete(
    loop.runInExecutor(executor, (a: number, b: number) => a + b, 2, 3),
  );
  assert.equal(value, 5);
  assert.throws(() => {
    loop.close();
    loop.runInExecutor(null, () => 1);
  }, InvalidStateError);
});

Deno.test("virtual time gives the same order of events as the real clock", async () => {
  async function trace(virtualTime: boolean): Promise<string[]> {
    const loop = new EventLoop({ virtualTime });
    const events: string[] = [];
    function* worker(name: string, delays: number[]): Coroutine<void> {
      for (const ms of delays) {
        yield* sleep(ms);
        events.push(name);
      }
    }
    // The order must not depend on how late the host wakes the loop on a
    // busy machine: deadlines set in the same round sort by duration, and
    // a chained sleep only ends after everything else.
    const tasks = [
      loop.createTask(worker("a", [20])),
      loop.createTask(worker("b", [5])),
      loop.createTask(worker("c", [45])),
      loop.createTask(worker("d", [2, 60])),
    ];
    loop.callLater(30, () => events.push("timer"));
    loop.callLater(30, () => events.push("timer2"));
    await loop.runUntilComplete(gather(tasks));
    loop.close();
    return events;
  }
  const real = await trace(false);
  assert.deepEqual(real, ["d", "b", "a", "timer", "timer2", "c", "d"]);
  assert.deepEqual(await trace(true), real);
});

Deno.test("runInExecutor: cancelling the loop's future cancels work not started", async () => {
  const { AsyncPoolExecutor } = await import(
    "../executor/async_pool_executor.ts"
  );
  await using executor = new AsyncPoolExecutor({ maxWorkers: 1 });
  const loop = new EventLoop({ virtualTime: true });
  let secondRan = false;
  function* main(): Coroutine<boolean> {
    const first = loop.runInExecutor(
      executor,
      () => new Promise((r) => setTimeout(r, 10)),
    );
    const second = loop.runInExecutor(executor, () => secondRan = true);
    second.cancel();
    yield* first;
    return second.cancelled();
  }
  assert.equal(await loop.runUntilComplete(main()), true);
  await executor.shutdown({ wait: true });
  assert.equal(secondRan, false);
  loop.close();
});
