// Copyright 2026 the @concurrent/futures authors. MIT license.
import { Semaphore } from "./semaphore.ts";
import { checkCount } from "./_waiters.ts";

/**
 * A {@linkcode Semaphore} that refuses to be released more often than it
 * was acquired (Python's `asyncio.BoundedSemaphore`): a `release()` that
 * would raise the count above its initial value is a `RangeError`
 * (Python's `ValueError`), which catches release bugs early.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore, EventLoop } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const sem = new BoundedSemaphore(2);
 * await loop.runUntilComplete(sem.acquire());
 * sem.release();
 * assert.throws(() => sem.release(), RangeError);
 * loop.close();
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  #bound: number;

  /**
   * Creates a bounded semaphore with `value` permits, which is also the most
   * it can ever hold.
   *
   * @param value The initial and largest number of permits (default 1).
   * @throws {RangeError} If `value` is not an integer >= 0.
   * @throws {TypeError} If `value` is not a number.
   *
   * @example
   * ```ts
   * import { BoundedSemaphore } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const sem = new BoundedSemaphore(3);
   * assert.equal(sem.locked(), false);
   * assert.throws(() => new BoundedSemaphore(1.5), RangeError);
   * ```
   */
  constructor(value = 1) {
    super(value);
    this.#bound = checkCount(value, 0, "A semaphore's value");
  }

  /**
   * Gives a permit back, as {@linkcode Semaphore.release} does.
   *
   * @throws {RangeError} If every permit is already free (released too
   * many times).
   *
   * @example
   * ```ts
   * import { BoundedSemaphore } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const sem = new BoundedSemaphore(1);
   * assert.throws(
   *   () => sem.release(),
   *   { name: "RangeError", message: "BoundedSemaphore released too many times" },
   * );
   * ```
   */
  override release(): void {
    if (this._value >= this.#bound) {
      throw new RangeError("BoundedSemaphore released too many times");
    }
    super.release();
  }
}
