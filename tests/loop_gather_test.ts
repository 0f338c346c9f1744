// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import { CancelledError, Future } from "../future/mod.ts";
import {
  allTasks,
  type Coroutine,
  createTask,
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
  const gathering = gather([child, sleep(50, 1)]);
  loop.callLater(10, () => child.cancel());
  await assert.rejects(loop.runUntilComplete(gathering), CancelledError);
  loop.close();
});

Deno.test("cancelling the task awaiting a gather cancels its children, even with returnExceptions", async () => {
  const loop = new EventLoop({ virtualTime });
  for (const returnExceptions of [false, true]) {
    const a = loop.createTask(sleep(1000));
    const b = loop.createTask(sleep(2000));
    const waiter = loop.createTask((function* () {
      return yield* (returnExceptions
        ? gather([a, b], { returnExceptions: true })
        : gather([a, b]));
    })());
    loop.callLater(10, () => waiter.cancel());
    await assert.rejects(loop.runUntilComplete(waiter), CancelledError);
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

Deno.test("gather is a Future: made in a running loop, its children start at once, awaited or not", async () => {
  const loop = new EventLoop({ virtualTime });
  const log: string[] = [];
  function* child(name: string, ms: number): Coroutine<string> {
    log.push(`${name} starts @${loop.time()}`);
    yield* sleep(ms);
    return name;
  }
  function* main(): Coroutine<unknown> {
    const all = gather([child("a", 20), child("b", 10)]);
    assert.ok(all instanceof Future);
    const seen: unknown[] = [];
    all.addDoneCallback((f) => seen.push(f.resultNow()));
    yield* sleep(0); // one round: the children have started
    assert.deepEqual(log, ["a starts @0", "b starts @0"]);
    yield* sleep(50); // nobody awaits the gather; it finishes anyway
    assert.equal(all.done(), true);
    assert.deepEqual(all.resultNow(), ["a", "b"]);
    return seen;
  }
  assert.deepEqual(await loop.runUntilComplete(main()), [["a", "b"]]);
  loop.close();
});

Deno.test("gather made outside any loop starts its children on the loop that runs or awaits it", async () => {
  // runUntilComplete
  const loop = new EventLoop({ virtualTime });
  const all = gather([sleep(30, "x"), sleep(10, "y")]);
  assert.equal(all.done(), false);
  assert.deepEqual(await loop.runUntilComplete(all), ["x", "y"]);
  assert.equal(loop.time(), 30);
  loop.close();
  // run
  assert.deepEqual(
    await run(gather([sleep(5, 1), sleep(5, 2)]), { virtualTime }),
    [1, 2],
  );
  // yield* in a task of another loop
  const later = gather([sleep(20, "late")]);
  const other = new EventLoop({ virtualTime });
  function* main(): Coroutine<string[]> {
    assert.equal(allTasks().size, 1); // only main: the gather has not started
    const results = yield* later;
    return results;
  }
  assert.deepEqual(await other.runUntilComplete(main()), ["late"]);
  assert.equal(other.time(), 20);
  other.close();
});

Deno.test("gather.cancel() cancels the children; the gather ends failed with CancelledError and a later cancel() is false", async () => {
  const loop = new EventLoop({ virtualTime });
  function* main(): Coroutine<void> {
    const a = createTask(sleep(1000));
    const b = createTask(sleep(2000));
    const all = gather([a, b, sleep(500)], { returnExceptions: true });
    yield* sleep(10);
    assert.equal(all.cancel("enough"), true);
    assert.equal(all.done(), false); // the children end first
    try {
      yield* all;
      assert.fail("the gather should fail");
    } catch (e) {
      assert.ok(e instanceof CancelledError);
      assert.equal(e.message, "enough");
    }
    assert.equal(a.cancelled(), true);
    assert.equal(b.cancelled(), true);
    assert.equal(all.done(), true);
    assert.equal(all.cancelled(), false);
    assert.ok(all.exceptionNow() instanceof CancelledError);
    assert.equal(all.cancel(), false);
  }
  await loop.runUntilComplete(main());
  assert.equal(loop.time(), 10);
  loop.close();
});

Deno.test("gather.cancel() before any loop ran it: nothing starts, it fails with CancelledError", async () => {
  let started = false;
  function* child(): Coroutine<number> {
    started = true;
    yield* sleep(10);
    return 1;
  }
  const future = new Future<number>();
  const all = gather([child(), future]);
  assert.equal(all.cancel(), true);
  assert.equal(future.cancelled(), true);
  assert.equal(all.cancel(), false);
  const loop = new EventLoop({ virtualTime });
  await assert.rejects(loop.runUntilComplete(all), CancelledError);
  loop.close();
  assert.equal(started, false);
  // An empty gather is done at once.
  assert.deepEqual(gather([]).resultNow(), []);
});

Deno.test("shield is a Future: cancelling it spares the inner work, whose value passes through otherwise", async () => {
  const loop = new EventLoop({ virtualTime });
  const log: string[] = [];
  function* work(): Coroutine<string> {
    yield* sleep(100);
    log.push(`work done @${loop.time()}`);
    return "value";
  }
  function* main(): Coroutine<unknown[]> {
    const inner = createTask(work());
    const outer = shield(inner);
    assert.ok(outer instanceof Future);
    assert.notEqual(outer, inner);
    assert.equal(outer.cancel(), true);
    assert.equal(outer.cancelled(), true);
    assert.equal(inner.cancelled(), false);
    const passed = yield* shield(inner); // a second shield, not cancelled
    return [passed, inner.resultNow()];
  }
  assert.deepEqual(await loop.runUntilComplete(main()), ["value", "value"]);
  assert.deepEqual(log, ["work done @100"]);
  loop.close();
});

Deno.test("shield made outside any loop starts its inner work on the loop that runs it; errors pass through", async () => {
  const loop = new EventLoop({ virtualTime });
  assert.equal(await loop.runUntilComplete(shield(sleep(10, "s"))), "s");
  await assert.rejects(
    loop.runUntilComplete(shield(fail(5, "inner failed"))),
    /inner failed/,
  );
  loop.close();
});
