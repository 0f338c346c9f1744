// Copyright 2026 the @concurrent/futures authors. MIT license.
import { failed } from "../future/_failed.ts";
import type { Future } from "../future/future.ts";
import { getRunningLoop } from "./get_running_loop.ts";
import type { Awaitable, Coroutine } from "./types.ts";
import { checkAwaitable, ensureFuture } from "./_ensure_future.ts";

/**
 * Protects work from the cancellation of the task waiting for it (Python's
 * `asyncio.shield`): if the waiting task is cancelled, it gets a
 * `CancelledError`, while the inner work (a task for a coroutine) goes on.
 *
 * @typeParam T What `aw` evaluates to.
 * @param aw A coroutine, future or promise.
 * @returns A coroutine evaluating to the value of `aw`.
 * @throws {TypeError} If `aw` is not awaitable.
 *
 * @example
 * ```ts
 * import { CancelledError } from "@concurrent/futures";
 * import { EventLoop, shield, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const inner = loop.createTask(sleep(100, "saved"));
 * const outer = loop.createTask(shield(inner));
 * loop.callLater(10, () => outer.cancel());
 * await assert.rejects(loop.runUntilComplete(outer), CancelledError);
 * assert.equal(await loop.runUntilComplete(inner), "saved");
 * loop.close();
 * ```
 */
export function shield<T>(aw: Awaitable<T>): Coroutine<T> {
  checkAwaitable(aw, "shield()");
  return shielded(aw);
}

function* shielded<T>(aw: Awaitable<T>): Coroutine<T> {
  const loop = getRunningLoop();
  const inner = ensureFuture(aw, loop);
  if (inner.done()) return inner.resultNow();
  const outer = loop.createFuture<T>();
  const onInnerDone = (done: Future<T>) => {
    if (outer.cancelled()) {
      if (!done.cancelled()) done.exceptionNow(); // marks it retrieved
      return;
    }
    if (done.cancelled()) {
      outer.cancel();
      return;
    }
    if (failed(done)) outer.setException(done.exceptionNow());
    else outer.setResult(done.resultNow());
  };
  inner.addDoneCallback(onInnerDone);
  outer.addDoneCallback(() => {
    if (!inner.done()) inner.removeDoneCallback(onInnerDone);
  });
  return yield* outer;
}
