// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { Future } from "../future/future.ts";
import type { EventLoop } from "./event_loop.ts";
import type { Coroutine } from "./types.ts";
import {
  acquireDisposable,
  boundLoop,
  checkCount,
  runHolding,
} from "./_waiters.ts";

/**
 * A counter of permits for coroutines (Python's `asyncio.Semaphore`):
 * `acquire()` takes one, waiting while there are none, `release()` gives
 * one back. Waiters are served in FIFO order (a newcomer never overtakes a
 * waiting coroutine, even when a permit is free), and a waiter cancelled
 * at the moment it is handed a permit passes it on.
 *
 * @example At most two downloads at a time
 * ```ts
 * import { EventLoop, Semaphore, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const slots = new Semaphore(2);
 * let running = 0;
 * let peak = 0;
 * function* download(ms: number) {
 *   yield* slots.withLock(function* () {
 *     peak = Math.max(peak, ++running);
 *     yield* sleep(ms);
 *     running--;
 *   });
 * }
 * await loop.runUntilComplete((function* () {
 *   const tasks = [100, 100, 100, 100].map((ms) => loop.createTask(download(ms)));
 *   for (const task of tasks) yield* task;
 * })());
 * assert.equal(peak, 2);
 * assert.equal(loop.time(), 200);
 * loop.close();
 * ```
 */
export class Semaphore {
  /**
   * The number of free permits (asyncio's `_value`), for subclasses.
   *
   * @ignore
   */
  protected _value: number;
  // Waiters not handed a permit yet, in FIFO order.
  #waiters: Set<Future<true>> | null = null;
  // Waiters handed a permit whose tasks have not run yet: they count as
  // waiting (asyncio keeps them in its deque), so newcomers queue behind.
  #woken = 0;
  #loop: EventLoop | null = null;

  /**
   * Creates a semaphore with `value` permits.
   *
   * @param value The initial number of permits (default 1).
   * @throws {RangeError} If `value` is not an integer >= 0.
   * @throws {TypeError} If `value` is not a number.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Semaphore(0).locked(), true);
   * assert.throws(() => new Semaphore(-1), RangeError);
   * ```
   */
  constructor(value = 1) {
    this._value = checkCount(value, 0, "A semaphore's value");
  }

  /**
   * Whether `acquire()` would have to wait: no permit is free, or other
   * coroutines are already waiting.
   *
   * @returns `true` if an `acquire()` now would block.
   *
   * @example
   * ```ts
   * import { EventLoop, Semaphore } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const sem = new Semaphore(1);
   * assert.equal(sem.locked(), false);
   * await loop.runUntilComplete(sem.acquire());
   * assert.equal(sem.locked(), true);
   * sem.release();
   * loop.close();
   * ```
   */
  locked(): boolean {
    if (this._value === 0 || this.#woken > 0) return true;
    if (this.#waiters !== null) {
      for (const waiter of this.#waiters) if (!waiter.cancelled()) return true;
    }
    return false;
  }

  /**
   * Takes a permit, waiting in FIFO order while none is free.
   *
   * @returns A coroutine evaluating to `true`; `yield*` it.
   * @throws {CancelledError} If the task is cancelled while waiting.
   * @throws {InvalidStateError} If it must wait outside a running loop, or
   * on a loop other than the one the semaphore is bound to.
   *
   * @example
   * ```ts
   * import { EventLoop, Semaphore } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const sem = new Semaphore(0);
   * loop.callLater(25, () => sem.release());
   * assert.equal(await loop.runUntilComplete(sem.acquire()), true);
   * assert.equal(loop.time(), 25);
   * loop.close();
   * ```
   */
  *acquire(): Coroutine<true> {
    if (!this.locked()) {
      this._value--;
      return true;
    }
    const loop = this.#loop = boundLoop(
      this.#loop,
      "Semaphore",
      !this.#waiters?.size,
    );
    const waiters = this.#waiters ??= new Set();
    const waiter = loop.createFuture<true>();
    waiters.add(waiter);
    let woken = false;
    try {
      yield* waiter;
      woken = true;
    } finally {
      waiters.delete(waiter);
      if (waiter.done() && !waiter.cancelled()) {
        this.#woken--;
        // Handed a permit but leaving without it (cancelled at the
        // wake-up): give it back, so the loop below passes it on.
        if (!woken) this._value++;
      }
      // Waiters that queued behind us while permits were free (FIFO keeps
      // them waiting) get as many permits as there are.
      while (this._value > 0 && this.#wakeUpNext()) {
        // each turn hands out one permit
      }
    }
    return true;
  }

  /**
   * Gives a permit back and wakes the first waiter, if any.
   *
   * @example
   * ```ts
   * import { Semaphore } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const sem = new Semaphore(0);
   * sem.release();
   * assert.equal(sem.locked(), false);
   * ```
   */
  release(): void {
    this._value++;
    this.#wakeUpNext();
  }

  /**
   * Runs `body` holding a permit and gives it back however `body` ends
   * (Python's `async with sem:`).
   *
   * @typeParam R What `body` returns.
   * @param body A generator function.
   * @returns A coroutine evaluating to what `body` returns.
   * @throws {CancelledError} If the task is cancelled while waiting.
   *
   * @example
   * ```ts
   * import { EventLoop, Semaphore } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const sem = new Semaphore(1);
   * const v = await loop.runUntilComplete(sem.withLock(function* () {
   *   assert.equal(sem.locked(), true);
   *   return 7;
   * }));
   * assert.equal(v, 7);
   * assert.equal(sem.locked(), false);
   * loop.close();
   * ```
   */
  withLock<R>(body: () => Coroutine<R>): Coroutine<R> {
    return runHolding(this, body);
  }

  /**
   * Takes a permit and evaluates to a `Disposable` that gives it back:
   * `using _ = yield* sem.acquired();`. Disposing twice releases once.
   *
   * @returns A coroutine evaluating to the release handle.
   * @throws {CancelledError} If the task is cancelled while waiting.
   *
   * @example
   * ```ts
   * import { EventLoop, Semaphore } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const sem = new Semaphore(1);
   * await loop.runUntilComplete((function* () {
   *   using _permit = yield* sem.acquired();
   *   assert.equal(sem.locked(), true);
   * })());
   * assert.equal(sem.locked(), false);
   * loop.close();
   * ```
   */
  acquired(): Coroutine<Disposable> {
    return acquireDisposable(this);
  }

  /** Hands a permit to the first pending waiter; false if there is none. */
  #wakeUpNext(): boolean {
    const waiters = this.#waiters;
    if (waiters === null) return false;
    for (const waiter of waiters) {
      waiters.delete(waiter);
      if (!waiter.done()) {
        this._value--;
        this.#woken++;
        waiter.setResult(true);
        return true;
      }
    }
    return false;
  }
}
