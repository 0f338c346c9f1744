// Copyright 2026 the @concurrent/futures authors. MIT license.
// This module's side of the peer benchmarks, plus the raw limits (bare Deno
// Workers, plain async/await). Run by main.ts as
// `deno run -A bench/peers/deno_side.ts <contestant> <workload> [args...]`.
// Each run times only the workload and prints one line of JSON; a piece of
// this module that does not exist yet prints `{"skip": "..."}` instead.
import {
  collatzStepsInPart,
  collatzStepsInParts,
  countPrimes,
  ranges,
  shareOf,
  sleepSchedule,
} from "./_cpu_job.mjs";

/** What the benchmark needs of a Future (future/future.ts). */
interface FutureLike<T> {
  result(timeout?: number): Promise<T>;
}

/** What the benchmark needs of WorkerPoolExecutor (executor/). */
interface PoolLike {
  submit<A extends unknown[], R>(
    fn: (...args: A) => R,
    ...args: A
  ): FutureLike<Awaited<R>>;
  map<A, R>(
    fn: (item: A) => R,
    items: Iterable<A>,
    options?: { chunksize?: number },
  ): AsyncIterableIterator<Awaited<R>>;
  shutdown(options?: { wait?: boolean }): Promise<void>;
}

type Coroutine<T> = Generator<unknown, T, unknown>;

/** What the benchmark needs of a loop Task: `yield*` it. */
type TaskLike<T> = Iterable<unknown, T, unknown>;

/** What the benchmark needs of loop/ (docs/architecture.md). */
interface LoopModule {
  EventLoop: new () => {
    createTask<T>(coro: Coroutine<T>): TaskLike<T>;
    runUntilComplete<T>(coro: Coroutine<T>): Promise<T>;
    close(): void;
  };
  sleep(ms: number): Coroutine<void>;
}

interface Outcome {
  ms?: number;
  check?: unknown;
  skip?: string;
  [key: string]: unknown;
}

class Skip extends Error {}

// Loaded by a computed specifier so that this harness runs (and reports the
// missing rows as skipped) while executor/ and loop/ are still being written.
async function load(path: string): Promise<Record<string, unknown>> {
  return await import(new URL(path, import.meta.url).href);
}

async function executorClass(
  name = "WorkerPoolExecutor",
): Promise<new (options?: { maxWorkers?: number }) => PoolLike> {
  const mod = await load("../../executor/mod.ts");
  if (typeof mod[name] !== "function") {
    throw new Skip(`not implemented yet (executor/ ${name})`);
  }
  return mod[name] as new (
    options?: { maxWorkers?: number },
  ) => PoolLike;
}

async function loopModule(): Promise<LoopModule> {
  const mod = await load("../../loop/mod.ts");
  for (const name of ["EventLoop", "sleep"]) {
    if (typeof mod[name] !== "function") {
      throw new Skip(`not implemented yet (loop/ ${name})`);
    }
  }
  return mod as unknown as LoopModule;
}

function peakKiB(): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(status);
    if (match) return Number(match[1]);
  } catch {
    // not Linux: fall back to the current RSS
  }
  return Math.round(Deno.memoryUsage().rss / 1024);
}

function identity(x: number): number {
  return x;
}

async function warm(pool: PoolLike, workers: number): Promise<void> {
  const futures = [];
  for (let i = 0; i < workers * 2; i++) futures.push(pool.submit(identity, i));
  for (const f of futures) await f.result();
}

// ---- the bare Worker limit ------------------------------------------------

const BARE = new URL("./_bare_worker.ts", import.meta.url);
const BARE_SWEEP = new URL("./_bare_sweep_worker.ts", import.meta.url);

/** Sends `n` messages round robin over `workers` Workers, `window` in flight on each. */
function bareRoundTrips(
  all: Worker[],
  n: number,
  window: number,
): Promise<number> {
  return new Promise((resolve) => {
    let next = 0;
    let received = 0;
    let sum = 0;
    for (const worker of all) {
      worker.onmessage = (event: MessageEvent<{ value: number }>) => {
        sum += event.data.value;
        received++;
        if (next < n) {
          worker.postMessage({ id: next, args: [next] });
          next++;
        }
        if (received === n) resolve(sum);
      };
    }
    for (let k = 0; k < window; k++) {
      for (const worker of all) {
        if (next < n) {
          worker.postMessage({ id: next, args: [next] });
          next++;
        }
      }
    }
  });
}

function bareWorkers(count: number): Worker[] {
  return Array.from(
    { length: count },
    () => new Worker(BARE, { type: "module" }),
  );
}

// ---- workloads --------------------------------------------------------------

type Workload = (...args: string[]) => Promise<Outcome>;

/** The pool workloads, for either of this module's pools. */
function poolWorkloads(className: string): Record<string, Workload> {
  return {
    async submit(n = "20000", workers = "2") {
      const Pool = await executorClass(className);
      const pool = new Pool({ maxWorkers: Number(workers) });
      await warm(pool, Number(workers));
      const t0 = performance.now();
      const futures = new Array<FutureLike<number>>(Number(n));
      for (let i = 0; i < futures.length; i++) {
        futures[i] = pool.submit(identity, i);
      }
      let sum = 0;
      for (const f of futures) sum += await f.result();
      const ms = performance.now() - t0;
      await pool.shutdown({ wait: true });
      return { ms, check: sum };
    },

    async map(n = "20000", workers = "2", chunksize = "100") {
      const Pool = await executorClass(className);
      const pool = new Pool({ maxWorkers: Number(workers) });
      await warm(pool, Number(workers));
      const items = Array.from({ length: Number(n) }, (_, i) => i);
      const t0 = performance.now();
      let sum = 0;
      for await (
        const v of pool.map(identity, items, { chunksize: Number(chunksize) })
      ) sum += v;
      const ms = performance.now() - t0;
      await pool.shutdown({ wait: true });
      return { ms, check: sum };
    },

    async cpu(limit = "2000000", chunks = "16", workers = "2") {
      const Pool = await executorClass(className);
      const pool = new Pool({ maxWorkers: Number(workers) });
      await warm(pool, Number(workers));
      const parts = ranges(Number(limit), Number(chunks));
      const t0 = performance.now();
      const futures = parts.map(([lo, hi]) => pool.submit(countPrimes, lo, hi));
      let sum = 0;
      for (const f of futures) sum += await f.result();
      const ms = performance.now() - t0;
      await pool.shutdown({ wait: true });
      return { ms, check: sum };
    },

    async sweep(limit = "6000000", tasks = "64", workers = "2") {
      const Pool = await executorClass(className);
      const pool = new Pool({ maxWorkers: Number(workers) });
      await warm(pool, Number(workers));
      const n = Number(limit);
      const parts = Number(tasks);
      const round = async () => {
        const futures = new Array<FutureLike<number>>(parts);
        for (let i = 0; i < parts; i++) {
          futures[i] = pool.submit(collatzStepsInPart, n, i, parts);
        }
        let sum = 0;
        for (const f of futures) sum += await f.result();
        return sum;
      };
      // One untimed round first, as every contestant of the sweep does, so
      // that each worker's JIT has compiled the job (see WARM_ROUND in
      // _workloads.ts).
      await round();
      const t0 = performance.now();
      const sum = await round();
      const ms = performance.now() - t0;
      await pool.shutdown({ wait: true });
      return { ms, check: sum };
    },

    async startup(workers = "2") {
      const Pool = await executorClass(className);
      const t0 = performance.now();
      const pool = new Pool({ maxWorkers: Number(workers) });
      const value = await pool.submit(identity, 42).result();
      const ms = performance.now() - t0;
      await pool.shutdown({ wait: true });
      return { ms, check: value };
    },
  };
}

const contestants: Record<string, Record<string, Workload>> = {
  process: poolWorkloads("ProcessPoolExecutor"),
  ours: {
    ...poolWorkloads("WorkerPoolExecutor"),

    async switches(n = "100000", yields = "10") {
      const { EventLoop, sleep } = await loopModule();
      const rounds = Number(yields);
      let done = 0;
      function* worker(): Coroutine<void> {
        for (let j = 0; j < rounds; j++) yield* sleep(0);
        done++;
      }
      const t0 = performance.now();
      // asyncio.run(main()): a new loop, create every task, await each.
      const loop = new EventLoop();
      await loop.runUntilComplete((function* () {
        const tasks = [];
        for (let i = 0; i < Number(n); i++) {
          tasks.push(loop.createTask(worker()));
        }
        for (const task of tasks) yield* task;
      })());
      loop.close();
      return { ms: performance.now() - t0, check: done };
    },

    async sleepers(n = "100000", maxMs = "1000") {
      const { EventLoop, sleep } = await loopModule();
      const schedule = sleepSchedule(Number(n), Number(maxMs));
      let done = 0;
      function* sleeper(ms: number): Coroutine<void> {
        yield* sleep(ms);
        done++;
      }
      const t0 = performance.now();
      const loop = new EventLoop();
      await loop.runUntilComplete((function* () {
        const tasks = schedule.map((ms) => loop.createTask(sleeper(ms)));
        for (const task of tasks) yield* task;
      })());
      loop.close();
      return {
        ms: performance.now() - t0,
        check: done,
        longestMs: Math.max(...schedule),
      };
    },
  },

  bare: {
    async trivial(n = "20000", workers = "2", window = "2") {
      const all = bareWorkers(Number(workers));
      await bareRoundTrips(all, Number(workers) * 2, 1);
      const t0 = performance.now();
      const sum = await bareRoundTrips(all, Number(n), Number(window));
      const ms = performance.now() - t0;
      for (const worker of all) worker.terminate();
      return { ms, check: sum };
    },

    async sweep(limit = "6000000", tasks = "64", workers = "2") {
      const all = Array.from(
        { length: Number(workers) },
        () => new Worker(BARE_SWEEP, { type: "module" }),
      );
      const shares = (n: number) =>
        all.map((_, w) => ({
          limit: Number(limit),
          parts: n,
          mine: shareOf(w, all.length, n),
        }));
      const run = (n: number) =>
        Promise.all(
          shares(n).map((share, w) =>
            new Promise<number>((resolve) => {
              all[w].onmessage = (event: MessageEvent<number>) =>
                resolve(event.data);
              all[w].postMessage(share);
            })
          ),
        );
      // Every Worker up and its module loaded, as the pools are warmed.
      await run(0);
      // And the job's code compiled, as in every contestant of the sweep.
      await run(Number(tasks));
      const t0 = performance.now();
      const sums = await run(Number(tasks));
      const ms = performance.now() - t0;
      for (const worker of all) worker.terminate();
      return { ms, check: sums.reduce((a, b) => a + b, 0) };
    },

    async startup(workers = "2") {
      const t0 = performance.now();
      const all = bareWorkers(Number(workers));
      const value = await new Promise<number>((resolve) => {
        all[0].onmessage = (event: MessageEvent<{ value: number }>) =>
          resolve(event.data.value);
        all[0].postMessage({ id: 0, args: [42] });
      });
      const ms = performance.now() - t0;
      for (const worker of all) worker.terminate();
      return { ms, check: value };
    },
  },

  serial: {
    cpu(limit = "2000000", chunks = "16") {
      const t0 = performance.now();
      let sum = 0;
      for (const [lo, hi] of ranges(Number(limit), Number(chunks))) {
        sum += countPrimes(lo, hi);
      }
      return Promise.resolve({ ms: performance.now() - t0, check: sum });
    },
  },

  "sweep-serial": {
    sweep(limit = "6000000", tasks = "64") {
      const parts = Number(tasks);
      const round = () =>
        collatzStepsInParts(Number(limit), parts, shareOf(0, 1, parts));
      // The untimed round of every contestant of the sweep.
      round();
      const t0 = performance.now();
      const check = round();
      return Promise.resolve({ ms: performance.now() - t0, check });
    },
  },

  await: {
    async switches(n = "100000", yields = "10") {
      const rounds = Number(yields);
      let done = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: Number(n) }, async () => {
          for (let j = 0; j < rounds; j++) await null;
          done++;
        }),
      );
      return { ms: performance.now() - t0, check: done };
    },
  },

  deno: {
    versions() {
      return Promise.resolve({
        deno: Deno.version.deno,
        v8: Deno.version.v8,
      });
    },
  },
};

const [who, workload, ...args] = Deno.args;
let outcome: Outcome;
try {
  const fn = contestants[who]?.[workload];
  if (!fn) {
    throw new TypeError(`unknown contestant/workload ${who} ${workload}`);
  }
  outcome = await fn(...args);
} catch (error) {
  if (!(error instanceof Skip)) throw error;
  outcome = { skip: error.message };
}
console.log(JSON.stringify({ ...outcome, peakKiB: peakKiB() }));
// A pool that failed to shut down must not keep the process (and the run) alive.
Deno.exit(0);
