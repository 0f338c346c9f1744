// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * `deno bench -A bench/executor_bench.ts`: trivial-task throughput of
 * `WorkerPoolExecutor` against bare Worker round trips, start-up time, and
 * a CPU-bound job on 2 workers against the same job run serially.
 * `bench/executor_figures.ts` prints the same figures as rates and ratios.
 *
 * @module
 */
import { WorkerPoolExecutor } from "../executor/mod.ts";
import {
  ECHO_WORKER,
  fib,
  identity,
  roundTrips,
  startEchoWorkers,
} from "./executor_common.ts";

const TASKS = 2_000;
const WORKERS = 2;
const items = Array.from({ length: TASKS }, (_, i) => i);

// Shared for the whole run; idle workers close after 1 s, so the bench
// process ends by itself.
const echo = await startEchoWorkers(WORKERS);
const pool = new WorkerPoolExecutor({ maxWorkers: WORKERS });
await Promise.all(items.map((i) => pool.submit(identity, i).result()));

Deno.bench({
  name: "bare Worker round trips, 1 in flight per worker",
  group: "2,000 trivial tasks on 2 workers",
  baseline: true,
  async fn() {
    await roundTrips(echo, TASKS, 1);
  },
});

Deno.bench({
  name: "bare Worker round trips, 2 in flight per worker",
  group: "2,000 trivial tasks on 2 workers",
  async fn() {
    await roundTrips(echo, TASKS, 2);
  },
});

Deno.bench({
  name: "WorkerPoolExecutor.submit",
  group: "2,000 trivial tasks on 2 workers",
  async fn() {
    const futures = items.map((i) => pool.submit(identity, i));
    for (const future of futures) await future.result();
  },
});

for (const chunksize of [1, 100]) {
  Deno.bench({
    name: `WorkerPoolExecutor.map, chunksize ${chunksize}`,
    group: "2,000 trivial tasks on 2 workers",
    async fn() {
      for await (const _ of pool.map(identity, items, { chunksize })) {
        // drain
      }
    },
  });
}

Deno.bench({
  name: "bare Worker: new Worker() to first reply",
  group: "start-up",
  baseline: true,
  async fn() {
    const w = new Worker(ECHO_WORKER, { type: "module" });
    await new Promise((resolve) => {
      w.onmessage = resolve;
      w.postMessage(1);
    });
    w.terminate();
  },
});

Deno.bench({
  name: "new WorkerPoolExecutor() to first result",
  group: "start-up",
  async fn() {
    const ex = new WorkerPoolExecutor({ maxWorkers: 1 });
    await ex.submit(identity, 1).result();
    await ex.shutdown();
  },
});

const JOBS = [30, 30, 30, 30, 30, 30, 30, 30];

Deno.bench({
  name: "8 x fib(30), serial on the main thread",
  group: "CPU-bound job",
  baseline: true,
  fn() {
    for (const n of JOBS) fib(n);
  },
});

Deno.bench({
  name: "8 x fib(30), on 2 workers",
  group: "CPU-bound job",
  async fn() {
    await Promise.all(JOBS.map((n) => pool.submit(fib, n).result()));
  },
});

// Close the bare workers once the benches are done (the pool times out).
globalThis.addEventListener("unload", () => {
  for (const w of echo) w.terminate();
});
