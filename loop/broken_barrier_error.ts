// Copyright 2026 the @concurrent/futures authors. MIT license.

/**
 * Thrown by {@linkcode Barrier.wait} when the barrier is broken
 * (`abort()`) or reset (`reset()`) while a coroutine waits at it, or is
 * already broken when it arrives (Python's `asyncio.BrokenBarrierError`).
 *
 * @example
 * ```ts
 * import { Barrier, BrokenBarrierError, EventLoop } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const barrier = new Barrier(2);
 * barrier.abort();
 * await assert.rejects(loop.runUntilComplete(barrier.wait()), BrokenBarrierError);
 * loop.close();
 * ```
 */
export class BrokenBarrierError extends Error {
  /**
   * Creates a `BrokenBarrierError`.
   *
   * @param message What broke the barrier.
   * @param options `cause`, when there is one.
   *
   * @example
   * ```ts
   * import { BrokenBarrierError } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const error = new BrokenBarrierError();
   * assert.equal(error.name, "BrokenBarrierError");
   * assert.equal(error.message, "The barrier is broken");
   * ```
   */
  constructor(message = "The barrier is broken", options?: ErrorOptions) {
    super(message, options);
    this.name = "BrokenBarrierError";
  }
}
