// Copyright 2026 the @concurrent/futures authors. MIT license.
// The binary heap behind PriorityQueue, and its default order.
//
// Entries carry an insertion number that breaks ties, so items of equal
// priority leave in the order they came (Python's PriorityQueue leaves that
// to the items; here it is guaranteed).

/** How two items compare: negative if `a` goes first, 0 if tied. */
export type Compare<T> = (a: T, b: T) => number;

interface Entry<T> {
  item: T;
  seq: number;
}

/** A min-heap of items under `compare`, FIFO among equals. */
export class PriorityHeap<T> {
  #entries: Entry<T>[] = [];
  #seq = 0;
  #compare: Compare<T>;

  constructor(compare: Compare<T>) {
    this.#compare = compare;
  }

  get size(): number {
    return this.#entries.length;
  }

  push(item: T): void {
    const entry = { item, seq: this.#seq++ };
    const heap = this.#entries;
    // Compare before moving anything: a comparator that throws leaves the
    // heap as it was.
    let i = heap.length;
    const path: number[] = [];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(entry, heap[parent])) break;
      path.push(parent);
      i = parent;
    }
    let hole = heap.length;
    heap.push(entry);
    for (const parent of path) {
      heap[hole] = heap[parent];
      hole = parent;
    }
    heap[hole] = entry;
  }

  /** Removes and returns the first item; the heap must not be empty. */
  pop(): T {
    const heap = this.#entries;
    const top = heap[0];
    const n = heap.length - 1;
    if (n === 0) {
      heap.pop();
      return top.item;
    }
    // Sift the last entry down from the root, comparing first and moving
    // afterwards, as in push.
    const last = heap[n];
    const path: number[] = [];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.#less(heap[child + 1], heap[child])) child++;
      if (!this.#less(heap[child], last)) break;
      path.push(child);
      i = child;
    }
    heap.pop();
    let hole = 0;
    for (const child of path) {
      heap[hole] = heap[child];
      hole = child;
    }
    heap[hole] = last;
    return top.item;
  }

  #less(a: Entry<T>, b: Entry<T>): boolean {
    const order = this.#compare(a.item, b.item);
    return order < 0 || (!(order > 0) && a.seq < b.seq);
  }
}

// Kinds in the order mixed kinds sort in, so the default order is total and
// never throws (Python raises TypeError for mixed kinds instead).
function rank(value: unknown): number {
  switch (typeof value) {
    case "undefined":
      return 0;
    case "boolean":
      return 2;
    case "number":
    case "bigint":
      return 3;
    case "string":
      return 4;
    default:
      if (value === null) return 1;
      return Array.isArray(value) ? 5 : 6;
  }
}

/**
 * Python's order for numbers, strings and tuples: numbers (and bigints) by
 * value, NaN first; strings by UTF-16 code units; arrays element by element,
 * a prefix before longer arrays. Anything else (objects, functions) ties,
 * so it leaves in insertion order.
 */
export function defaultCompare(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 2:
      return Number(a) - Number(b);
    case 3: {
      const na = Number.isNaN(a);
      const nb = Number.isNaN(b);
      if (na || nb) return na === nb ? 0 : na ? -1 : 1;
      return (a as number) < (b as number)
        ? -1
        : (a as number) > (b as number)
        ? 1
        : 0;
    }
    case 4:
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 5: {
      const xs = a as unknown[];
      const ys = b as unknown[];
      const n = Math.min(xs.length, ys.length);
      for (let i = 0; i < n; i++) {
        const order = defaultCompare(xs[i], ys[i]);
        if (order !== 0) return order;
      }
      return xs.length - ys.length;
    }
    default:
      return 0;
  }
}
