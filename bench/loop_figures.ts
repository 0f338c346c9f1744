// Copyright 2026 the @concurrent/futures authors. MIT license.
// Prints the figures issue 4 asks for:
//   deno run -A --v8-flags=--expose-gc bench/loop_figures.ts
// 1. task switches per second: 100,000 tasks x 10 `yield* sleep(0)`, against
//    `await null` and a bare generator trampoline, in the same run;
// 2. 100,000 concurrent real-clock sleepers of random 0–1000 ms: wall time
//    and memory per sleeping task.
import {
  awaitNullSwitches,
  bareTrampoline,
  loopSwitches,
  sleepers,
  SWITCHES,
  TASKS,
} from "./loop_workloads.ts";

const gc = (globalThis as { gc?: () => void }).gc;
const ROUNDS = 5;

async function best(fn: () => unknown): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    gc?.();
    const start = performance.now();
    await fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const total = TASKS * SWITCHES;
const rate = (ms: number) => total / (ms / 1000);
const fmt = (n: number) => `${(n / 1e6).toFixed(2)} M/s`;

await loopSwitches(1000); // warm up
const loopMs = await best(() => loopSwitches());
const awaitMs = await best(() => awaitNullSwitches());
const bareMs = await best(() => bareTrampoline());
console.log(
  `switches: ${TASKS} tasks x ${SWITCHES}, best of ${ROUNDS} (task creation included)`,
);
console.log(
  `  EventLoop yield* sleep(0)  ${fmt(rate(loopMs))}  (${
    loopMs.toFixed(0)
  } ms)`,
);
console.log(
  `  async await null           ${fmt(rate(awaitMs))}  (${
    awaitMs.toFixed(0)
  } ms)`,
);
console.log(
  `  bare generator trampoline  ${fmt(rate(bareMs))}  (${
    bareMs.toFixed(0)
  } ms)`,
);
console.log(
  `  EventLoop / bare = ${(100 * bareMs / loopMs).toFixed(0)}%, ` +
    `EventLoop / await null = ${(100 * awaitMs / loopMs).toFixed(0)}%`,
);

const N = 100_000;
const MAX = 1000;
console.log(
  `sleepers: ${N} tasks sleeping random 0-${MAX} ms on the real clock`,
);
// Wall time, from creating the first task to the end of the last, best of 3.
let wall = Infinity;
let asleepAt = 0;
for (let i = 0; i < 3; i++) {
  gc?.();
  const start = performance.now();
  await sleepers(N, MAX, () => asleepAt = performance.now() - start);
  wall = Math.min(wall, performance.now() - start);
}
console.log(
  `  wall time ${wall.toFixed(0)} ms, ` +
    `${(100 * (wall - MAX) / MAX).toFixed(1)}% over the longest sleep ` +
    `(creating and starting the tasks took ${asleepAt.toFixed(0)} ms)`,
);
// Memory: the heap while every task sleeps, after a full GC, less before.
if (gc === undefined) {
  console.log("  (run with --v8-flags=--expose-gc for memory per task)");
} else {
  gc();
  const before = Deno.memoryUsage().heapUsed;
  let during = 0;
  await sleepers(N, MAX, () => {
    gc();
    during = Deno.memoryUsage().heapUsed;
  });
  console.log(
    `  memory per sleeping task ${((during - before) / N).toFixed(0)} bytes`,
  );
}
