// Copyright 2026 the @concurrent/futures authors. MIT license.
import { InvalidStateError } from "../future/errors.ts";
import type { Future } from "../future/future.ts";
import type { EventLoop } from "./event_loop.ts";
import type { Coroutine } from "./types.ts";
import {
  acquireDisposable,
  allCancelled,
  boundLoop,
  runHolding,
} from "./_waiters.ts";

/**
 * A mutual-exclusion lock for coroutines (Python's `asyncio.Lock`). Waiting
 * coroutines get the lock in the order they asked for it, and a waiter that
 * is cancelled at the moment the lock is handed to it passes the lock on
 * to the next one.
 *
 * Python's `async with lock:` is `yield* lock.withLock(function* () { ... })`,
 * or `using _ = yield* lock.acquired();` for the rest of a block.
 *
 * @example Serialising a critical section
 * ```ts
 * import { EventLoop, Lock, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const lock = new Lock();
 * const log: string[] = [];
 * function* worker(name: string) {
 *   yield* lock.withLock(function* () {
 *     log.push(`${name} in`);
 *     yield* sleep(100);
 *     log.push(`${name} out`);
 *   });
 * }
 * await loop.runUntilComplete((function* () {
 *   const a = loop.createTask(worker("a"));
 *   const b = loop.createTask(worker("b"));
 *   yield* a;
 *   yield* b;
 * })());
 * assert.deepEqual(log, ["a in", "a out", "b in", "b out"]);
 * assert.equal(loop.time(), 200);
 * loop.close();
 * ```
 */
export class Lock {
  #locked = false;
  #waiters: Set<Future<true>> | null = null;
  #loop: EventLoop | null = null;

  /**
   * Creates an unlocked lock. It binds to the loop of the first coroutine
   * that has to wait for it.
   *
   * @example
   * ```ts
   * import { Lock } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const lock = new Lock();
   * assert.equal(lock.locked(), false);
   * ```
   */
  constructor() {}

  /**
   * Whether the lock is held.
   *
   * @returns `true` while some coroutine holds the lock.
   *
   * @example
   * ```ts
   * import { EventLoop, Lock } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const lock = new Lock();
   * await loop.runUntilComplete(lock.acquire());
   * assert.equal(lock.locked(), true);
   * lock.release();
   * assert.equal(lock.locked(), false);
   * loop.close();
   * ```
   */
  locked(): boolean {
    return this.#locked;
  }

  /**
   * Acquires the lock, waiting (in FIFO order) while another coroutine holds
   * it. Cancelling the waiting task leaves the lock alone; a wake-up it was
   * about to take passes to the next waiter.
   *
   * @returns A coroutine evaluating to `true`; `yield*` it.
   * @throws {CancelledError} If the task is cancelled while waiting.
   * @throws {InvalidStateError} If it must wait outside a running loop, or
   * on a loop other than the one the lock is bound to.
   *
   * @example
   * ```ts
   * import { EventLoop, Lock } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const lock = new Lock();
   * const order: string[] = [];
   * await loop.runUntilComplete((function* () {
   *   yield* lock.acquire();
   *   const waiter = loop.createTask((function* () {
   *     yield* lock.acquire();
   *     order.push("waiter has it");
   *     lock.release();
   *   })());
   *   loop.callLater(50, () => {
   *     order.push("main releases");
   *     lock.release();
   *   });
   *   yield* waiter;
   * })());
   * assert.deepEqual(order, ["main releases", "waiter has it"]);
   * loop.close();
   * ```
   */
  *acquire(): Coroutine<true> {
    if (
      !this.#locked &&
      (this.#waiters === null || allCancelled(this.#waiters))
    ) {
      this.#locked = true;
      return true;
    }
    const loop = this.#loop = boundLoop(
      this.#loop,
      "Lock",
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
      // Leaving without the lock (cancelled, or closed from outside): if
      // the lock is free, the head of the line must still be woken, or a
      // wake-up meant for us would be lost.
      if (!woken && !this.#locked) this.#wakeUpFirst();
    }
    this.#locked = true;
    return true;
  }

  /**
   * Releases the lock and wakes the first waiter, if any.
   *
   * @throws {InvalidStateError} If the lock is not held.
   *
   * @example
   * ```ts
   * import { InvalidStateError } from "@concurrent/futures";
   * import { Lock } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const lock = new Lock();
   * assert.throws(() => lock.release(), InvalidStateError);
   * ```
   */
  release(): void {
    if (!this.#locked) throw new InvalidStateError("Lock is not acquired");
    this.#locked = false;
    this.#wakeUpFirst();
  }

  /**
   * Runs `body` holding the lock and releases it however `body` ends
   * (Python's `async with lock:`). A critical section with nothing to wait
   * for reads better as `using _ = yield* lock.acquired();` (a generator
   * function without `yield` trips deno lint's `require-yield`).
   *
   * @typeParam R What `body` returns.
   * @param body A generator function: the critical section.
   * @returns A coroutine evaluating to what `body` returns.
   * @throws {CancelledError} If the task is cancelled while waiting.
   *
   * @example
   * ```ts
   * import { EventLoop, Lock } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const lock = new Lock();
   * const value = await loop.runUntilComplete(lock.withLock(function* () {
   *   assert.equal(lock.locked(), true);
   *   return 42;
   * }));
   * assert.equal(value, 42);
   * assert.equal(lock.locked(), false);
   * loop.close();
   * ```
   */
  withLock<R>(body: () => Coroutine<R>): Coroutine<R> {
    return runHolding(this, body);
  }

  /**
   * Acquires the lock and evaluates to a `Disposable` that releases it:
   * `using _ = yield* lock.acquired();` holds the lock to the end of the
   * block. Disposing twice releases once.
   *
   * @returns A coroutine evaluating to the release handle.
   * @throws {CancelledError} If the task is cancelled while waiting.
   *
   * @example
   * ```ts
   * import { EventLoop, Lock } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const lock = new Lock();
   * await loop.runUntilComplete((function* () {
   *   using _held = yield* lock.acquired();
   *   assert.equal(lock.locked(), true);
   * })());
   * assert.equal(lock.locked(), false);
   * loop.close();
   * ```
   */
  acquired(): Coroutine<Disposable> {
    return acquireDisposable(this);
  }

  #wakeUpFirst(): void {
    const waiters = this.#waiters;
    if (waiters === null) return;
    // Only the head is woken: if it is already done it is on its way to
    // take the lock (or to pass it on when it finds itself cancelled).
    for (const first of waiters) {
      if (!first.done()) first.setResult(true);
      return;
    }
  }
}
