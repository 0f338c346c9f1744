// Copyright 2026 the @concurrent/futures authors. MIT license.
import { Queue } from "./queue.ts";
import { defaultCompare, PriorityHeap } from "./_priority_heap.ts";

/** Options for {@linkcode PriorityQueue}. */
export interface PriorityQueueOptions<T> {
  /**
   * Orders two items: negative if `a` leaves first, positive if `b` does,
   * 0 for a tie (ties leave in insertion order). By default numbers,
   * bigints and strings compare by value and arrays element by element,
   * like Python's tuples.
   */
  compare?: (a: T, b: T) => number;
}

/**
 * A queue that hands out its smallest item first (Python's
 * `asyncio.PriorityQueue`), kept in a binary heap: `put` and `get` cost
 * O(log n).
 *
 * Items compare as Python compares them: numbers (and bigints) by value,
 * strings by UTF-16 code units, arrays element by element like tuples, so
 * `[priority, payload]` pairs work as in Python. Unlike Python, the order
 * is stable: items that tie (including payload objects, which JavaScript
 * cannot order) leave in the order they were put, and values of different
 * kinds never throw (they sort as undefined < null < booleans < numbers <
 * strings < arrays < anything else). Pass `{ compare }` for any other
 * order.
 *
 * @typeParam T The type of the items.
 *
 * @example Jobs by priority
 * ```ts
 * import { PriorityQueue } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * type Job = { title: string };
 * const queue = new PriorityQueue<[number, Job]>();
 * queue.putNowait([2, { title: "write report" }]);
 * queue.putNowait([1, { title: "fix outage" }]);
 * queue.putNowait([2, { title: "answer mail" }]);
 * const order = [];
 * while (!queue.empty()) order.push(queue.getNowait()[1].title);
 * // The two priority-2 jobs tie (objects do not compare): FIFO.
 * assert.deepEqual(order, ["fix outage", "write report", "answer mail"]);
 *
 * const words = new PriorityQueue<[number, string]>();
 * words.putNowait([2, "b"]);
 * words.putNowait([2, "a"]);
 * assert.deepEqual(words.getNowait(), [2, "a"]); // strings compare, like Python
 * ```
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  #heap: PriorityHeap<T>;

  /**
   * Creates a priority queue holding at most `maxsize` items.
   *
   * @param maxsize The capacity; 0 (the default) means no limit.
   * @param options `compare`, an order for the items.
   * @throws {RangeError} If `maxsize` is negative or not an integer.
   * @throws {TypeError} If `compare` is given and is not a function.
   *
   * @example A custom order
   * ```ts
   * import { PriorityQueue } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * type Job = { name: string; deadline: number };
   * const queue = new PriorityQueue<Job>(0, {
   *   compare: (a, b) => a.deadline - b.deadline,
   * });
   * queue.putNowait({ name: "late", deadline: 20 });
   * queue.putNowait({ name: "soon", deadline: 5 });
   * assert.equal(queue.getNowait().name, "soon");
   * ```
   */
  constructor(maxsize = 0, options: PriorityQueueOptions<T> = {}) {
    super(maxsize);
    const compare = options.compare ?? defaultCompare;
    if (typeof compare !== "function") {
      throw new TypeError(
        `options.compare must be a function, got ${typeof compare}`,
      );
    }
    this.#heap = new PriorityHeap(compare);
  }

  /**
   * Pushes `item` onto the heap.
   *
   * @param item The item.
   */
  protected override _put(item: T): void {
    this.#heap.push(item);
  }

  /**
   * Pops the smallest item off the heap.
   *
   * @returns The item.
   */
  protected override _get(): T {
    return this.#heap.pop();
  }

  /**
   * The number of items on the heap.
   *
   * @returns The count.
   */
  protected override _size(): number {
    return this.#heap.size;
  }
}
