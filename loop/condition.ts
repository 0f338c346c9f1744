// Copyright 2026 the @concurrent/futures authors. MIT license.
import { CancelledError, InvalidStateError } from "../future/errors.ts";
import type { Future } from "../future/future.ts";
import type { EventLoop } from "./event_loop.ts";
import { Lock } from "./lock.ts";
import type { Coroutine } from "./types.ts";
import { boundLoop, checkCount } from "./_waiters.ts";

/**
 * A condition variable for coroutines (Python's `asyncio.Condition`): a
 * lock plus a FIFO line of coroutines waiting to be notified. `wait()`
 * releases the lock, waits for `notify()`/`notifyAll()`, and re-acquires
 * the lock before it returns, also when it is cancelled. A waiter that is
 * cancelled right after being notified passes the notification on.
 *
 * @example A one-slot mailbox
 * ```ts
 * import { Condition, EventLoop, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const cond = new Condition();
 * let mail: string | null = null;
 * function* reader() {
 *   return yield* cond.withLock(function* () {
 *     yield* cond.waitFor(() => mail !== null);
 *     return mail;
 *   });
 * }
 * function* writer() {
 *   yield* sleep(100);
 *   yield* cond.withLock(function* () {
 *     mail = "hello";
 *     cond.notifyAll();
 *   });
 * }
 * const got = await loop.runUntilComplete((function* () {
 *   const r = loop.createTask(reader());
 *   loop.createTask(writer());
 *   return yield* r;
 * })());
 * assert.equal(got, "hello");
 * loop.close();
 * ```
 */
export class Condition {
  #lock: Lock;
  #waiters = new Set<Future<false>>();
  #loop: EventLoop | null = null;

  /**
   * Creates a condition over `lock`, or over a new lock.
   *
   * @param lock The lock to share, e.g. between several conditions.
   * @throws {TypeError} If `lock` is given and is not a {@linkcode Lock}.
   *
   * @example
   * ```ts
   * import { Condition, Lock } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const lock = new Lock();
   * const notEmpty = new Condition(lock);
   * const notFull = new Condition(lock);
   * assert.equal(notEmpty.locked(), notFull.locked());
   * ```
   */
  constructor(lock?: Lock) {
    if (lock !== undefined && !(lock instanceof Lock)) {
      throw new TypeError("A Condition needs a Lock from this module");
    }
    this.#lock = lock ?? new Lock();
  }

  /**
   * Whether the underlying lock is held.
   *
   * @returns `true` while some coroutine holds the lock.
   *
   * @example
   * ```ts
   * import { Condition } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Condition().locked(), false);
   * ```
   */
  locked(): boolean {
    return this.#lock.locked();
  }

  /**
   * Acquires the underlying lock (see {@linkcode Lock.acquire}).
   *
   * @returns A coroutine evaluating to `true`; `yield*` it.
   * @throws {CancelledError} If the task is cancelled while waiting.
   *
   * @example
   * ```ts
   * import { Condition, EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const cond = new Condition();
   * await loop.runUntilComplete(cond.acquire());
   * assert.equal(cond.locked(), true);
   * cond.release();
   * loop.close();
   * ```
   */
  acquire(): Coroutine<true> {
    return this.#lock.acquire();
  }

  /**
   * Releases the underlying lock.
   *
   * @throws {InvalidStateError} If the lock is not held.
   *
   * @example
   * ```ts
   * import { InvalidStateError } from "@concurrent/futures";
   * import { Condition } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * assert.throws(() => new Condition().release(), InvalidStateError);
   * ```
   */
  release(): void {
    this.#lock.release();
  }

  /**
   * Runs `body` holding the underlying lock (Python's `async with cond:`).
   *
   * @typeParam R What `body` returns.
   * @param body A generator function.
   * @returns A coroutine evaluating to what `body` returns.
   * @throws {CancelledError} If the task is cancelled while waiting.
   *
   * @example
   * ```ts
   * import { Condition, EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const cond = new Condition();
   * const v = await loop.runUntilComplete(cond.withLock(function* () {
   *   cond.notifyAll(); // allowed: the lock is held
   *   return "ok";
   * }));
   * assert.equal(v, "ok");
   * loop.close();
   * ```
   */
  withLock<R>(body: () => Coroutine<R>): Coroutine<R> {
    return this.#lock.withLock(body);
  }

  /**
   * Acquires the underlying lock and evaluates to a `Disposable` that
   * releases it: `using _ = yield* cond.acquired();`.
   *
   * @returns A coroutine evaluating to the release handle.
   * @throws {CancelledError} If the task is cancelled while waiting.
   *
   * @example
   * ```ts
   * import { Condition, EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const cond = new Condition();
   * await loop.runUntilComplete((function* () {
   *   using _held = yield* cond.acquired();
   *   assert.equal(cond.locked(), true);
   * })());
   * assert.equal(cond.locked(), false);
   * loop.close();
   * ```
   */
  acquired(): Coroutine<Disposable> {
    return this.#lock.acquired();
  }

  /**
   * Releases the lock, waits to be notified, and re-acquires the lock
   * before returning: also when the task is cancelled, in which case the
   * `CancelledError` is thrown once the lock is held again.
   *
   * @returns A coroutine evaluating to `true`; `yield*` it.
   * @throws {InvalidStateError} If the lock is not held.
   * @throws {CancelledError} If the task is cancelled while waiting.
   *
   * @example
   * ```ts
   * import { Condition, EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const cond = new Condition();
   * await loop.runUntilComplete((function* () {
   *   yield* cond.acquire();
   *   loop.callLater(10, () => {
   *     assert.equal(cond.locked(), false); // wait() released it
   *     loop.createTask(cond.withLock(function* () {
   *       cond.notify();
   *     }));
   *   });
   *   assert.equal(yield* cond.wait(), true);
   *   assert.equal(cond.locked(), true); // held again
   *   cond.release();
   * })());
   * loop.close();
   * ```
   */
  *wait(): Coroutine<true> {
    if (!this.locked()) {
      throw new InvalidStateError("Cannot wait on an un-acquired lock");
    }
    const loop = this.#loop = boundLoop(
      this.#loop,
      "Condition",
      this.#waiters.size === 0,
    );
    this.release();
    try {
      const waiter = loop.createFuture<false>();
      this.#waiters.add(waiter);
      let failure: { error: unknown } | null = null;
      try {
        yield* waiter;
      } catch (error) {
        failure = { error };
      } finally {
        this.#waiters.delete(waiter);
      }
      // Re-acquire whatever happened; a cancellation during the
      // re-acquisition is thrown once the lock is held.
      const cancelled = yield* this.#reacquire();
      if (cancelled !== null) throw cancelled;
      if (failure !== null) throw failure.error;
      return true;
    } catch (error) {
      // An error out of here may come after this waiter was notified (also
      // while it re-acquired the lock): the notification goes to another
      // waiter, at worst a spurious wake-up, as in asyncio.
      this.#notify(1);
      throw error;
    }
  }

  /**
   * Waits until `predicate()` is truthy, checking it first and after each
   * notification, holding the lock each time.
   *
   * @typeParam R What the predicate returns.
   * @param predicate A function of the shared state.
   * @returns A coroutine evaluating to the predicate's last (truthy) value.
   * @throws {InvalidStateError} If the lock is not held and the predicate
   * is false.
   * @throws {CancelledError} If the task is cancelled while waiting.
   *
   * @example
   * ```ts
   * import { Condition, EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const cond = new Condition();
   * let count = 0;
   * for (const ms of [10, 20, 30]) {
   *   loop.callLater(ms, () => {
   *     loop.createTask(cond.withLock(function* () {
   *       count++;
   *       cond.notifyAll();
   *     }));
   *   });
   * }
   * const seen = await loop.runUntilComplete(cond.withLock(function* () {
   *   return yield* cond.waitFor(() => count >= 3 && count);
   * }));
   * assert.equal(seen, 3);
   * assert.equal(loop.time(), 30);
   * loop.close();
   * ```
   */
  *waitFor<R>(predicate: () => R): Coroutine<R> {
    let result = predicate();
    while (!result) {
      yield* this.wait();
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` waiters, first come first served. The lock must be
   * held; the woken coroutines run once they re-acquire it.
   *
   * @param n How many waiters to wake (default 1).
   * @throws {InvalidStateError} If the lock is not held.
   * @throws {RangeError} If `n` is not an integer >= 0.
   *
   * @example
   * ```ts
   * import { Condition, EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const cond = new Condition();
   * const woken: number[] = [];
   * function* waiter(id: number) {
   *   yield* cond.withLock(function* () {
   *     yield* cond.wait();
   *     woken.push(id);
   *   });
   * }
   * await loop.runUntilComplete((function* () {
   *   const tasks = [1, 2, 3].map((id) => loop.createTask(waiter(id)));
   *   loop.callLater(10, () => loop.createTask(cond.withLock(function* () {
   *     cond.notify(2);
   *   })));
   *   loop.callLater(20, () => loop.createTask(cond.withLock(function* () {
   *     cond.notify();
   *   })));
   *   for (const task of tasks) yield* task;
   * })());
   * assert.deepEqual(woken, [1, 2, 3]);
   * loop.close();
   * ```
   */
  notify(n = 1): void {
    if (!this.locked()) {
      throw new InvalidStateError("Cannot notify on an un-acquired lock");
    }
    this.#notify(checkCount(n, 0, "notify(n)", true));
  }

  /**
   * Wakes every waiter. The lock must be held.
   *
   * @throws {InvalidStateError} If the lock is not held.
   *
   * @example
   * ```ts
   * import { InvalidStateError } from "@concurrent/futures";
   * import { Condition } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * assert.throws(() => new Condition().notifyAll(), InvalidStateError);
   * ```
   */
  notifyAll(): void {
    this.notify(this.#waiters.size);
  }

  *#reacquire(): Coroutine<CancelledError | null> {
    let cancelled: CancelledError | null = null;
    for (;;) {
      try {
        yield* this.#lock.acquire();
        return cancelled;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        cancelled = error;
      }
    }
  }

  #notify(n: number): void {
    let woken = 0;
    // Woken (and cancelled) waiters leave the set at once, so repeated
    // notify() calls do not walk over them again.
    for (const waiter of this.#waiters) {
      if (woken >= n) break;
      this.#waiters.delete(waiter);
      if (!waiter.done()) {
        woken++;
        waiter.setResult(false);
      }
    }
  }
}
