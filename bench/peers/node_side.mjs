// Copyright 2026 the @concurrent/futures authors. MIT license.
// The Node.js peers (piscina, tinypool, Effection), run by main.ts as
// `node bench/peers/node_side.mjs <peer> <workload> [args...]`. Each run times
// only the workload and prints one line of JSON for main.ts to parse.
import { readFileSync } from "node:fs";
import {
  collatzStepsInParts,
  countPrimes,
  ranges,
  shareOf,
} from "./_cpu_job.mjs";

const TASKS = new URL("./_node_tasks.mjs", import.meta.url).href;

/** Peak resident set size of this process in KiB (Linux), else current RSS. */
function peakKiB() {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(
      readFileSync("/proc/self/status", "utf8"),
    );
    if (m) return Number(m[1]);
  } catch {
    // not Linux: fall back to the current RSS
  }
  return Math.round(process.memoryUsage().rss / 1024);
}

/** Creates a 2-thread pool of the given library over _node_tasks.mjs. */
async function createPool(peer, workers) {
  if (peer === "piscina") {
    const { Piscina } = await import("piscina");
    return new Piscina({
      filename: TASKS,
      minThreads: workers,
      maxThreads: workers,
    });
  }
  if (peer === "tinypool") {
    const { Tinypool } = await import("tinypool");
    return new Tinypool({
      filename: TASKS,
      minThreads: workers,
      maxThreads: workers,
    });
  }
  throw new TypeError(`unknown pool ${peer}`);
}

/**
 * The sweep with no pool: bare worker threads, each given its whole share
 * of the parts in one message.
 *
 * @param {number} limit the job's limit
 * @param {number} tasks how many parts the job is cut into
 * @param {string} workers how many threads
 * @returns {Promise<{ ms: number, check: number }>} the time and the answer
 */
async function bareSweep(limit, tasks, workers) {
  const { Worker } = await import("node:worker_threads");
  const all = Array.from(
    { length: Number(workers) },
    () => new Worker(new URL("./_bare_sweep_thread.mjs", import.meta.url)),
  );
  /** @param {number} n */
  const run = (n) =>
    Promise.all(all.map((thread, w) =>
      new Promise((resolve) => {
        thread.once("message", resolve);
        thread.postMessage({
          limit,
          parts: n,
          mine: shareOf(w, all.length, n),
        });
      })
    ));
  // Every thread up and its module loaded, as the pools are warmed.
  await run(0);
  // And the job's code compiled, as in every contestant of the sweep.
  await run(tasks);
  const t0 = performance.now();
  const sums = await run(tasks);
  const ms = performance.now() - t0;
  await Promise.all(all.map((thread) => thread.terminate()));
  return { ms, check: sums.reduce((a, b) => a + Number(b), 0) };
}

/** Runs `workers * 2` trivial tasks so that every thread is up and warm. */
async function warm(pool, workers) {
  const jobs = [];
  for (let i = 0; i < workers * 2; i++) {
    jobs.push(pool.run(i, { name: "identity" }));
  }
  await Promise.all(jobs);
}

const workloads = {
  async trivial(peer, n = "20000", workers = "2") {
    const pool = await createPool(peer, Number(workers));
    await warm(pool, Number(workers));
    const t0 = performance.now();
    const jobs = new Array(Number(n));
    for (let i = 0; i < jobs.length; i++) {
      jobs[i] = pool.run(i, { name: "identity" });
    }
    let sum = 0;
    for (const job of jobs) sum += await job;
    const ms = performance.now() - t0;
    await pool.destroy();
    return { ms, check: sum };
  },

  async cpu(peer, limit = "2000000", chunks = "16", workers = "2") {
    const parts = ranges(Number(limit), Number(chunks));
    if (peer === "serial") {
      const t0 = performance.now();
      let sum = 0;
      for (const [lo, hi] of parts) sum += countPrimes(lo, hi);
      return { ms: performance.now() - t0, check: sum };
    }
    const pool = await createPool(peer, Number(workers));
    await warm(pool, Number(workers));
    const t0 = performance.now();
    const counts = await Promise.all(
      parts.map((range) => pool.run(range, { name: "primes" })),
    );
    const ms = performance.now() - t0;
    await pool.destroy();
    return { ms, check: counts.reduce((a, b) => a + b, 0) };
  },

  async sweep(peer, limit = "6000000", tasks = "64", workers = "2") {
    const n = Number(limit);
    if (peer === "serial") {
      const parts = Number(tasks);
      const round = () => collatzStepsInParts(n, parts, shareOf(0, 1, parts));
      // The untimed round of every contestant of the sweep.
      round();
      const t0 = performance.now();
      const check = round();
      return { ms: performance.now() - t0, check };
    }
    if (peer === "bare") return await bareSweep(n, Number(tasks), workers);
    const pool = await createPool(peer, Number(workers));
    await warm(pool, Number(workers));
    const round = () =>
      Promise.all(
        Array.from(
          { length: Number(tasks) },
          (_, i) => pool.run([n, i, Number(tasks)], { name: "part" }),
        ),
      );
    // One untimed round first, as every contestant of the sweep does, so
    // that each thread's JIT has compiled the job.
    await round();
    const t0 = performance.now();
    const counts = await round();
    const ms = performance.now() - t0;
    await pool.destroy();
    return { ms, check: counts.reduce((a, b) => a + b, 0) };
  },

  async startup(peer, workers = "2") {
    // The library's module is loaded before the clock starts: only the pool
    // is timed, from its creation to its first result.
    await import(peer);
    const t0 = performance.now();
    const pool = await createPool(peer, Number(workers));
    const value = await pool.run(42, { name: "identity" });
    const ms = performance.now() - t0;
    await pool.destroy();
    return { ms, check: value };
  },

  async switches(peer, n = "100000", yields = "10") {
    if (peer !== "effection") throw new TypeError(`unknown peer ${peer}`);
    const { run, spawn, sleep } = await import("effection");
    const count = Number(n);
    const rounds = Number(yields);
    let done = 0;
    const t0 = performance.now();
    await run(function* () {
      const tasks = [];
      for (let i = 0; i < count; i++) {
        tasks.push(
          yield* spawn(function* () {
            for (let j = 0; j < rounds; j++) yield* sleep(0);
            done++;
          }),
        );
      }
      for (const task of tasks) yield* task;
    });
    return { ms: performance.now() - t0, check: done };
  },

  versions() {
    const version = (name) =>
      JSON.parse(
        readFileSync(
          new URL(`./node_modules/${name}/package.json`, import.meta.url),
          "utf8",
        ),
      ).version;
    return {
      node: process.versions.node,
      piscina: version("piscina"),
      tinypool: version("tinypool"),
      effection: version("effection"),
    };
  },
};

const [peer, workload, ...args] = process.argv.slice(2);
try {
  const fn = workloads[workload];
  if (!fn) throw new TypeError(`unknown workload ${workload}`);
  const result = await fn(peer, ...args);
  console.log(JSON.stringify({ ...result, peakKiB: peakKiB() }));
} catch (error) {
  console.error(error?.stack ?? String(error));
  process.exitCode = 1;
}
