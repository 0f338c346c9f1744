// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { Future } from "../future/future.ts";
import type { EventLoop } from "./event_loop.ts";
import type { Coroutine } from "./types.ts";
import { boundLoop, wakeUpAll } from "./_waiters.ts";

/**
 * A flag coroutines can wait for (Python's `asyncio.Event`): `set()` wakes
 * every waiter, in the order they started waiting, and later `wait()`s
 * return at once until `clear()`.
 *
 * (Inside this module `Event` shadows the DOM's global `Event`; import it
 * under another name if a file needs both.)
 *
 * @example Starting workers together
 * ```ts
 * import { Event, EventLoop, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const go = new Event();
 * const started: number[] = [];
 * function* worker(id: number) {
 *   yield* go.wait();
 *   started.push(id);
 * }
 * await loop.runUntilComplete((function* () {
 *   const tasks = [1, 2, 3].map((id) => loop.createTask(worker(id)));
 *   yield* sleep(1000);
 *   assert.deepEqual(started, []);
 *   go.set();
 *   for (const task of tasks) yield* task;
 * })());
 * assert.deepEqual(started, [1, 2, 3]);
 * loop.close();
 * ```
 */
export class Event {
  #value = false;
  #waiters = new Set<Future<true>>();
  #loop: EventLoop | null = null;

  /**
   * Creates an event that is not set.
   *
   * @example
   * ```ts
   * import { Event } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Event().isSet(), false);
   * ```
   */
  constructor() {}

  /**
   * Whether the event is set.
   *
   * @returns `true` between `set()` and `clear()`.
   *
   * @example
   * ```ts
   * import { Event } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const event = new Event();
   * event.set();
   * assert.equal(event.isSet(), true);
   * ```
   */
  isSet(): boolean {
    return this.#value;
  }

  /**
   * Sets the event and wakes every coroutine waiting for it. Setting a set
   * event does nothing.
   *
   * @example
   * ```ts
   * import { Event, EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const event = new Event();
   * loop.callLater(30, () => event.set());
   * assert.equal(await loop.runUntilComplete(event.wait()), true);
   * assert.equal(loop.time(), 30);
   * loop.close();
   * ```
   */
  set(): void {
    if (this.#value) return;
    this.#value = true;
    wakeUpAll(this.#waiters, true);
  }

  /**
   * Clears the event: later `wait()`s block until the next `set()`.
   *
   * @example
   * ```ts
   * import { Event } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const event = new Event();
   * event.set();
   * event.clear();
   * assert.equal(event.isSet(), false);
   * ```
   */
  clear(): void {
    this.#value = false;
  }

  /**
   * Waits until the event is set; returns at once if it is.
   *
   * @returns A coroutine evaluating to `true`; `yield*` it.
   * @throws {CancelledError} If the task is cancelled while waiting.
   * @throws {InvalidStateError} If it must wait outside a running loop, or
   * on a loop other than the one the event is bound to.
   *
   * @example
   * ```ts
   * import { Event, EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const event = new Event();
   * event.set();
   * assert.equal(await loop.runUntilComplete(event.wait()), true);
   * loop.close();
   * ```
   */
  *wait(): Coroutine<true> {
    if (this.#value) return true;
    const loop = this.#loop = boundLoop(
      this.#loop,
      "Event",
      this.#waiters.size === 0,
    );
    const waiter = loop.createFuture<true>();
    this.#waiters.add(waiter);
    try {
      return yield* waiter;
    } finally {
      this.#waiters.delete(waiter);
    }
  }
}
