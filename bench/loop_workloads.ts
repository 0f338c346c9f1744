// Copyright 2026 the @concurrent/futures authors. MIT license.
// The workloads of issue 4's figures, shared by bench/loop_bench.ts
// (`deno bench`) and bench/loop_figures.ts (prints the figures).
import { type Coroutine, EventLoop, sleep } from "../loop/mod.ts";

/** 100,000 tasks x 10 switches, as in the issue. */
export const TASKS = 100_000;
export const SWITCHES = 10;

function* switcher(k: number): Coroutine<void> {
  for (let i = 0; i < k; i++) yield* sleep(0);
}

/** `tasks` loop tasks each doing `yield* sleep(0)` `k` times. */
export async function loopSwitches(tasks = TASKS, k = SWITCHES): Promise<void> {
  const loop = new EventLoop();
  function* main(): Coroutine<void> {
    const all = [];
    for (let i = 0; i < tasks; i++) all.push(loop.createTask(switcher(k)));
    for (const task of all) yield* task;
  }
  await loop.runUntilComplete(main());
  loop.close();
}

/** The same program with async functions yielding by `await null`. */
export async function awaitNullSwitches(
  tasks = TASKS,
  k = SWITCHES,
): Promise<void> {
  async function worker(): Promise<void> {
    for (let i = 0; i < k; i++) await null;
  }
  const all: Promise<void>[] = [];
  for (let i = 0; i < tasks; i++) all.push(worker());
  await Promise.all(all);
}

function* bare(k: number): Generator<void, void, unknown> {
  for (let i = 0; i < k; i++) yield;
}

/**
 * The bare limit: plain generators resumed round-robin from an array
 * run-queue (two arrays swapped each round, no scheduler, no futures).
 */
export function bareTrampoline(tasks = TASKS, k = SWITCHES): void {
  let queue: Generator<void, void, unknown>[] = [];
  for (let i = 0; i < tasks; i++) queue.push(bare(k));
  let next: Generator<void, void, unknown>[] = [];
  while (queue.length > 0) {
    for (let i = 0; i < queue.length; i++) {
      const gen = queue[i];
      if (!gen.next().done) next.push(gen);
    }
    const swap = queue;
    queue = next;
    next = swap;
    next.length = 0;
  }
}

/**
 * `tasks` concurrent tasks sleeping random 0–`maxMs` ms on the real clock.
 * Calls `whileSleeping` once every task sleeps.
 */
export async function sleepers(
  tasks: number,
  maxMs: number,
  whileSleeping?: () => void,
): Promise<void> {
  const loop = new EventLoop();
  function* sleeper(ms: number): Coroutine<void> {
    yield* sleep(ms);
  }
  function* main(): Coroutine<void> {
    const all = [];
    for (let i = 0; i < tasks; i++) {
      all.push(loop.createTask(sleeper(Math.random() * maxMs)));
    }
    yield* sleep(0); // every task has started and sleeps now
    whileSleeping?.();
    for (const task of all) yield* task;
  }
  await loop.runUntilComplete(main());
  loop.close();
}
