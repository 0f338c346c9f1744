// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Prints what a storm of 200 stops costs the caller: 200 tasks of 50 ms on
 * a 2-worker pool, stopped all together, (a) by one `AbortController`
 * while two of them run, (b) by a deadline from the call each
 * (`signal: AbortSignal.timeout(30)`). For each pool and storm: the worst
 * lateness of a 10 ms `setInterval` of the caller from the storm until
 * 300 ms after the last future settled, the time until all settled, how
 * many tasks started (and how many of them after their own future had
 * settled), on how many distinct workers, and on the worker pool how many
 * Workers it started meanwhile and how long the caller's thread spent in
 * `new Worker` for them (it returns once the Worker's isolate exists).
 * A last row gives the same
 * interval's worst lateness with no pool at all, for 400 ms: the machine's
 * own noise, which the figures above include.
 *
 *     deno run -A bench/stop_storm_figures.ts [rounds=3]
 *
 * @module
 */
import { ProcessPoolExecutor, WorkerPoolExecutor } from "../executor/mod.ts";

const ROUNDS = Number(Deno.args[0] ?? 3);

/** Workers started, and ms this thread spent in `new Worker`, so far. */
const starts = { count: 0, ms: 0 };
const NativeWorker = globalThis.Worker;
globalThis.Worker = class extends NativeWorker {
  constructor(...args: ConstructorParameters<typeof Worker>) {
    const begin = performance.now();
    super(...args);
    starts.count++;
    starts.ms += performance.now() - begin;
  }
};
const TASKS = 200;
type PoolClass = typeof WorkerPoolExecutor | typeof ProcessPoolExecutor;

/** The task: writes where and when it started, then takes 50 ms. */
async function task(dir: string, i: number): Promise<number> {
  const self = globalThis as { __probe?: string };
  self.__probe ??= crypto.randomUUID();
  const at = performance.timeOrigin + performance.now();
  Deno.writeTextFileSync(`${dir}/${i}`, `${self.__probe} ${at}`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  return i;
}

/**
 * Starts a 10 ms interval; the function returned stops it and gives its
 * worst lateness in ms.
 */
function watchLateness(): () => number {
  let worst = 0;
  let last = performance.now();
  const interval = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  return () => {
    clearInterval(interval);
    return worst;
  };
}

interface Figures {
  lateness: number;
  settled: number;
  started: number;
  late: number;
  workers: number;
  /** Workers started during the storm, and ms spent starting them. */
  spawned: number;
  spawnMs: number;
}

async function storm(
  Pool: PoolClass,
  kind: "abort" | "deadline",
): Promise<Figures> {
  const dir = await Deno.makeTempDir();
  const ex = new Pool({ maxWorkers: 2 });
  // Warm: both workers up, the task's source known to them.
  await Promise.all([0, 1].map((i) => ex.submit(task, dir, -1 - i).result()));
  for (const entry of Deno.readDirSync(dir)) {
    Deno.removeSync(`${dir}/${entry.name}`);
  }
  const controller = new AbortController();
  const before = { ...starts };
  const settledAt = new Array<number>(TASKS);
  const futures = Array.from({ length: TASKS }, (_, i) => {
    const signal = kind === "abort"
      ? controller.signal
      : AbortSignal.timeout(30);
    const future = ex.run(task, [dir, i], { signal });
    future.addDoneCallback(() => {
      settledAt[i] = performance.timeOrigin + performance.now();
    });
    return future;
  });
  const lateness = watchLateness();
  const begin = performance.now();
  if (kind === "abort") {
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
  }
  await Promise.allSettled(futures.map((f) => f.result()));
  const settled = performance.now() - begin;
  await new Promise((resolve) => setTimeout(resolve, 300));
  const worst = lateness();
  const spawned = starts.count - before.count;
  const spawnMs = starts.ms - before.ms;
  await ex.shutdown();
  let started = 0;
  let late = 0;
  const workers = new Set<string>();
  for (const entry of Deno.readDirSync(dir)) {
    const i = Number(entry.name);
    const [id, at] = Deno.readTextFileSync(`${dir}/${entry.name}`).split(" ");
    started++;
    workers.add(id);
    if (Number(at) > settledAt[i]) late++;
  }
  await Deno.remove(dir, { recursive: true });
  return {
    lateness: worst,
    settled,
    started,
    late,
    workers: workers.size,
    spawned,
    spawnMs,
  };
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
console.log(
  `${TASKS} tasks of 50 ms on 2 workers, stopped at once; worst of ${ROUNDS} rounds`,
);
console.log(
  "| pool | storm | worst lateness of a 10 ms interval | all settled after | tasks started (after their future settled) | distinct workers | Workers started in the storms, all rounds (ms in `new Worker`) |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const Pool of [WorkerPoolExecutor, ProcessPoolExecutor]) {
  for (const kind of ["abort", "deadline"] as const) {
    const runs: Figures[] = [];
    for (let r = 0; r < ROUNDS; r++) runs.push(await storm(Pool, kind));
    const max = (f: (x: Figures) => number) => Math.max(...runs.map(f));
    const sum = (f: (x: Figures) => number) =>
      runs.reduce((total, x) => total + f(x), 0);
    const label = kind === "abort"
      ? "one AbortController"
      : "signal: AbortSignal.timeout(30) each";
    console.log(
      `| ${Pool.name} | ${label} | ${fmt(max((x) => x.lateness))} | ${
        fmt(max((x) => x.settled))
      } | ${max((x) => x.started)} (${max((x) => x.late)}) | ${
        max((x) => x.workers)
      } | ${
        Pool === WorkerPoolExecutor
          ? `${sum((x) => x.spawned)} (${fmt(sum((x) => x.spawnMs))})`
          : "n/a"
      } |`,
    );
  }
}
{
  // The same interval with nothing else running, as long as a storm takes.
  let worst = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const lateness = watchLateness();
    await new Promise((resolve) => setTimeout(resolve, 400));
    worst = Math.max(worst, lateness());
  }
  console.log(`| (no pool) | (idle, 400 ms) | ${fmt(worst)} | | | | |`);
}
