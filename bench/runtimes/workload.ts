// Copyright 2026 the @concurrent/futures authors. MIT license.
// The runtime benchmark's program, the same on every runtime (main.ts
// bundles it for Node, Bun and Chromium and runs it from source on Deno):
// the generator loop's task switches (100,000 tasks x 10 `yield* sleep(0)`,
// as bench/loop_figures.ts) and `submit` of 20,000 trivial tasks on a
// WorkerPoolExecutor of 2 workers (as bench/executor_figures.ts). Prints
// one JSON line of figures; in a page, posts it to the server.
import { loopSwitches, SWITCHES, TASKS } from "../loop_workloads.ts";
import { WorkerPoolExecutor } from "../../executor/mod.ts";

const ROUNDS = 5;
const N = 20_000;
const identity = (x: number): number => x;

/** Task switches per second, the best of ROUNDS after a warm-up. */
export async function loopRate(): Promise<number> {
  await loopSwitches(TASKS / 10, SWITCHES);
  let best = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await loopSwitches(TASKS, SWITCHES);
    best = Math.min(best, performance.now() - start);
  }
  return (TASKS * SWITCHES) / (best / 1000);
}

/** Trivial tasks per second through `submit`, the best of 3 on a warm pool. */
export async function submitRate(): Promise<number> {
  const ex = new WorkerPoolExecutor({ maxWorkers: 2, minWorkers: 2 });
  try {
    const warm = [];
    for (let i = 0; i < 2_000; i++) warm.push(ex.submit(identity, i));
    for (const f of warm) await f.result();
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
      const start = performance.now();
      const futures = [];
      for (let i = 0; i < N; i++) futures.push(ex.submit(identity, i));
      for (const f of futures) {
        if (typeof await f.result() !== "number") throw new Error("lost");
      }
      best = Math.min(best, performance.now() - start);
    }
    return N / (best / 1000);
  } finally {
    await ex.shutdown();
  }
}

const figures = {
  switchesPerSecond: await loopRate(),
  submitsPerSecond: await submitRate(),
  sharedMemory: typeof SharedArrayBuffer === "function",
};
const line = JSON.stringify(figures);
if ((globalThis as { document?: unknown }).document !== undefined) {
  await fetch("/done", { method: "POST", body: JSON.stringify({ line }) });
} else {
  console.log(line);
}
