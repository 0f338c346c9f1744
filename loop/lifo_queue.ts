// Copyright 2026 the @concurrent/futures authors. MIT license.
import { Queue } from "./queue.ts";

/**
 * A queue that hands out the most recently put item first (Python's
 * `asyncio.LifoQueue`): a stack with the blocking, `taskDone`/`join` and
 * `shutdown` behaviour of {@linkcode Queue}.
 *
 * @typeParam T The type of the items.
 *
 * @example
 * ```ts
 * import { LifoQueue } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const stack = new LifoQueue<number>();
 * for (const n of [1, 2, 3]) stack.putNowait(n);
 * assert.deepEqual([stack.getNowait(), stack.getNowait(), stack.getNowait()], [3, 2, 1]);
 * ```
 */
export class LifoQueue<T = unknown> extends Queue<T> {
  #items: T[] = [];

  /**
   * Creates a LIFO queue holding at most `maxsize` items.
   *
   * @param maxsize The capacity; 0 (the default) means no limit.
   * @throws {RangeError} If `maxsize` is negative or not an integer.
   *
   * @example
   * ```ts
   * import { LifoQueue } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const stack = new LifoQueue<string>(1);
   * stack.putNowait("only");
   * assert.equal(stack.full(), true);
   * ```
   */
  constructor(maxsize = 0) {
    super(maxsize);
  }

  /**
   * Pushes `item` onto the stack.
   *
   * @param item The item.
   */
  protected override _put(item: T): void {
    this.#items.push(item);
  }

  /**
   * Pops the newest item.
   *
   * @returns The item.
   */
  protected override _get(): T {
    return this.#items.pop() as T;
  }

  /**
   * The number of items on the stack.
   *
   * @returns The count.
   */
  protected override _size(): number {
    return this.#items.length;
  }
}
