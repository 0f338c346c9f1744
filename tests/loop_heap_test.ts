// Copyright 2026 the @concurrent/futures authors. MIT license.
// Unit tests of the loop's two heaps (timers, PriorityQueue) against sorting.
import assert from "node:assert/strict";
import { heapify, heapPop, heapPush } from "../loop/_heap.ts";
import { defaultCompare, PriorityHeap } from "../loop/_priority_heap.ts";
import type { TimerHandle } from "../loop/timer_handle.ts";
import { seededRandom } from "./_util/random.ts";

// The timer heap reads only `_when` and `_seq`.
function timer(when: number, seq: number): TimerHandle {
  return { _when: when, _seq: seq } as unknown as TimerHandle;
}

function byDeadline(a: TimerHandle, b: TimerHandle): number {
  return a._when - b._when || a._seq - b._seq;
}

Deno.test("timer heap pops by deadline, equal deadlines in scheduling order", () => {
  const random = seededRandom(3);
  const heap: TimerHandle[] = [];
  const all: TimerHandle[] = [];
  for (let seq = 0; seq < 2000; seq++) {
    // Few distinct deadlines, so that ties are common.
    const t = timer(Math.floor(random() * 50), seq);
    all.push(t);
    heapPush(heap, t);
  }
  const popped: TimerHandle[] = [];
  while (heap.length > 0) popped.push(heapPop(heap));
  assert.deepEqual(popped, all.toSorted(byDeadline));
});

Deno.test("timer heap: interleaved pushes and pops always pop the earliest", () => {
  const random = seededRandom(5);
  const heap: TimerHandle[] = [];
  const model: TimerHandle[] = [];
  for (let seq = 0; seq < 5000; seq++) {
    if (model.length > 0 && random() < 0.4) {
      model.sort(byDeadline);
      assert.equal(heapPop(heap), model.shift());
    } else {
      const t = timer(Math.floor(random() * 1000), seq);
      heapPush(heap, t);
      model.push(t);
    }
  }
});

Deno.test("heapify orders an array that lost entries, as the scheduler's compaction does", () => {
  const random = seededRandom(11);
  const heap: TimerHandle[] = [];
  for (let seq = 0; seq < 1000; seq++) {
    heapPush(heap, timer(Math.floor(random() * 100), seq));
  }
  const kept = heap.filter(() => random() < 0.3);
  const expected = kept.toSorted(byDeadline);
  heapify(kept);
  const popped: TimerHandle[] = [];
  while (kept.length > 0) popped.push(heapPop(kept));
  assert.deepEqual(popped, expected);
});

Deno.test("PriorityHeap pops in order, FIFO among equal priorities", () => {
  const random = seededRandom(23);
  const heap = new PriorityHeap<[number, number]>((a, b) => a[0] - b[0]);
  const all: [number, number][] = [];
  for (let i = 0; i < 3000; i++) {
    const item: [number, number] = [Math.floor(random() * 20), i];
    all.push(item);
    heap.push(item);
  }
  assert.equal(heap.size, 3000);
  const popped: [number, number][] = [];
  while (heap.size > 0) popped.push(heap.pop());
  // A stable sort on the priority alone is the FIFO-among-equals order.
  assert.deepEqual(popped, all.toSorted((a, b) => a[0] - b[0]));
});

Deno.test("PriorityHeap: a comparator that throws leaves the heap as it was", () => {
  let armed = false;
  const heap = new PriorityHeap<number>((a, b) => {
    if (armed) throw new Error("compare failed");
    return a - b;
  });
  for (const n of [5, 1, 4, 2, 3]) heap.push(n);
  armed = true;
  assert.throws(() => heap.push(0), { message: "compare failed" });
  assert.throws(() => heap.pop(), { message: "compare failed" });
  armed = false;
  assert.equal(heap.size, 5);
  const popped: number[] = [];
  while (heap.size > 0) popped.push(heap.pop());
  assert.deepEqual(popped, [1, 2, 3, 4, 5]);
});

Deno.test("defaultCompare follows Python's order for numbers, strings and tuples", () => {
  const values: unknown[] = [
    "b",
    [1, 2],
    3,
    NaN,
    -Infinity,
    "a",
    [1],
    2n,
    [1, "x"],
    true,
    null,
  ];
  const sorted = values.toSorted(defaultCompare);
  assert.deepEqual(sorted, [
    null,
    true,
    NaN,
    -Infinity,
    2n,
    3,
    "a",
    "b",
    [1],
    [1, 2],
    [1, "x"],
  ]);
  // Array sorts keep undefined out of the comparator's reach: ask it directly.
  assert.ok(defaultCompare(undefined, null) < 0);
  assert.equal(defaultCompare({}, {}), 0);
});
