// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Prints the cost of `this.progress(value)`: a CPU-bound task on a Worker
 * that calls it after every ~10 µs unit of work (about 100,000 calls a
 * second), against the same task without progress, through the worker-side
 * task context that batches values into messages; and the same on an
 * `AsyncPoolExecutor`, where values reach `onProgress` directly. Also the
 * raw rate of `progress()` and of `throwIfCancelled()` on a shared flag.
 *
 *     deno run -A bench/progress_figures.ts [units=100000]
 *
 * @module
 */
import { AsyncPoolExecutor, type TaskContext } from "../executor/mod.ts";
import { RunningTaskContext } from "../executor/_task_context.ts";

const UNITS = Number(Deno.args[0] ?? 100_000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

let sink = 0;
function unit(spin: number): void {
  let x = 0;
  for (let i = 0; i < spin; i++) x += Math.sqrt(i + x);
  sink += x;
}

/** The `spin` for which one unit takes about 10 µs on this machine. */
function calibrate(): number {
  let spin = 1000;
  for (let round = 0; round < 4; round++) {
    const start = performance.now();
    for (let i = 0; i < 2000; i++) unit(spin);
    const perUnit = (performance.now() - start) / 2000;
    spin = Math.max(1, Math.round(spin * 0.01 / perUnit));
  }
  return spin;
}

async function onWorker(spin: number) {
  const worker = new Worker(
    new URL("./_progress_worker.ts", import.meta.url),
    { type: "module" },
  );
  let values = 0;
  let messages = 0;
  let next = 0;
  let ordered = true;
  const done = new Promise<{ plain: number[]; reporting: number[] }>(
    (resolve) => {
      worker.onmessage = ({ data }) => {
        if (data.t === "progress") {
          messages++;
          for (const v of data.values as number[]) {
            if (v !== next) ordered = false;
            next = v + 1 === UNITS ? 0 : v + 1;
            values++;
          }
        } else resolve(data);
      };
    },
  );
  worker.postMessage({
    units: UNITS,
    spin,
    flag: new SharedArrayBuffer(4),
  });
  const result = await done;
  worker.terminate();
  return { ...result, values, messages, ordered };
}

async function onAsyncPool(spin: number) {
  await using ex = new AsyncPoolExecutor();
  function task(
    this: TaskContext,
    units: number,
    spin: number,
    report: boolean,
  ) {
    let x = 0;
    for (let i = 0; i < units; i++) {
      for (let j = 0; j < spin; j++) x += Math.sqrt(j + x);
      this.throwIfCancelled();
      if (report) this.progress(i);
    }
    return x;
  }
  const plain: number[] = [];
  const reporting: number[] = [];
  let values = 0;
  for (let round = 0; round < 5; round++) {
    let start = performance.now();
    await ex.run(task, [UNITS, spin, false]).result();
    plain.push(performance.now() - start);
    start = performance.now();
    await ex.run(task, [UNITS, spin, true], { onProgress: () => values++ })
      .result();
    reporting.push(performance.now() - start);
  }
  return { plain, reporting, values };
}

function rawRates() {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const n = 5_000_000;
  const context = new RunningTaskContext({
    isStopped: () => Atomics.load(flag, 0) !== 0,
    sink: (values) => {
      sink += values.length;
    },
  });
  let start = performance.now();
  for (let i = 0; i < n; i++) context.progress(i);
  const progressRate = n / ((performance.now() - start) / 1000);
  start = performance.now();
  for (let i = 0; i < n; i++) context.throwIfCancelled();
  const checkRate = n / ((performance.now() - start) / 1000);
  context.end();
  return { progressRate, checkRate };
}

const spin = calibrate();
const w = await onWorker(spin);
const wPlain = median(w.plain);
const wReporting = median(w.reporting);
console.log(`Worker, ${fmt(UNITS)} units of ~10 µs, medians of 5 runs:`);
console.log(
  `  without progress ${wPlain.toFixed(0)} ms, with progress ${
    wReporting.toFixed(0)
  } ms: ${(wReporting / wPlain).toFixed(3)}x the time`,
);
console.log(
  `  ${fmt(UNITS / (wReporting / 1000))} progress calls/s; ${
    fmt(w.values)
  } values in ${fmt(w.messages)} messages (${
    fmt(w.values / w.messages)
  } per message), in order: ${w.ordered}`,
);
const a = await onAsyncPool(spin);
const aPlain = median(a.plain);
const aReporting = median(a.reporting);
console.log(`AsyncPoolExecutor, same task through run({ onProgress }):`);
console.log(
  `  without progress ${aPlain.toFixed(0)} ms, with progress ${
    aReporting.toFixed(0)
  } ms: ${(aReporting / aPlain).toFixed(3)}x the time; ${
    fmt(a.values)
  } values delivered`,
);
const raw = rawRates();
console.log(
  `Raw: progress() ${fmt(raw.progressRate)} calls/s (batched, no work), ` +
    `throwIfCancelled() on a shared flag ${fmt(raw.checkRate)} calls/s`,
);
if (sink === -1) console.log(sink);
