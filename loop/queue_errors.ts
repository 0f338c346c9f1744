// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * The errors of {@linkcode Queue} and its subclasses.
 *
 * @module
 */

/**
 * Thrown by {@linkcode Queue.putNowait} when the queue is full (Python's
 * `asyncio.QueueFull`).
 *
 * @example
 * ```ts
 * import { Queue, QueueFull } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const queue = new Queue<number>(1);
 * queue.putNowait(1);
 * assert.throws(() => queue.putNowait(2), QueueFull);
 * ```
 */
export class QueueFull extends Error {
  /**
   * Creates a `QueueFull` error.
   *
   * @param message What was refused.
   * @param options `cause`, when there is one.
   *
   * @example
   * ```ts
   * import { QueueFull } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new QueueFull().name, "QueueFull");
   * ```
   */
  constructor(message = "The queue is full", options?: ErrorOptions) {
    super(message, options);
    this.name = "QueueFull";
  }
}

/**
 * Thrown by {@linkcode Queue.getNowait} when the queue is empty (Python's
 * `asyncio.QueueEmpty`).
 *
 * @example
 * ```ts
 * import { Queue, QueueEmpty } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => new Queue().getNowait(), QueueEmpty);
 * ```
 */
export class QueueEmpty extends Error {
  /**
   * Creates a `QueueEmpty` error.
   *
   * @param message What was refused.
   * @param options `cause`, when there is one.
   *
   * @example
   * ```ts
   * import { QueueEmpty } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new QueueEmpty().name, "QueueEmpty");
   * ```
   */
  constructor(message = "The queue is empty", options?: ErrorOptions) {
    super(message, options);
    this.name = "QueueEmpty";
  }
}

/**
 * Thrown by a queue that was shut down (Python 3.13's
 * `asyncio.QueueShutDown`): by `put`/`putNowait` at once, and by
 * `get`/`getNowait` once the queue is empty (at once after
 * `shutdown(true)`). Coroutines blocked in `put` or `get` get it too.
 *
 * @example
 * ```ts
 * import { Queue, QueueShutDown } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const queue = new Queue<string>();
 * queue.putNowait("last");
 * queue.shutdown();
 * assert.throws(() => queue.putNowait("more"), QueueShutDown);
 * assert.equal(queue.getNowait(), "last"); // still drained
 * assert.throws(() => queue.getNowait(), QueueShutDown);
 * ```
 */
export class QueueShutDown extends Error {
  /**
   * Creates a `QueueShutDown` error.
   *
   * @param message What was refused.
   * @param options `cause`, when there is one.
   *
   * @example
   * ```ts
   * import { QueueShutDown } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new QueueShutDown().name, "QueueShutDown");
   * ```
   */
  constructor(message = "The queue is shut down", options?: ErrorOptions) {
    super(message, options);
    this.name = "QueueShutDown";
  }
}
