// Copyright 2026 the @concurrent/futures authors. MIT license.
// The worker of bench/progress_figures.ts: runs a CPU-bound task that does
// `units` units of work, once without progress and once calling
// `this.progress(i)` after every unit, through the real worker-side task
// context whose sink posts batches to the main thread, as a runner will.
import { RunningTaskContext } from "../executor/_task_context.ts";

interface Job {
  units: number;
  spin: number;
  flag: SharedArrayBuffer;
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<Job>) => void) | null;
  postMessage(message: unknown): void;
};

let sink = 0;
/** About 10 µs of arithmetic when `spin` is calibrated so. */
function unit(spin: number): void {
  let x = 0;
  for (let i = 0; i < spin; i++) x += Math.sqrt(i + x);
  sink += x;
}

function run(job: Job, report: boolean): number {
  const flag = new Int32Array(job.flag);
  const context = new RunningTaskContext({
    isStopped: () => Atomics.load(flag, 0) !== 0,
    sink: report
      ? (values) => scope.postMessage({ t: "progress", values })
      : undefined,
  });
  const start = performance.now();
  for (let i = 0; i < job.units; i++) {
    unit(job.spin);
    context.throwIfCancelled();
    if (report) context.progress(i);
  }
  context.end();
  return performance.now() - start;
}

scope.onmessage = ({ data }) => {
  // Alternate, so that warm-up and load hit both variants alike.
  const plain: number[] = [];
  const reporting: number[] = [];
  for (let round = 0; round < 5; round++) {
    plain.push(run(data, false));
    reporting.push(run(data, true));
  }
  scope.postMessage({ t: "done", plain, reporting, sink });
};
