// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Prints the cost of `this.progress(value)` on each executor: a CPU-bound
 * task that calls it after every ~10 µs unit of work (about 100,000 calls
 * a second), run through `run(task, args, { onProgress })`, against the
 * same task without progress. The task times itself, so the figures are
 * the slowdown of the task's own work; the caller checks that every value
 * arrived, in order, before the future settled. Then the most values a
 * second that reach `onProgress` from a task that does nothing else, and
 * the raw rate of `progress()` and of `throwIfCancelled()` on a shared
 * flag, on this thread.
 *
 *     deno run -A bench/progress_figures.ts [units=100000]
 *
 * @module
 */
import {
  AsyncPoolExecutor,
  type Executor,
  ProcessPoolExecutor,
  type RunOptions,
  type TaskContext,
  WorkerPoolExecutor,
} from "../executor/mod.ts";
import type { Future } from "../future/mod.ts";
import { RunningTaskContext } from "../executor/_task_context.ts";

const UNITS = Number(Deno.args[0] ?? 100_000);
const ROUNDS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * `units` units of `spin` rounds of arithmetic, each followed by
 * `throwIfCancelled()` and, with `report`, `progress(i)`. Returns the ms
 * it took, measured where it ran.
 */
function task(
  this: TaskContext,
  units: number,
  spin: number,
  report: boolean,
): number {
  const start = performance.now();
  let x = 0;
  for (let i = 0; i < units; i++) {
    for (let j = 0; j < spin; j++) x += Math.sqrt(j + x);
    this.throwIfCancelled();
    if (report) this.progress(i);
  }
  (globalThis as { sink?: number }).sink = x;
  return performance.now() - start;
}

/** The `spin` for which one unit takes about 10 µs on this machine. */
function calibrate(): number {
  const context = new RunningTaskContext();
  let spin = 1000;
  for (let round = 0; round < 4; round++) {
    const took = task.call(context, 2000, spin, false);
    spin = Math.max(1, Math.round(spin * 0.01 / (took / 2000)));
  }
  return spin;
}

/** Values per second from a task that does nothing but report. */
async function flatOut(ex: Runner, n: number): Promise<number> {
  let received = 0;
  const start = performance.now();
  await ex.run(task, [n, 0, true], { onProgress: () => received++ }).result();
  if (received !== n) throw new Error(`${received} of ${n} values arrived`);
  return n / ((performance.now() - start) / 1000);
}

interface Figures {
  plain: number;
  reporting: number;
  /** Values received per second of the reporting task's wall time. */
  delivered: number;
  ordered: boolean;
  /** Values per second reaching onProgress from a task that only reports. */
  flatOut: number;
}

type Runner = {
  run(
    fn: typeof task,
    args: [number, number, boolean],
    options?: RunOptions,
  ): Future<number>;
} & Executor;

async function measure(ex: Runner, spin: number): Promise<Figures> {
  // Warm up: the worker starts, the function is shipped and compiled.
  await ex.run(task, [UNITS / 10, spin, true], { onProgress: () => {} })
    .result();
  const plain: number[] = [];
  const reporting: number[] = [];
  const rates: number[] = [];
  let ordered = true;
  // Alternate, so that load hits both variants alike.
  for (let round = 0; round < ROUNDS; round++) {
    plain.push(await ex.run(task, [UNITS, spin, false]).result());
    let next = 0;
    const start = performance.now();
    const future = ex.run(task, [UNITS, spin, true], {
      onProgress: (value) => {
        if (value !== next) ordered = false;
        next++;
      },
    });
    future.addDoneCallback(() => {
      if (next !== UNITS) ordered = false;
    });
    reporting.push(await future.result());
    rates.push(UNITS / ((performance.now() - start) / 1000));
  }
  const flat: number[] = [];
  for (let round = 0; round < 3; round++) {
    flat.push(await flatOut(ex, 10 * UNITS));
  }
  return {
    flatOut: median(flat),
    plain: median(plain),
    reporting: median(reporting),
    delivered: median(rates),
    ordered,
  };
}

function rawRates() {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const n = 5_000_000;
  let sunk = 0;
  const context = new RunningTaskContext({
    isStopped: () => Atomics.load(flag, 0) !== 0,
    sink: (values) => {
      sunk += values.length;
    },
  });
  let start = performance.now();
  for (let i = 0; i < n; i++) context.progress(i);
  const progressRate = n / ((performance.now() - start) / 1000);
  start = performance.now();
  for (let i = 0; i < n; i++) context.throwIfCancelled();
  const checkRate = n / ((performance.now() - start) / 1000);
  context.end();
  return { progressRate, checkRate, sunk };
}

const spin = calibrate();
console.log(
  `Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPUs, ` +
    `load average ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
);
console.log(
  `A task of ${fmt(UNITS)} units of ~10 µs, calling progress(i) after ` +
    `each one; medians of ${ROUNDS} runs, timed inside the task:`,
);
for (
  const [name, make] of [
    ["WorkerPoolExecutor", () => new WorkerPoolExecutor({ maxWorkers: 1 })],
    ["ProcessPoolExecutor", () => new ProcessPoolExecutor({ maxWorkers: 1 })],
    ["AsyncPoolExecutor", () => new AsyncPoolExecutor({ maxWorkers: 1 })],
  ] as const
) {
  await using ex = make();
  const f = await measure(ex as Runner, spin);
  console.log(
    `  ${name.padEnd(20)} without ${f.plain.toFixed(0)} ms, with ${
      f.reporting.toFixed(0)
    } ms = ${(f.reporting / f.plain).toFixed(3)}x the time; ${
      fmt(UNITS / (f.reporting / 1000))
    } progress calls/s in the task, ${
      fmt(f.delivered)
    } values/s reached onProgress; all in order before settling: ${f.ordered}`,
  );
  console.log(
    `  ${"".padEnd(20)} flat out (a task that only reports): ${
      fmt(f.flatOut)
    } values/s reached onProgress`,
  );
}
const raw = rawRates();
console.log(
  `Raw: progress() ${fmt(raw.progressRate)} calls/s (batched, no work), ` +
    `throwIfCancelled() on a shared flag ${fmt(raw.checkRate)} calls/s`,
);
