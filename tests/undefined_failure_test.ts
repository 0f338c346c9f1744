// Copyright 2026 the @concurrent/futures authors. MIT license.
// `undefined` can be thrown (`Promise.reject()`, `throw undefined`): a
// failure with that value must count as a failure everywhere, never as a
// success or a hang.
import assert from "node:assert/strict";
import {
  asyncio,
  AsyncPoolExecutor,
  FIRST_EXCEPTION,
  Future,
  wait,
} from "../mod.ts";
import { runLoop } from "./_util/loop.ts";

const { gather, shield, sleep, TaskGroup } = asyncio;

function* failWithUndefined(): asyncio.Coroutine<number> {
  yield* sleep(10);
  throw undefined;
}

/** How a promise settled: ["resolved", value] or ["rejected", reason]. */
function settle(p: Promise<unknown>): Promise<[string, unknown]> {
  return p.then((v) => ["resolved", v], (e) => ["rejected", e]);
}

Deno.test("future wait(FIRST_EXCEPTION) stops at a failure with undefined", async () => {
  const failing = new Future<number>();
  const pending = new Future<number>();
  setTimeout(() => failing.setException(undefined), 5);
  const { done, notDone } = await wait([failing, pending], {
    returnWhen: FIRST_EXCEPTION,
  });
  assert.deepEqual([...done], [failing]);
  assert.deepEqual([...notDone], [pending]);
});

Deno.test("AsyncPoolExecutor.map rejects with undefined", async () => {
  await using ex = new AsyncPoolExecutor();
  const results = ex.map((_: number) => Promise.reject(), [1]);
  assert.deepEqual(await settle(results.next()), ["rejected", undefined]);
});

Deno.test("gather and shield pass a failure with undefined on", async () => {
  assert.deepEqual(
    await settle(runLoop(() => gather([failWithUndefined(), sleep(50, 2)]))),
    ["rejected", undefined],
  );
  assert.deepEqual(
    await settle(runLoop(() =>
      gather([failWithUndefined()], {
        returnExceptions: true,
      })
    )),
    ["resolved", [undefined]],
  );
  assert.deepEqual(
    await settle(runLoop(() => shield(failWithUndefined()))),
    ["rejected", undefined],
  );
});

Deno.test("TaskGroup counts a failure with undefined and cancels the rest", async () => {
  let sibling = "not run";
  const [how, error] = await settle(runLoop(() =>
    // deno-lint-ignore require-yield
    TaskGroup.run(function* (tg) {
      tg.createTask(failWithUndefined());
      tg.createTask(function* () {
        try {
          yield* sleep(100);
          sibling = "ran to the end";
        } catch (e) {
          sibling = "cancelled";
          throw e;
        }
      }());
    })
  ));
  assert.equal(how, "rejected");
  assert.ok(error instanceof AggregateError);
  assert.deepEqual(error.errors, [undefined]);
  assert.equal(sibling, "cancelled");
});

Deno.test("loop wait(FIRST_EXCEPTION) stops at a failure with undefined", async () => {
  const [done, notDone, at] = await runLoop(function* (loop) {
    const slow = loop.createTask(sleep(10_000, 0));
    const failing = loop.createTask(failWithUndefined());
    const result = yield* asyncio.wait([failing, slow], {
      returnWhen: asyncio.FIRST_EXCEPTION,
    });
    failing.exceptionNow(); // retrieved
    slow.cancel();
    return [result.done.size, result.notDone.size, loop.time()];
  });
  assert.deepEqual([done, notDone, at], [1, 1, 10]);
});
