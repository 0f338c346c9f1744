// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Prints the executor figures: trivial-task throughput of both worker pools
 * (`submit`, `map` with `chunksize` 1 and 100) next to bare Deno `Worker`
 * round trips measured in the same run, one task's round trip on an idle
 * pool, start-up time to the first result, and the speed-up of a CPU-bound
 * job on 2 workers.
 *
 *     deno run -A bench/executor_figures.ts [tasks=20000]
 *
 * @module
 */
import { ProcessPoolExecutor, WorkerPoolExecutor } from "../executor/mod.ts";
import {
  ECHO_WORKER,
  fib,
  identity,
  roundTrips,
  startEchoWorkers,
} from "./executor_common.ts";

const N = Number(Deno.args[0] ?? 20_000);
const WORKERS = 2;
type PoolClass = typeof WorkerPoolExecutor | typeof ProcessPoolExecutor;
type AnyPool = WorkerPoolExecutor | ProcessPoolExecutor;

/** Bare round trips: `total` messages over 2 workers, `inFlight` each. */
async function rawRate(total: number, inFlight: number): Promise<number> {
  const workers = await startEchoWorkers(WORKERS);
  const start = performance.now();
  await roundTrips(workers, total, inFlight);
  const rate = total / ((performance.now() - start) / 1000);
  for (const w of workers) w.terminate();
  return rate;
}

async function warmPool(Pool: PoolClass): Promise<AnyPool> {
  const ex = new Pool({ maxWorkers: WORKERS });
  await Promise.all(
    Array.from({ length: 200 }, (_, i) => ex.submit(identity, i).result()),
  );
  return ex;
}

async function submitRate(Pool: PoolClass): Promise<number> {
  await using ex = await warmPool(Pool);
  const start = performance.now();
  const futures = [];
  for (let i = 0; i < N; i++) futures.push(ex.submit(identity, i));
  for (const f of futures) await f.result();
  return N / ((performance.now() - start) / 1000);
}

async function mapRate(Pool: PoolClass, chunksize: number): Promise<number> {
  await using ex = await warmPool(Pool);
  const items = Array.from({ length: N }, (_, i) => i);
  const start = performance.now();
  let count = 0;
  for await (const _ of ex.map(identity, items, { chunksize })) count++;
  if (count !== N) throw new Error("lost results");
  return N / ((performance.now() - start) / 1000);
}

/** One task at a time on a warm, idle pool: the latency of a lone task. */
async function idleRoundTrip(Pool: PoolClass): Promise<number> {
  await using ex = await warmPool(Pool);
  const times: number[] = [];
  for (let i = 0; i < 500; i++) {
    const start = performance.now();
    await ex.submit(identity, i).result();
    times.push(performance.now() - start);
  }
  return median(times);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function bareStartup(): Promise<number> {
  const start = performance.now();
  const w = new Worker(ECHO_WORKER, { type: "module" });
  await new Promise((resolve) => {
    w.onmessage = resolve;
    w.postMessage(1);
  });
  const ms = performance.now() - start;
  w.terminate();
  return ms;
}

async function poolStartup(Pool: PoolClass): Promise<number> {
  const start = performance.now();
  const ex = new Pool({ maxWorkers: 1 });
  await ex.submit(identity, 1).result();
  const ms = performance.now() - start;
  await ex.shutdown();
  return ms;
}

/** Best of 3 runs each, so a stray load spike does not decide the ratio. */
async function cpuSpeedup(Pool: PoolClass): Promise<[number, number, number]> {
  const jobs = Array.from({ length: 8 }, () => 32);
  await using ex = await warmPool(Pool);
  let serial = Infinity;
  let parallel = Infinity;
  for (let round = 0; round < 3; round++) {
    let start = performance.now();
    for (const n of jobs) fib(n);
    serial = Math.min(serial, performance.now() - start);
    start = performance.now();
    await Promise.all(jobs.map((n) => ex.submit(fib, n).result()));
    parallel = Math.min(parallel, performance.now() - start);
  }
  return [serial, parallel, serial / parallel];
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const ratio = (n: number) => `${n.toFixed(2)}x`;

console.log(`Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPUs`);
console.log(
  `load average: ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`,
);
console.log(
  `${fmt(N)} trivial tasks (return the argument), ${WORKERS} workers\n`,
);

const raw1 = await rawRate(N, 1);
const raw2 = await rawRate(N, 2);
const raw64 = await rawRate(N, 64);
console.log(`raw Worker round trips, 1 in flight/worker : ${fmt(raw1)} msg/s`);
console.log(`raw Worker round trips, 2 in flight/worker : ${fmt(raw2)} msg/s`);
console.log(`raw Worker round trips, 64 in flight/worker: ${fmt(raw64)} msg/s`);

for (const Pool of [WorkerPoolExecutor, ProcessPoolExecutor]) {
  const submit = await submitRate(Pool);
  const map1 = await mapRate(Pool, 1);
  const map100 = await mapRate(Pool, 100);
  console.log(`\n${Pool.name}`);
  console.log(
    `  submit            : ${fmt(submit)} tasks/s = ${
      ratio(submit / raw1)
    } raw(1 in flight)`,
  );
  console.log(
    `  map chunksize 1   : ${fmt(map1)} tasks/s = ${
      ratio(map1 / submit)
    } submit`,
  );
  console.log(
    `  map chunksize 100 : ${fmt(map100)} tasks/s = ${
      ratio(map100 / raw1)
    } raw(1)`,
  );
  console.log(
    `  one task on an idle warm pool (median of 500): ${
      ((await idleRoundTrip(Pool)) * 1000).toFixed(0)
    } µs round trip`,
  );
}

const bare: number[] = [];
const workerPool: number[] = [];
const processPool: number[] = [];
for (let i = 0; i < 7; i++) {
  bare.push(await bareStartup());
  workerPool.push(await poolStartup(WorkerPoolExecutor));
  processPool.push(await poolStartup(ProcessPoolExecutor));
}
console.log(
  `\nstart-up to first result (median of 7): bare Worker ${
    median(bare).toFixed(1)
  } ms, WorkerPoolExecutor ${median(workerPool).toFixed(1)} ms = ${
    ratio(median(workerPool) / median(bare))
  }, ProcessPoolExecutor ${median(processPool).toFixed(1)} ms`,
);

for (const Pool of [WorkerPoolExecutor, ProcessPoolExecutor]) {
  const [serial, parallel, speedup] = await cpuSpeedup(Pool);
  console.log(
    `CPU-bound (8 x fib(32)), ${Pool.name}: serial ${
      serial.toFixed(0)
    } ms, 2 workers ${parallel.toFixed(0)} ms = ${ratio(speedup)} speed-up`,
  );
}
