// Copyright 2026 the @concurrent/futures authors. MIT license.
import { copyOutcome } from "../future/_chain.ts";
import type { Future } from "../future/future.ts";
import type { EventLoop } from "./event_loop.ts";
import type { Awaitable } from "./types.ts";
import { checkAwaitable, futureOn } from "./_awaitables.ts";
import { LazyFuture } from "./_lazy_future.ts";

/**
 * Protects work from cancellation (Python's `asyncio.shield`): gives an
 * outer future that takes the outcome of `aw`, the inner work (a task for a
 * coroutine). Cancelling the outer future, or the task waiting on it,
 * cancels only the outer one: the inner work goes on. Its value or error
 * passes through to the outer future while that is not cancelled.
 *
 * Made inside a running loop, the inner work starts on it at once; made
 * outside any loop, on the loop that first runs or awaits the shield.
 *
 * @typeParam T What `aw` evaluates to.
 * @param aw A coroutine, future or promise.
 * @returns The outer future; `yield*` it in a coroutine.
 * @throws {TypeError} If `aw` is not awaitable.
 *
 * @example The waiting task is cancelled, the work goes on
 * ```ts
 * import { CancelledError } from "@concurrent/futures";
 * import { EventLoop, shield, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const inner = loop.createTask(sleep(100, "saved"));
 * const waiter = loop.createTask((function* () {
 *   return yield* shield(inner);
 * })());
 * loop.callLater(10, () => waiter.cancel());
 * await assert.rejects(loop.runUntilComplete(waiter), CancelledError);
 * assert.equal(await loop.runUntilComplete(inner), "saved");
 * loop.close();
 * ```
 *
 * @example Cancelling the outer future
 * ```ts
 * import { createTask, run, shield, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* main() {
 *   const inner = createTask(sleep(100, "done"));
 *   const outer = shield(inner);
 *   assert.equal(outer.cancel(), true);
 *   assert.equal(yield* inner, "done");
 *   return outer.cancelled();
 * }
 * assert.equal(await run(main(), { virtualTime: true }), true);
 * ```
 */
export function shield<T>(aw: Awaitable<T>): Future<T> {
  checkAwaitable(aw, "shield()");
  return new ShieldFuture(aw);
}

/** The outer future of a shield. */
class ShieldFuture<T> extends LazyFuture<T> {
  #aw: Awaitable<T>;

  constructor(aw: Awaitable<T>) {
    super();
    this.#aw = aw;
    this._bindIfRunning();
  }

  protected override _start(loop: EventLoop): void {
    const inner = futureOn(this.#aw, loop);
    const onInnerDone = () => copyOutcome(inner, this as Future<T>);
    inner.addDoneCallback(onInnerDone);
    this.addDoneCallback(() => {
      if (!inner.done()) inner.removeDoneCallback(onInnerDone);
    });
  }
}
