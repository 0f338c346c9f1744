// Copyright 2026 the @concurrent/futures authors. MIT license.
// What main.ts runs: the workloads, their contestants (each a subprocess
// command line) and the comparisons (with the targets) drawn from them.

/** Which runtime a contestant needs; a missing one skips the contestant. */
export type Runtime = "deno" | "node" | "npm" | "python";

/** Who a contestant is, for colour and labelling. */
export type Kind = "ours" | "peer" | "limit";

/** One program run per repetition of a workload. */
export interface Contestant {
  id: string;
  label: string;
  kind: Kind;
  runtime: Runtime;
  /** Script (relative to bench/peers/) and its arguments. */
  argv: string[];
}

/** A group of contestants run interleaved: A B C A B C ... */
export interface Workload {
  id: string;
  title: string;
  contestants: Contestant[];
  /** Runs an untimed round first (start-up and disk caches). */
  warmUp: boolean;
  /** `--only` selects a workload by its id or by its group. */
  group?: string;
  /** At most this many repetitions, whatever `--reps` says. */
  maxReps?: number;
  /** The workload whose rows are the serial baselines of this one's speed-ups. */
  serialIn?: string;
  /** The number of tasks the job is cut into (sweep workloads). */
  tasks?: number;
  /** The workers of every pool in this workload. */
  workers?: number;
}

/** The sizes of one run; `quick` shrinks them for smoke tests. */
export interface Sizes {
  tasks: number;
  workers: number;
  chunksize: number;
  primesBelow: number;
  chunks: number;
  coroutines: number;
  yields: number;
  sleepers: number;
  maxSleepMs: number;
  /**
   * The speed-up sweep: one CPU job (the Collatz steps of the numbers below
   * a limit) cut into each count.
   */
  sweepTasks: number[];
  /** The sweep's limit in JavaScript (Deno and Node): about 0.7 s serial. */
  sweepLimit: number;
  /** The sweep's limit in Python, which is about 12x slower: about 0.7 s serial. */
  sweepLimitPy: number;
  /** The tasks of the scaling series (`--workers N` above 2). */
  scaleTasks: number;
  /** The workers of the sweep (`--workers N`, else 2). */
  sweepWorkers: number;
  /**
   * The most workers of the scaling series (`--workers N`, else the
   * machine's cores); 2 or fewer: no series.
   */
  scaleMax: number;
}

/** The sizes the issue asks for. */
export const FULL: Sizes = {
  tasks: 20_000,
  workers: 2,
  chunksize: 100,
  primesBelow: 2_000_000,
  chunks: 16,
  coroutines: 100_000,
  yields: 10,
  sleepers: 100_000,
  maxSleepMs: 1000,
  sweepTasks: [8, 64, 512, 4096],
  sweepLimit: 1_500_000,
  sweepLimitPy: 125_000,
  scaleTasks: 512,
  sweepWorkers: 2,
  scaleMax: 2,
};

/** Sizes for `--quick`. */
export const QUICK: Sizes = {
  tasks: 2_000,
  workers: 2,
  chunksize: 100,
  primesBelow: 200_000,
  chunks: 16,
  coroutines: 10_000,
  yields: 10,
  sleepers: 10_000,
  maxSleepMs: 100,
  sweepTasks: [8, 64, 512, 4096],
  sweepLimit: 150_000,
  sweepLimitPy: 12_500,
  scaleTasks: 512,
  sweepWorkers: 2,
  scaleMax: 2,
};

const deno = (who: string, workload: string, ...args: number[]): string[] => [
  "deno_side.ts",
  who,
  workload,
  ...args.map(String),
];
const node = (who: string, workload: string, ...args: number[]): string[] => [
  "node_side.mjs",
  who,
  workload,
  ...args.map(String),
];
const python = (workload: string, ...args: number[]): string[] => [
  "python_side.py",
  workload,
  ...args.map(String),
];

/** Every workload, in the order they run. */
export function workloads(s: Sizes): Workload[] {
  const { tasks: n, workers: w } = s;
  const fmt = (x: number) => x.toLocaleString("en-US");
  return [
    {
      id: "trivial",
      title: `Pool, trivial tasks: ${
        fmt(n)
      } tasks returning their argument, ${w} workers`,
      warmUp: true,
      contestants: [
        c(
          "ours-submit",
          "this module: submit",
          "ours",
          "deno",
          deno("ours", "submit", n, w),
        ),
        c(
          "ours-map",
          `this module: map (chunksize ${s.chunksize})`,
          "ours",
          "deno",
          deno("ours", "map", n, w, s.chunksize),
        ),
        c(
          "ours-map1",
          "this module: map (chunksize 1)",
          "ours",
          "deno",
          deno("ours", "map", n, w, 1),
        ),
        c(
          "proc-submit",
          "this module: ProcessPoolExecutor.submit",
          "ours",
          "deno",
          deno("process", "submit", n, w),
        ),
        c(
          "proc-map",
          `this module: ProcessPoolExecutor.map (chunksize ${s.chunksize})`,
          "ours",
          "deno",
          deno("process", "map", n, w, s.chunksize),
        ),
        c(
          "py-submit",
          "Python ProcessPoolExecutor.submit",
          "peer",
          "python",
          python("submit", n, w),
        ),
        c(
          "py-map",
          `Python ProcessPoolExecutor.map (chunksize=${s.chunksize})`,
          "peer",
          "python",
          python("map", n, w, s.chunksize),
        ),
        c(
          "piscina",
          "piscina",
          "peer",
          "npm",
          node("piscina", "trivial", n, w),
        ),
        c(
          "tinypool",
          "tinypool",
          "peer",
          "npm",
          node("tinypool", "trivial", n, w),
        ),
        c(
          "bare-1",
          "bare Deno Worker, 1 in flight per worker",
          "limit",
          "deno",
          deno("bare", "trivial", n, w, 1),
        ),
        c(
          "bare-2",
          "bare Deno Worker, 2 in flight per worker",
          "limit",
          "deno",
          deno("bare", "trivial", n, w, 2),
        ),
        c(
          "bare-all",
          `bare Deno Worker, all ${fmt(n)} in flight`,
          "limit",
          "deno",
          deno("bare", "trivial", n, w, n),
        ),
      ],
    },
    {
      id: "cpu",
      title: `Pool, CPU-bound: primes below ${
        fmt(s.primesBelow)
      } in ${s.chunks} chunks, ${w} workers vs serial`,
      warmUp: false,
      contestants: [
        c(
          "ours",
          "this module: submit",
          "ours",
          "deno",
          deno("ours", "cpu", s.primesBelow, s.chunks, w),
        ),
        c(
          "proc",
          "this module: ProcessPoolExecutor.submit",
          "ours",
          "deno",
          deno("process", "cpu", s.primesBelow, s.chunks, w),
        ),
        c(
          "serial-deno",
          "serial, Deno main thread",
          "limit",
          "deno",
          deno("serial", "cpu", s.primesBelow, s.chunks),
        ),
        c(
          "py",
          "Python ProcessPoolExecutor.submit",
          "peer",
          "python",
          python("cpu", s.primesBelow, s.chunks, w),
        ),
        c(
          "serial-py",
          "serial, Python",
          "limit",
          "python",
          python("serial", s.primesBelow, s.chunks),
        ),
        c(
          "piscina",
          "piscina",
          "peer",
          "npm",
          node("piscina", "cpu", s.primesBelow, s.chunks, w),
        ),
        c(
          "tinypool",
          "tinypool",
          "peer",
          "npm",
          node("tinypool", "cpu", s.primesBelow, s.chunks, w),
        ),
        c(
          "serial-node",
          "serial, Node main thread",
          "limit",
          "node",
          node("serial", "cpu", s.primesBelow, s.chunks),
        ),
      ],
    },
    {
      id: "startup",
      title: `Pool start-up: creating a ${w}-worker pool to its first result`,
      warmUp: true,
      contestants: [
        c("ours", "this module", "ours", "deno", deno("ours", "startup", w)),
        c(
          "proc",
          "this module: ProcessPoolExecutor",
          "ours",
          "deno",
          deno("process", "startup", w),
        ),
        c(
          "py",
          "Python ProcessPoolExecutor (fork)",
          "peer",
          "python",
          python("startup", w),
        ),
        c("piscina", "piscina", "peer", "npm", node("piscina", "startup", w)),
        c(
          "tinypool",
          "tinypool",
          "peer",
          "npm",
          node("tinypool", "startup", w),
        ),
        c(
          "bare",
          "bare Deno Workers",
          "limit",
          "deno",
          deno("bare", "startup", w),
        ),
      ],
    },
    {
      id: "switches",
      title: `Coroutines, switches: ${
        fmt(s.coroutines)
      } tasks each yielding to the loop ${s.yields} times`,
      warmUp: false,
      contestants: [
        c(
          "ours",
          "this module: yield* sleep(0)",
          "ours",
          "deno",
          deno("ours", "switches", s.coroutines, s.yields),
        ),
        c(
          "py",
          "Python asyncio: await asyncio.sleep(0)",
          "peer",
          "python",
          python("switches", s.coroutines, s.yields),
        ),
        c(
          "effection",
          "Effection: yield* sleep(0)",
          "peer",
          "npm",
          node("effection", "switches", s.coroutines, s.yields),
        ),
        c(
          "await",
          "plain async/await: await null (Deno)",
          "limit",
          "deno",
          deno("await", "switches", s.coroutines, s.yields),
        ),
      ],
    },
    {
      id: "sleepers",
      title: `Coroutines, sleepers: ${
        fmt(s.sleepers)
      } concurrent tasks sleeping 0-${s.maxSleepMs} ms`,
      warmUp: false,
      contestants: [
        c(
          "ours",
          "this module: yield* sleep(ms)",
          "ours",
          "deno",
          deno("ours", "sleepers", s.sleepers, s.maxSleepMs),
        ),
        c(
          "py",
          "Python asyncio: await asyncio.sleep(s)",
          "peer",
          "python",
          python("sleepers", s.sleepers, s.maxSleepMs),
        ),
      ],
    },
    ...sweep(s),
  ];
}

/** Repetitions of each sweep workload: they are the longest runs. */
const SWEEP_REPS = 5;

// WARM_ROUND: every contestant of the sweep (the serial baselines, the
// pools, the bare workers) runs the whole job once untimed, then times the
// second run, so that the figure is a pool's, not a compiler's. Each worker
// is an isolate of its own with its own JIT, and Deno 2.9.6's V8 (15.0)
// tiers this job up in a way Node 20's V8 does not: after a few hundred
// milliseconds of it, two calls run in Maglev code 2.4x slower than the
// optimized code before and after (`--v8-flags=--trace-opt`; gone with
// `--no-maglev`), about 30 ms at 64 parts. The serial baseline pays that
// once, a pool once per worker at the same time, so on cold isolates the
// speed-up measured the tiering: bare Deno Workers with one message each
// reached 1.86x at 64 tasks, bare Node threads 1.89x. After one round
// both reach 1.96x (8 interleaved runs), and a long-lived pool's workers
// are warm anyway.

/**
 * The speed-up sweep: the serial baselines, then one workload per task count
 * with `workers` workers, then (when `workers` is above 2) the scaling series:
 * `scaleTasks` tasks on 1, 2, 4, ... `workers` workers.
 */
function sweep(s: Sizes): Workload[] {
  const fmt = (x: number) => x.toLocaleString("en-US");
  const js = s.sweepLimit;
  const py = s.sweepLimitPy;
  const job = `Collatz steps of the numbers below ${fmt(js)} (Python: below ${
    fmt(py)
  }) in parts of equal cost`;
  // WARM_ROUND: each figure is the second of two runs in one process.
  const timed = "timed on the second of two runs";
  const serial: Workload = {
    id: "sweep-serial",
    group: "sweep",
    title: `Speed-up sweep, serial baselines: ${job} in one thread, ${timed}`,
    warmUp: false,
    maxReps: SWEEP_REPS,
    contestants: [
      c(
        "serial-deno",
        "serial, Deno main thread",
        "limit",
        "deno",
        deno("sweep-serial", "sweep", js, 64),
      ),
      c(
        "serial-node",
        "serial, Node main thread",
        "limit",
        "node",
        node("serial", "sweep", js, 64),
      ),
      c(
        "serial-py",
        "serial, Python",
        "limit",
        "python",
        python("sweep-serial", py, 64),
      ),
    ],
  };
  const pools = (tasks: number, w: number): Contestant[] => [
    c(
      "ours",
      "WorkerPoolExecutor",
      "ours",
      "deno",
      deno("ours", "sweep", js, tasks, w),
    ),
    c(
      "proc",
      "ProcessPoolExecutor",
      "ours",
      "deno",
      deno("process", "sweep", js, tasks, w),
    ),
    c(
      "piscina",
      "piscina",
      "peer",
      "npm",
      node("piscina", "sweep", js, tasks, w),
    ),
    c(
      "tinypool",
      "tinypool",
      "peer",
      "npm",
      node("tinypool", "sweep", js, tasks, w),
    ),
    c(
      "py",
      "Python ProcessPoolExecutor",
      "peer",
      "python",
      python("sweep", py, tasks, w),
    ),
    c(
      "bare-deno",
      "no pool: bare Deno Workers, one message each",
      "limit",
      "deno",
      deno("bare", "sweep", js, tasks, w),
    ),
    c(
      "bare-node",
      "no pool: bare Node threads, one message each",
      "limit",
      "node",
      node("bare", "sweep", js, tasks, w),
    ),
  ];
  const out = [serial];
  for (const tasks of s.sweepTasks) {
    out.push({
      id: `sweep-${tasks}`,
      group: "sweep",
      title: `Speed-up sweep: ${job} in ${
        fmt(tasks)
      } tasks, ${s.sweepWorkers} workers, ${timed}`,
      warmUp: false,
      maxReps: SWEEP_REPS,
      serialIn: "sweep-serial",
      tasks,
      workers: s.sweepWorkers,
      contestants: pools(tasks, s.sweepWorkers),
    });
  }
  for (const w of scaleWorkers(s.scaleMax)) {
    out.push({
      id: `scaling-${w}`,
      group: "scaling",
      title: `Scaling: ${job} in ${
        fmt(s.scaleTasks)
      } tasks, ${w} workers, ${timed}`,
      warmUp: false,
      maxReps: SWEEP_REPS,
      serialIn: "sweep-serial",
      tasks: s.scaleTasks,
      workers: w,
      contestants: pools(s.scaleTasks, w),
    });
  }
  return out;
}

/** 1, 2, 4, ... up to and including `n` when `n` is above 2; else none. */
export function scaleWorkers(n: number): number[] {
  if (n <= 2) return [];
  const out = [];
  for (let w = 1; w < n; w *= 2) out.push(w);
  out.push(n);
  return out;
}

function c(
  id: string,
  label: string,
  kind: Kind,
  runtime: Runtime,
  argv: string[],
): Contestant {
  return { id, label, kind, runtime, argv };
}

/** How a comparison reads its two figures. */
export type Metric = "time" | "speedup" | "memory" | "overhead";

/** "This module's figure vs a peer's", as a ratio where > 1 favours this module. */
export interface Comparison {
  workload: string;
  metric: Metric;
  ours: string;
  peer: string;
  /** The target for the ratio, if it sets one. */
  target?: number;
}

const cmp = (
  workload: string,
  metric: Metric,
  ours: string,
  peer: string,
  target?: number,
): Comparison => ({ workload, metric, ours, peer, target });

/** Every ratio reported, with the targets. */
export const COMPARISONS: Comparison[] = [
  cmp("trivial", "time", "ours-submit", "py-submit", 6),
  cmp("trivial", "time", "ours-submit", "piscina", 4),
  cmp("trivial", "time", "ours-submit", "tinypool"),
  cmp("trivial", "time", "ours-submit", "bare-1", 2),
  cmp("trivial", "time", "ours-submit", "bare-2"),
  cmp("trivial", "time", "ours-submit", "bare-all"),
  cmp("trivial", "time", "ours-map1", "ours-submit", 1),
  cmp("trivial", "time", "ours-map", "py-map", 2),
  cmp("trivial", "time", "ours-map", "piscina"),
  cmp("trivial", "time", "ours-map", "tinypool"),
  cmp("trivial", "time", "ours-map", "bare-all"),
  cmp("trivial", "time", "proc-submit", "py-submit", 5),
  cmp("trivial", "time", "proc-map", "py-map", 2),
  // A speed-up comparison of a row with itself is its absolute speed-up.
  cmp("cpu", "speedup", "ours", "ours", 1.85),
  cmp("cpu", "speedup", "ours", "piscina", 1),
  cmp("cpu", "speedup", "ours", "tinypool", 1),
  cmp("cpu", "speedup", "ours", "py"),
  cmp("cpu", "time", "ours", "piscina"),
  cmp("cpu", "speedup", "proc", "proc"),
  cmp("cpu", "speedup", "proc", "py"),
  cmp("startup", "time", "ours", "py"),
  cmp("startup", "time", "proc", "py"),
  cmp("startup", "time", "ours", "piscina"),
  cmp("startup", "time", "ours", "tinypool"),
  cmp("startup", "time", "ours", "bare"),
  cmp("switches", "time", "ours", "py", 9),
  cmp("switches", "time", "ours", "effection", 50),
  cmp("switches", "time", "ours", "await"),
  cmp("sleepers", "time", "ours", "py", 2),
  cmp("sleepers", "memory", "ours", "py", 2),
  cmp("sleepers", "overhead", "ours", "py"),
];

/** The speed-up comparisons of the sweep and the scaling series. */
export function sweepComparisons(s: Sizes): Comparison[] {
  const out: Comparison[] = [];
  const ids = [
    ...s.sweepTasks.map((t) => `sweep-${t}`),
    ...scaleWorkers(s.scaleMax).map((w) => `scaling-${w}`),
  ];
  for (const id of ids) {
    for (const ours of ["ours", "proc"]) {
      out.push(
        cmp(id, "speedup", ours, ours, id === "sweep-64" ? 1.85 : undefined),
      );
      out.push(
        cmp(
          id,
          "speedup",
          ours,
          "piscina",
          id.startsWith("sweep") ? 1 : undefined,
        ),
      );
      out.push(
        cmp(
          id,
          "speedup",
          ours,
          "tinypool",
          id.startsWith("sweep") ? 1 : undefined,
        ),
      );
      // Against Deno with no pool (bare Workers, one message each).
      out.push(cmp(id, "speedup", ours, "bare-deno"));
    }
  }
  return out;
}

/** The serial row each pool's speed-up is measured against (same runtime). */
export const SERIAL_OF: Record<string, string> = {
  ours: "serial-deno",
  proc: "serial-deno",
  "bare-deno": "serial-deno",
  "bare-node": "serial-node",
  py: "serial-py",
  piscina: "serial-node",
  tinypool: "serial-node",
};
