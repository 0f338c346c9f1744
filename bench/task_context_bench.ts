// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * `deno bench -A bench/task_context_bench.ts`: the per-call cost of the
 * task context's hot methods, as a CPU loop on a worker calls them.
 * `bench/progress_figures.ts` measures the slowdown of a whole task on
 * each executor.
 *
 * @module
 */
import { RunningTaskContext } from "../executor/_task_context.ts";

const flag = new Int32Array(new SharedArrayBuffer(4));
let sent = 0;
const context = new RunningTaskContext({
  isStopped: () => Atomics.load(flag, 0) !== 0,
  sink: (values) => {
    sent += values.length;
  },
});

Deno.bench({
  name: "1,000 throwIfCancelled() on a shared flag",
  group: "task context, per 1,000 calls",
  fn() {
    for (let i = 0; i < 1000; i++) context.throwIfCancelled();
  },
});

Deno.bench({
  name: "1,000 progress(i), batched",
  group: "task context, per 1,000 calls",
  fn() {
    for (let i = 0; i < 1000; i++) context.progress(i);
  },
});

Deno.bench({
  name: "1,000 progress(i), one sink call each (interval 0)",
  group: "task context, per 1,000 calls",
  fn() {
    const direct = new RunningTaskContext({
      interval: 0,
      sink: (values) => {
        sent += values.length;
      },
    });
    for (let i = 0; i < 1000; i++) direct.progress(i);
    direct.end();
  },
});

globalThis.addEventListener("unload", () => {
  context.end();
  if (sent < 0) console.log(sent);
});
