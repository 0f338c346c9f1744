// Copyright 2026 the @concurrent/futures authors. MIT license.
// Run: deno bench bench/loop_bench.ts
// Task switches of the generator loop against `await null` and a bare
// generator trampoline: 100,000 tasks x 10 switches per iteration.
// Figures as numbers: deno run -A --v8-flags=--expose-gc bench/loop_figures.ts
import {
  awaitNullSwitches,
  bareTrampoline,
  loopSwitches,
  sleepers,
} from "./loop_workloads.ts";

Deno.bench({
  name: "EventLoop: 100,000 tasks x 10 yield* sleep(0)",
  group: "switches",
  baseline: true,
  async fn() {
    await loopSwitches();
  },
});

Deno.bench({
  name: "async functions: 100,000 x 10 await null",
  group: "switches",
  async fn() {
    await awaitNullSwitches();
  },
});

Deno.bench({
  name: "bare generator trampoline: 100,000 x 10 next()",
  group: "switches",
  fn() {
    bareTrampoline();
  },
});

Deno.bench({
  name: "EventLoop: 10,000 real-clock sleepers of 0-20 ms",
  n: 5,
  async fn() {
    await sleepers(10_000, 20);
  },
});
