// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import { CancelledError, Future, InvalidStateError } from "../future/mod.ts";
import {
  allTasks,
  awaitPromise,
  type Coroutine,
  currentTask,
  EventLoop,
  type ExceptionContext,
  sleep,
  Task,
} from "../loop/mod.ts";

function newLoop(): EventLoop {
  return new EventLoop({ virtualTime: true });
}

Deno.test("yield* delivers values of coroutines, futures, tasks and promises", async () => {
  const loop = newLoop();
  function* inner(): Coroutine<number> {
    yield* sleep(10);
    return 1;
  }
  function* main(): Coroutine<number[]> {
    const a = yield* inner();
    const future = loop.createFuture<number>();
    loop.callLater(5, () => future.setResult(2));
    const b = yield* future;
    const c = yield* loop.createTask(sleep(5, 3));
    const d = (yield Promise.resolve(4)) as number;
    const e = yield* awaitPromise(Promise.resolve(5));
    const done = new Future<number>();
    done.setResult(6);
    const f = yield* done; // a done future does not suspend
    return [a, b, c, d, e, f];
  }
  assert.deepEqual(await loop.runUntilComplete(main()), [1, 2, 3, 4, 5, 6]);
  loop.close();
});

Deno.test("a bare yield of a future evaluates to its value, as a promise's does", async () => {
  const loop = newLoop();
  function* main(): Coroutine<unknown[]> {
    const own = loop.createFuture<string>();
    loop.callLater(5, () => own.setResult("own"));
    const foreign = new Future<string>();
    setTimeout(() => foreign.setResult("foreign"), 1);
    return [yield own, yield foreign];
  }
  assert.deepEqual(await loop.runUntilComplete(main()), ["own", "foreign"]);
  loop.close();
});

Deno.test("errors are thrown into the coroutine at the yield", async () => {
  const loop = newLoop();
  function* failing(): Coroutine<never> {
    yield* sleep(1);
    throw new RangeError("from a coroutine");
  }
  function* main(): Coroutine<string[]> {
    const caught: string[] = [];
    try {
      yield* failing();
    } catch (e) {
      caught.push((e as Error).message);
    }
    const future = loop.createFuture<number>();
    loop.callSoon(() => future.setException(new TypeError("from a future")));
    try {
      yield* future;
    } catch (e) {
      caught.push((e as Error).message);
    }
    try {
      yield* loop.createTask(failing());
    } catch (e) {
      caught.push((e as Error).message);
    }
    try {
      yield Promise.reject(new Error("from a promise"));
    } catch (e) {
      caught.push((e as Error).message);
    }
    return caught;
  }
  assert.deepEqual(await loop.runUntilComplete(main()), [
    "from a coroutine",
    "from a future",
    "from a coroutine",
    "from a promise",
  ]);
  loop.close();
});

Deno.test("createTask only schedules; sleep(0) yields exactly one round", async () => {
  const loop = newLoop();
  const log: string[] = [];
  function* worker(name: string): Coroutine<void> {
    for (let i = 0; i < 3; i++) {
      log.push(`${name}${i}`);
      yield* sleep(0);
    }
  }
  function* main(): Coroutine<void> {
    loop.createTask(worker("a"));
    loop.createTask(worker("b"));
    log.push("created");
    yield* sleep(0);
    log.push("main1");
    yield* sleep(0);
    log.push("main2");
  }
  await loop.runUntilComplete(main());
  assert.deepEqual(log, [
    "created",
    "a0",
    "b0",
    "main1",
    "a1",
    "b1",
    "main2",
  ]);
  loop.close();
});

Deno.test("a task woken by a future resumes in the next round", async () => {
  const loop = newLoop();
  const log: string[] = [];
  const future = loop.createFuture<string>();
  function* waiter(): Coroutine<void> {
    log.push(`got ${yield* future}`);
  }
  loop.createTask(waiter());
  loop.callSoon(() => {
    future.setResult("x");
    log.push("set"); // the waiter has not run yet
    loop.callSoon(() => log.push("next round"));
  });
  await loop.runUntilComplete(sleep(0));
  await loop.runUntilComplete(sleep(0));
  assert.deepEqual(log, ["set", "got x", "next round"]);
  loop.close();
});

Deno.test("cancel: finally with yield* sleep(5) completes; nothing after the delegation runs", async () => {
  const loop = newLoop();
  const log: string[] = [];
  function* inner(): Coroutine<void> {
    try {
      yield* sleep(10_000);
    } finally {
      log.push(`cleanup start @${loop.time()}`);
      yield* sleep(5);
      log.push(`cleanup end @${loop.time()}`);
    }
  }
  function* outer(): Coroutine<void> {
    yield* inner();
    log.push("after the delegation: never");
  }
  const task = loop.createTask(outer());
  loop.callLater(100, () => assert.equal(task.cancel("enough"), true));
  const error = await loop.runUntilComplete(task).catch((e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.message, "enough");
  assert.deepEqual(log, ["cleanup start @100", "cleanup end @105"]);
  assert.equal(task.cancelled(), true);
  loop.close();
});

Deno.test("cancelling a task waiting on a future cancels the future", async () => {
  const loop = newLoop();
  const future = loop.createFuture<number>();
  const task = loop.createTask((function* () {
    return yield* future;
  })());
  await loop.runUntilComplete(sleep(0));
  task.cancel();
  assert.equal(future.cancelled(), true);
  await assert.rejects(loop.runUntilComplete(task), CancelledError);
  loop.close();
});

Deno.test("cancelling a task waiting on a task cancels the inner one", async () => {
  const loop = newLoop();
  const inner = loop.createTask(sleep(1000));
  const outer = loop.createTask((function* () {
    yield* inner;
  })());
  await loop.runUntilComplete(sleep(0));
  outer.cancel();
  await assert.rejects(loop.runUntilComplete(outer), CancelledError);
  assert.equal(inner.cancelled(), true);
  loop.close();
});

Deno.test("cancel twice, cancel a finished task, cancelling() and uncancel()", async () => {
  const loop = newLoop();
  let caught = 0;
  const task = loop.createTask((function* () {
    try {
      yield* sleep(1000);
    } catch (e) {
      if (e instanceof CancelledError) caught++;
      throw e;
    }
  })());
  await loop.runUntilComplete(sleep(0));
  assert.equal(task.cancel(), true);
  assert.equal(task.cancel(), true);
  assert.equal(task.cancelling(), 2);
  await assert.rejects(loop.runUntilComplete(task), CancelledError);
  assert.equal(caught, 1); // thrown in once
  assert.equal(task.cancel(), false);

  const finished = loop.createTask(sleep(1, "done"));
  await loop.runUntilComplete(finished);
  assert.equal(finished.cancel(), false);
  assert.equal(finished.cancelling(), 0);
  assert.equal(finished.resultNow(), "done");
  assert.equal(finished.uncancel(), 0);
  loop.close();
});

Deno.test("a task cancelled before its first step never runs its body", async () => {
  const loop = newLoop();
  let ran = false;
  const task = loop.createTask((function* () {
    ran = true;
    yield* sleep(0);
  })());
  task.cancel();
  await assert.rejects(loop.runUntilComplete(task), CancelledError);
  assert.equal(ran, false);
  loop.close();
});

Deno.test("a coroutine that swallows the cancellation goes on", async () => {
  const loop = newLoop();
  const task = loop.createTask((function* () {
    try {
      yield* sleep(1000);
    } catch (e) {
      assert.ok(e instanceof CancelledError);
    }
    yield* sleep(10);
    return "survived";
  })());
  loop.callLater(5, () => task.cancel());
  assert.equal(await loop.runUntilComplete(task), "survived");
  assert.equal(task.cancelling(), 1);
  assert.equal(task.uncancel(), 0);
  loop.close();
});

Deno.test("uncancel to zero drops a pending cancellation", async () => {
  const loop = newLoop();
  const task = loop.createTask(sleep(0, "ran"));
  task.cancel();
  task.uncancel();
  assert.equal(await loop.runUntilComplete(task), "ran");
  loop.close();
});

Deno.test("cancelling a task waiting on a promise: virtual time stops waiting", async () => {
  const loop = newLoop();
  let resolve!: (v: number) => void;
  const promise = new Promise<number>((r) => resolve = r);
  const task = loop.createTask(awaitPromise(promise));
  loop.callSoon(() => task.cancel());
  await assert.rejects(loop.runUntilComplete(task), CancelledError);
  await loop.runUntilComplete(sleep(1000)); // the clock jumps again
  assert.equal(loop.time(), 1000);
  resolve(1);
  await promise;
  loop.close();
});

Deno.test("yielding a non-awaitable fails the task with a TypeError naming it", async () => {
  const loop = newLoop();
  const five = loop.createTask((function* () {
    yield 5;
  })());
  await assert.rejects(loop.runUntilComplete(five), /number 5/);
  assert.ok(five.exceptionNow() instanceof TypeError);
  const plain = loop.createTask((function* () {
    yield { a: 1 };
  })());
  await assert.rejects(loop.runUntilComplete(plain), /Object/);
  const generator = loop.createTask((function* () {
    yield sleep(1);
  })());
  await assert.rejects(loop.runUntilComplete(generator), /yield\*/);
  // The coroutine may catch it, as in asyncio.
  const caught = loop.createTask((function* () {
    try {
      yield "text";
    } catch (e) {
      return (e as Error).name;
    }
  })());
  assert.equal(await loop.runUntilComplete(caught), "TypeError");
  loop.close();
});

Deno.test("a task awaiting itself fails instead of hanging", async () => {
  const loop = newLoop();
  const ref: { task?: Task<void> } = {};
  const task = ref.task = loop.createTask((function* (): Coroutine<void> {
    yield* ref.task as Task<void>;
  })());
  await assert.rejects(loop.runUntilComplete(task), InvalidStateError);
  loop.close();
});

Deno.test("setResult and setException are refused from outside", async () => {
  const loop = newLoop();
  const task = loop.createTask(sleep(0, 1));
  assert.throws(() => task.setResult(2), InvalidStateError);
  assert.throws(() => task.setException(new Error()), InvalidStateError);
  assert.equal(await loop.runUntilComplete(task), 1);
  loop.close();
});

Deno.test("names, coroutine, loop, currentTask and allTasks", async () => {
  const loop = newLoop();
  const coro = sleep(10);
  const named = loop.createTask(coro, { name: "nap" });
  const unnamed = loop.createTask(sleep(0));
  assert.equal(named.getName(), "nap");
  assert.match(unnamed.getName(), /^Task-\d+$/);
  assert.equal(named.getCoro(), coro);
  assert.equal(named.getLoop(), loop);
  assert.equal(currentTask(), null);
  const inside = loop.createTask((function* () {
    yield* sleep(0);
    return [currentTask(), allTasks()] as const;
  })());
  const [seen, all] = await loop.runUntilComplete(inside);
  assert.equal(seen, inside);
  assert.ok(all.has(named) && all.has(inside));
  assert.equal(all.has(unnamed), false); // already done
  await loop.runUntilComplete(named);
  assert.equal(allTasks(loop).size, 0);
  assert.throws(() => new Task(sleep(0)), InvalidStateError); // no loop
  // @ts-expect-error: not a coroutine
  assert.throws(() => loop.createTask(() => {}), TypeError);
  loop.close();
});

Deno.test("a failure never retrieved is reported on close; a retrieved one is not", async () => {
  const loop = newLoop();
  const seen: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => seen.push(context));
  function* fail(message: string): Coroutine<void> {
    yield* sleep(1);
    throw new Error(message);
  }
  loop.createTask(fail("ignored"), { name: "lost" });
  const retrieved = loop.createTask(fail("seen"));
  await loop.runUntilComplete(sleep(10));
  assert.equal(retrieved.exceptionNow() instanceof Error, true);
  loop.close();
  assert.equal(seen.length, 1);
  assert.match(seen[0].message, /never retrieved.*lost/);
  assert.equal((seen[0].exception as Error).message, "ignored");
  assert.equal(seen[0].task?.getName(), "lost");
});

Deno.test("an awaited failure counts as retrieved", async () => {
  const loop = newLoop();
  const seen: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => seen.push(context));
  const failing = loop.createTask((function* () {
    yield* sleep(1);
    throw new Error("x");
  })());
  await assert.rejects(
    loop.runUntilComplete((function* () {
      yield* failing;
    })()),
  );
  loop.close();
  assert.equal(seen.length, 0);
});

Deno.test("a coroutine returning while cancellation is pending ends cancelled", async () => {
  const loop = newLoop();
  const task = loop.createTask((function* (): Coroutine<string> {
    yield* sleep(1);
    currentTask()?.cancel("self"); // requested during the step
    return "value";
  })());
  const error = await loop.runUntilComplete(task).catch((e) => e);
  assert.ok(error instanceof CancelledError);
  assert.equal(error.message, "self");
  loop.close();
});

Deno.test("a failure never retrieved is reported when the task is garbage-collected", async () => {
  const mod = new URL("../loop/mod.ts", import.meta.url).href;
  const code = `
    import { EventLoop, sleep } from "${mod}";
    const loop = new EventLoop({ virtualTime: true });
    loop.setExceptionHandler((_l, c) => console.log("REPORTED", c.message));
    (() => {
      loop.createTask((function* () { yield* sleep(1); throw new Error("x"); })());
    })();
    await loop.runUntilComplete(sleep(10));
    for (let i = 0; i < 5; i++) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    console.log("END");
  `;
  const { stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--expose-gc", code],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(stdout);
  assert.match(text, /REPORTED Task exception was never retrieved[^]*END/);
});
