// Copyright 2026 the @concurrent/futures authors. MIT license.
// The queue workloads shared by queue_bench.ts and queue_figures.ts: items
// handed from one producer coroutine to one consumer coroutine through a
// bounded Queue, and the limits to compare it with.
import { type Coroutine, EventLoop, Queue } from "../loop/mod.ts";

/**
 * One producer task puts `items` numbers into a `Queue(maxsize)`, one
 * consumer task gets them; returns the consumer's sum (a check).
 */
export async function queueHandOff(
  items: number,
  maxsize: number,
): Promise<number> {
  const loop = new EventLoop();
  const queue = new Queue<number>(maxsize);
  function* producer(): Coroutine<void> {
    for (let i = 0; i < items; i++) yield* queue.put(i);
  }
  function* consumer(): Coroutine<number> {
    let sum = 0;
    for (let i = 0; i < items; i++) sum += yield* queue.get();
    return sum;
  }
  try {
    return await loop.runUntilComplete((function* (): Coroutine<number> {
      const p = loop.createTask(producer());
      const sum = yield* loop.createTask(consumer());
      yield* p;
      return sum;
    })());
  } finally {
    loop.close();
  }
}

/**
 * The same hand-off without tasks or a Queue, as the limit: one task fills
 * a plain array with up to `batch` items, then drains it, until `items`
 * have passed.
 */
export async function arrayHandOff(
  items: number,
  batch: number,
): Promise<number> {
  const loop = new EventLoop();
  try {
    // deno-lint-ignore require-yield
    return await loop.runUntilComplete((function* (): Coroutine<number> {
      const buffer: number[] = [];
      let sum = 0;
      let next = 0;
      while (next < items) {
        const end = Math.min(items, next + batch);
        while (next < end) buffer.push(next++);
        for (let i = 0; i < buffer.length; i++) sum += buffer[i];
        buffer.length = 0;
      }
      return sum;
    })());
  } finally {
    loop.close();
  }
}

/**
 * The Queue's own bookkeeping without task switches: one task calls
 * `putNowait` up to `maxsize` times, then `getNowait` until empty.
 */
export async function queueNowait(
  items: number,
  maxsize: number,
): Promise<number> {
  const loop = new EventLoop();
  const queue = new Queue<number>(maxsize);
  try {
    // deno-lint-ignore require-yield
    return await loop.runUntilComplete((function* (): Coroutine<number> {
      let sum = 0;
      let next = 0;
      while (next < items) {
        while (next < items && !queue.full()) queue.putNowait(next++);
        while (!queue.empty()) sum += queue.getNowait();
      }
      return sum;
    })());
  } finally {
    loop.close();
  }
}

/** The sum every workload must return for `items` items. */
export function expectedSum(items: number): number {
  return (items * (items - 1)) / 2;
}
