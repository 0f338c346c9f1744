// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { Future } from "../future/future.ts";
import { BrokenBarrierError } from "./broken_barrier_error.ts";
import type { EventLoop } from "./event_loop.ts";
import type { Coroutine } from "./types.ts";
import { boundLoop, checkCount, wakeUpAll } from "./_waiters.ts";

// asyncio's _BarrierState: filling up, letting the parties out (draining),
// resetting (waiters leave with an error), or broken for good.
type BarrierState = "filling" | "draining" | "resetting" | "broken";

/**
 * A meeting point for a fixed number of coroutines (Python's
 * `asyncio.Barrier`): each `wait()` blocks until `parties` coroutines are
 * waiting, then all of them go on together and the barrier can be used
 * again. `wait()` evaluates to the arrival index, 0 to `parties - 1`.
 * Coroutines that arrive while the previous round is still leaving wait
 * for the next round.
 *
 * `abort()` breaks the barrier: waiters and later arrivals get a
 * {@linkcode BrokenBarrierError}. `reset()` makes current waiters fail with
 * it and returns the barrier to its empty state. Unlike Python, `abort()`
 * and `reset()` are plain methods (asyncio's need the barrier's internal
 * lock; this one needs none).
 *
 * @example Three workers in step
 * ```ts
 * import { Barrier, EventLoop, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const barrier = new Barrier(3);
 * const log: string[] = [];
 * function* worker(id: number) {
 *   yield* sleep(id * 100);
 *   const index = yield* barrier.wait();
 *   log.push(`${id} passed at ${loop.time()} as #${index}`);
 * }
 * await loop.runUntilComplete((function* () {
 *   const tasks = [1, 2, 3].map((id) => loop.createTask(worker(id)));
 *   for (const task of tasks) yield* task;
 * })());
 * assert.deepEqual(log, [
 *   "3 passed at 300 as #2",
 *   "1 passed at 300 as #0",
 *   "2 passed at 300 as #1",
 * ]);
 * loop.close();
 * ```
 */
export class Barrier {
  #parties: number;
  #state: BarrierState = "filling";
  #count = 0;
  // Waiting for the barrier to fill (or break, or reset).
  #filling = new Set<Future<void>>();
  // Arrived while the previous round drains or resets.
  #blocked = new Set<Future<void>>();
  #loop: EventLoop | null = null;

  /**
   * Creates a barrier for `parties` coroutines.
   *
   * @param parties How many coroutines must wait before all go on.
   * @throws {RangeError} If `parties` is not an integer >= 1.
   * @throws {TypeError} If `parties` is not a number.
   *
   * @example
   * ```ts
   * import { Barrier } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Barrier(3).parties, 3);
   * assert.throws(() => new Barrier(0), RangeError);
   * ```
   */
  constructor(parties: number) {
    this.#parties = checkCount(parties, 1, "A barrier's parties");
  }

  /**
   * Waits until `parties` coroutines wait at the barrier, then lets them
   * all go on.
   *
   * @returns A coroutine evaluating to this coroutine's arrival index in
   * its round, from 0 to `parties - 1`.
   * @throws {BrokenBarrierError} If the barrier is broken, or is aborted or
   * reset while waiting.
   * @throws {CancelledError} If the task is cancelled while waiting (the
   * barrier is not broken by it; the party just leaves).
   *
   * @example
   * ```ts
   * import { Barrier, EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const barrier = new Barrier(1);
   * assert.equal(await loop.runUntilComplete(barrier.wait()), 0);
   * loop.close();
   * ```
   */
  *wait(): Coroutine<number> {
    // Arrivals during draining or resetting belong to the next round.
    while (this.#now() === "draining" || this.#now() === "resetting") {
      yield* this.#waitIn(this.#blocked);
    }
    if (this.#now() === "broken") {
      throw new BrokenBarrierError("Barrier aborted");
    }
    const index = this.#count++;
    try {
      if (index + 1 === this.#parties) {
        this.#state = "draining";
        wakeUpAll(this.#filling, undefined);
      } else {
        while (this.#now() === "filling") yield* this.#waitIn(this.#filling);
        if (this.#now() === "broken" || this.#now() === "resetting") {
          throw new BrokenBarrierError("Abort or reset of barrier");
        }
      }
      return index;
    } finally {
      this.#count--;
      // The last party out opens the barrier for the next round.
      if (this.#count === 0) {
        if (this.#now() === "draining" || this.#now() === "resetting") {
          this.#state = "filling";
        }
        wakeUpAll(this.#blocked, undefined);
      }
    }
  }

  /**
   * Returns the barrier to its empty, unbroken state; coroutines waiting
   * at it get a {@linkcode BrokenBarrierError}.
   *
   * @example
   * ```ts
   * import { Barrier } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const barrier = new Barrier(2);
   * barrier.abort();
   * assert.equal(barrier.broken, true);
   * barrier.reset();
   * assert.equal(barrier.broken, false);
   * ```
   */
  reset(): void {
    this.#state = this.#count > 0 ? "resetting" : "filling";
    this.#wakeAll();
  }

  /**
   * Breaks the barrier: waiting coroutines, and any that arrive later until
   * `reset()`, get a {@linkcode BrokenBarrierError}.
   *
   * @example
   * ```ts
   * import { Barrier, BrokenBarrierError, EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const barrier = new Barrier(3);
   * await loop.runUntilComplete((function* () {
   *   const waiter = loop.createTask(barrier.wait());
   *   yield* sleep(10);
   *   assert.equal(barrier.nWaiting, 1);
   *   barrier.abort();
   *   try {
   *     yield* waiter;
   *     assert.fail("not reached");
   *   } catch (error) {
   *     assert.ok(error instanceof BrokenBarrierError);
   *   }
   * })());
   * loop.close();
   * ```
   */
  abort(): void {
    this.#state = "broken";
    this.#wakeAll();
  }

  /**
   * How many coroutines the barrier needs to let a round through.
   *
   * @example
   * ```ts
   * import { Barrier } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Barrier(5).parties, 5);
   * ```
   */
  get parties(): number {
    return this.#parties;
  }

  /**
   * How many coroutines wait for the barrier to fill (0 while a round
   * drains, resets, or the barrier is broken).
   *
   * @example
   * ```ts
   * import { Barrier, EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const barrier = new Barrier(3);
   * await loop.runUntilComplete((function* () {
   *   const a = loop.createTask(barrier.wait());
   *   const b = loop.createTask(barrier.wait());
   *   yield* sleep(1);
   *   assert.equal(barrier.nWaiting, 2);
   *   yield* barrier.wait();
   *   yield* a;
   *   yield* b;
   *   assert.equal(barrier.nWaiting, 0);
   * })());
   * loop.close();
   * ```
   */
  get nWaiting(): number {
    return this.#state === "filling" ? this.#count : 0;
  }

  /**
   * Whether the barrier is broken (aborted and not reset since).
   *
   * @example
   * ```ts
   * import { Barrier } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const barrier = new Barrier(2);
   * assert.equal(barrier.broken, false);
   * barrier.abort();
   * assert.equal(barrier.broken, true);
   * ```
   */
  get broken(): boolean {
    return this.#state === "broken";
  }

  *#waitIn(waiters: Set<Future<void>>): Coroutine<void> {
    const loop = this.#loop = boundLoop(
      this.#loop,
      "Barrier",
      this.#filling.size + this.#blocked.size === 0,
    );
    const waiter = loop.createFuture<void>();
    waiters.add(waiter);
    try {
      yield* waiter;
    } finally {
      waiters.delete(waiter);
    }
  }

  // Read through a call: the state changes while the coroutine is suspended,
  // which TypeScript's narrowing of `this.#state` cannot know.
  #now(): BarrierState {
    return this.#state;
  }

  #wakeAll(): void {
    wakeUpAll(this.#filling, undefined);
    wakeUpAll(this.#blocked, undefined);
  }
}
