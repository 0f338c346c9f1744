// Copyright 2026 the @concurrent/futures authors. MIT license.
// A binary min-heap of timer handles ordered by deadline, then by the order
// they were scheduled in, so timers due at the same moment run FIFO.

import type { TimerHandle } from "./timer_handle.ts";

function less(a: TimerHandle, b: TimerHandle): boolean {
  return a._when < b._when || (a._when === b._when && a._seq < b._seq);
}

/** Adds `item` to `heap`. */
export function heapPush(heap: TimerHandle[], item: TimerHandle): void {
  let i = heap.length;
  heap.push(item);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = heap[parent];
    if (!less(item, p)) break;
    heap[i] = p;
    i = parent;
  }
  heap[i] = item;
}

/** Removes and returns the earliest timer of a non-empty `heap`. */
export function heapPop(heap: TimerHandle[]): TimerHandle {
  const top = heap[0];
  const last = heap.pop() as TimerHandle;
  if (heap.length > 0) siftDown(heap, 0, last);
  return top;
}

/** Restores the heap order of an array in place, in O(n). */
export function heapify(heap: TimerHandle[]): void {
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i, heap[i]);
}

function siftDown(heap: TimerHandle[], i: number, item: TimerHandle): void {
  const n = heap.length;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && less(heap[child + 1], heap[child])) child++;
    if (!less(heap[child], item)) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = item;
}
