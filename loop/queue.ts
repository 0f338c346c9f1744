// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { Future } from "../future/future.ts";
import { Event } from "./event.ts";
import type { EventLoop } from "./event_loop.ts";
import { QueueEmpty, QueueFull, QueueShutDown } from "./queue_errors.ts";
import type { Coroutine } from "./types.ts";
import { boundLoop, checkCount, wakeUpAll, wakeUpNext } from "./_waiters.ts";

// Drop the consumed front of the backing array once it is this long and
// more than half of the array.
const COMPACT_AT = 1024;

/**
 * A first-in, first-out queue for coroutines (Python's `asyncio.Queue`).
 * With a `maxsize`, `put` waits while the queue is full; `get` waits while
 * it is empty. Waiting putters and getters are served in FIFO order, and
 * one cancelled at the moment it is woken passes the wake-up on.
 * `taskDone`/`join` track when every item put has been processed;
 * `shutdown` stops the queue (Python 3.13).
 *
 * Subclasses change the order by overriding `_put`, `_get` and `_size`, as
 * {@linkcode PriorityQueue} and {@linkcode LifoQueue} do.
 *
 * @typeParam T The type of the items.
 *
 * @example Producer and consumers
 * ```ts
 * import { EventLoop, Queue, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const queue = new Queue<number>(2);
 * const done: string[] = [];
 * function* consumer(name: string) {
 *   for (;;) {
 *     const item = yield* queue.get();
 *     yield* sleep(100);
 *     done.push(`${name}:${item}`);
 *     queue.taskDone();
 *   }
 * }
 * await loop.runUntilComplete((function* () {
 *   const consumers = ["a", "b"].map((n) => loop.createTask(consumer(n)));
 *   for (let i = 1; i <= 4; i++) yield* queue.put(i);
 *   yield* queue.join();
 *   for (const c of consumers) c.cancel();
 * })());
 * assert.deepEqual(done, ["a:1", "b:2", "a:3", "b:4"]);
 * assert.equal(loop.time(), 200);
 * loop.close();
 * ```
 */
export class Queue<T = unknown> {
  #maxsize: number;
  #items: T[] = [];
  #head = 0;
  #getters = new Set<Future<void>>();
  #putters = new Set<Future<void>>();
  #unfinished = 0;
  #finished = new Event();
  #shutdown = false;
  #loop: EventLoop | null = null;

  /**
   * Creates a queue holding at most `maxsize` items.
   *
   * @param maxsize The capacity; 0 (the default) or `Infinity` means no
   * limit.
   * @throws {RangeError} If `maxsize` is negative or not an integer.
   * @throws {TypeError} If `maxsize` is not a number.
   *
   * @example
   * ```ts
   * import { Queue } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Queue(10).maxsize, 10);
   * assert.equal(new Queue().full(), false);
   * assert.throws(() => new Queue(-1), RangeError);
   * ```
   */
  constructor(maxsize = 0) {
    this.#maxsize = checkCount(maxsize, 0, "A queue's maxsize", true);
    this.#finished.set();
  }

  /**
   * The capacity given to the constructor (0: unbounded).
   *
   * @example
   * ```ts
   * import { Queue } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Queue(3).maxsize, 3);
   * ```
   */
  get maxsize(): number {
    return this.#maxsize;
  }

  /**
   * The number of items in the queue.
   *
   * @returns The count.
   *
   * @example
   * ```ts
   * import { Queue } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<string>();
   * queue.putNowait("x");
   * assert.equal(queue.qsize(), 1);
   * ```
   */
  qsize(): number {
    return this._size();
  }

  /**
   * Whether the queue holds no items.
   *
   * @returns `true` when `qsize()` is 0.
   *
   * @example
   * ```ts
   * import { Queue } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new Queue().empty(), true);
   * ```
   */
  empty(): boolean {
    return this._size() === 0;
  }

  /**
   * Whether the queue holds `maxsize` items (never, when unbounded).
   *
   * @returns `true` when a `put` would wait.
   *
   * @example
   * ```ts
   * import { Queue } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<number>(1);
   * queue.putNowait(1);
   * assert.equal(queue.full(), true);
   * ```
   */
  full(): boolean {
    return this.#maxsize > 0 && this._size() >= this.#maxsize;
  }

  /**
   * Puts `item` into the queue, waiting (in FIFO order) while it is full.
   *
   * @param item The item.
   * @returns A coroutine; `yield*` it.
   * @throws {QueueShutDown} If the queue is shut down, before or while
   * waiting.
   * @throws {CancelledError} If the task is cancelled while waiting.
   *
   * @example
   * ```ts
   * import { EventLoop, Queue } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const queue = new Queue<string>(1);
   * queue.putNowait("first");
   * loop.callLater(40, () => queue.getNowait()); // makes room
   * await loop.runUntilComplete(queue.put("second"));
   * assert.equal(loop.time(), 40);
   * assert.equal(queue.getNowait(), "second");
   * loop.close();
   * ```
   */
  *put(item: T): Coroutine<void> {
    while (this.full()) {
      if (this.#shutdown) throw new QueueShutDown();
      yield* this.#wait(this.#putters, true);
    }
    this.putNowait(item);
  }

  /**
   * Puts `item` into the queue without waiting.
   *
   * @param item The item.
   * @throws {QueueFull} If the queue is full.
   * @throws {QueueShutDown} If the queue is shut down.
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
  putNowait(item: T): void {
    if (this.#shutdown) throw new QueueShutDown();
    if (this.full()) throw new QueueFull();
    this._put(item);
    this.#unfinished++;
    this.#finished.clear();
    wakeUpNext(this.#getters, undefined);
  }

  /**
   * Takes the next item out of the queue, waiting (in FIFO order) while it
   * is empty.
   *
   * @returns A coroutine evaluating to the item; `yield*` it.
   * @throws {QueueShutDown} If the queue is shut down and empty, before or
   * while waiting (at once after `shutdown(true)`).
   * @throws {CancelledError} If the task is cancelled while waiting.
   *
   * @example
   * ```ts
   * import { EventLoop, Queue } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const queue = new Queue<string>();
   * loop.callLater(25, () => queue.putNowait("hello"));
   * assert.equal(await loop.runUntilComplete(queue.get()), "hello");
   * assert.equal(loop.time(), 25);
   * loop.close();
   * ```
   */
  *get(): Coroutine<T> {
    while (this.empty()) {
      if (this.#shutdown) throw new QueueShutDown();
      yield* this.#wait(this.#getters, false);
    }
    return this.getNowait();
  }

  /**
   * Takes the next item out of the queue without waiting.
   *
   * @returns The item.
   * @throws {QueueEmpty} If the queue is empty.
   * @throws {QueueShutDown} If the queue is empty and shut down.
   *
   * @example
   * ```ts
   * import { Queue, QueueEmpty } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<number>();
   * queue.putNowait(1);
   * assert.equal(queue.getNowait(), 1);
   * assert.throws(() => queue.getNowait(), QueueEmpty);
   * ```
   */
  getNowait(): T {
    if (this.empty()) {
      throw this.#shutdown ? new QueueShutDown() : new QueueEmpty();
    }
    const item = this._get();
    wakeUpNext(this.#putters, undefined);
    return item;
  }

  /**
   * Marks one item taken with `get` as processed; once every item put has
   * been marked, `join()` returns.
   *
   * @throws {RangeError} If called more times than items were put.
   *
   * @example
   * ```ts
   * import { Queue } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const queue = new Queue<number>();
   * queue.putNowait(1);
   * queue.getNowait();
   * queue.taskDone();
   * assert.throws(() => queue.taskDone(), RangeError);
   * ```
   */
  taskDone(): void {
    if (this.#unfinished <= 0) {
      throw new RangeError("taskDone() called too many times");
    }
    this.#unfinished--;
    if (this.#unfinished === 0) this.#finished.set();
  }

  /**
   * Waits until every item put into the queue has been marked with
   * `taskDone()`; returns at once if there is none.
   *
   * @returns A coroutine; `yield*` it.
   * @throws {CancelledError} If the task is cancelled while waiting.
   *
   * @example
   * ```ts
   * import { EventLoop, Queue } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const queue = new Queue<number>();
   * queue.putNowait(1);
   * loop.callLater(60, () => {
   *   queue.getNowait();
   *   queue.taskDone();
   * });
   * await loop.runUntilComplete(queue.join());
   * assert.equal(loop.time(), 60);
   * loop.close();
   * ```
   */
  *join(): Coroutine<void> {
    if (this.#unfinished > 0) yield* this.#finished.wait();
  }

  /**
   * Shuts the queue down (Python 3.13): `put` and `putNowait` throw
   * {@linkcode QueueShutDown} from now on, as do `get` and `getNowait` once
   * the queue is empty; blocked putters and getters are woken to throw it.
   * With `immediate`, the items still queued are dropped (and counted as
   * done for `join`), so getters throw at once.
   *
   * @param immediate Drop the queued items too (default `false`).
   *
   * @example
   * ```ts
   * import { EventLoop, Queue, QueueShutDown } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const queue = new Queue<number>();
   * loop.callLater(10, () => queue.shutdown());
   * await assert.rejects(loop.runUntilComplete(queue.get()), QueueShutDown);
   * loop.close();
   * ```
   */
  shutdown(immediate = false): void {
    this.#shutdown = true;
    if (immediate) {
      while (!this.empty()) {
        this._get();
        if (this.#unfinished > 0) this.#unfinished--;
      }
      if (this.#unfinished === 0) this.#finished.set();
    }
    // Everyone blocked re-checks and finds the queue shut down.
    wakeUpAll(this.#getters, undefined);
    wakeUpAll(this.#putters, undefined);
  }

  /**
   * Stores an item; subclasses override it (with `_get` and `_size`) to
   * keep items in another order.
   *
   * @param item The item to store.
   *
   * @example A queue that drops duplicates
   * ```ts
   * import { Queue } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * class UniqueQueue<T> extends Queue<T> {
   *   #items = new Set<T>();
   *   protected override _put(item: T): void {
   *     this.#items.add(item);
   *   }
   *   protected override _get(): T {
   *     const [first] = this.#items;
   *     this.#items.delete(first);
   *     return first;
   *   }
   *   protected override _size(): number {
   *     return this.#items.size;
   *   }
   * }
   * const queue = new UniqueQueue<string>();
   * for (const s of ["a", "b", "a"]) queue.putNowait(s);
   * assert.equal(queue.qsize(), 2);
   * ```
   */
  protected _put(item: T): void {
    this.#items.push(item);
  }

  /**
   * Removes and returns the next item; only called when `_size()` > 0.
   *
   * @returns The item.
   */
  protected _get(): T {
    const items = this.#items;
    const item = items[this.#head];
    items[this.#head++] = undefined as T; // let the item be collected
    if (this.#head === items.length) {
      items.length = 0;
      this.#head = 0;
    } else if (this.#head >= COMPACT_AT && this.#head * 2 > items.length) {
      items.splice(0, this.#head);
      this.#head = 0;
    }
    return item;
  }

  /**
   * The number of stored items.
   *
   * @returns The count.
   */
  protected _size(): number {
    return this.#items.length - this.#head;
  }

  /**
   * Waits in `waiters` until woken; a wake-up that arrives together with a
   * cancellation goes to the next waiter when the queue could still serve
   * one.
   */
  *#wait(waiters: Set<Future<void>>, putter: boolean): Coroutine<void> {
    const loop = this.#loop = boundLoop(
      this.#loop,
      "Queue",
      this.#getters.size + this.#putters.size === 0,
    );
    const waiter = loop.createFuture<void>();
    waiters.add(waiter);
    let woken = false;
    try {
      yield* waiter;
      woken = true;
    } finally {
      if (!woken) {
        waiter.cancel(); // in case it is still pending
        waiters.delete(waiter);
        const canServe = putter ? !this.full() : !this.empty();
        if (canServe && !waiter.cancelled()) wakeUpNext(waiters, undefined);
      }
    }
  }
}
