// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * A progress bar over 200 tasks that report their progress, run on a
 * `WorkerPoolExecutor`. Each task works through 8 steps (a few
 * milliseconds of waiting each, like the chunks of a download) and calls
 * `this.progress(1)` after every step; `run(task, args, { onProgress })`
 * hands each report from the worker to the caller, in order, before the
 * task's future settles. The bar shows the share of steps done, the
 * tasks finished and their rate, redrawn in place on one line; when
 * stdout is not a terminal (a pipe, a file), it prints a plain line at
 * every tenth instead. The program exits by itself.
 *
 * Run: deno run -A examples/progress.ts   (about 1 s)
 *
 * Output in a terminal (one line, redrawn):
 * ```text
 * [██████████████████████████░░░░░░░░░░░░░░]  65.4%  128/200 tasks  168.3 tasks/s
 * ```
 *
 * Output to a pipe (rates vary):
 * ```text
 *  10%   13/200 tasks  35.1 tasks/s
 *  20%   32/200 tasks  71.5 tasks/s
 *  ...
 *  90%  176/200 tasks  187.8 tasks/s
 * 100%  200/200 tasks  194.8 tasks/s
 * done: 200 tasks, 1,600 steps reported, checksum 716,400, in 1.06 s
 * ```
 */
import { type TaskContext, WorkerPoolExecutor } from "../mod.ts";

const TASKS = 200;
const STEPS = 8;

/**
 * One task: `steps` slices of work, each reported as one step done. It is
 * self-contained (no outer variables), so the pool can ship it to its
 * workers by its source text.
 */
async function job(
  this: TaskContext,
  id: number,
  steps: number,
): Promise<number> {
  let checksum = 0;
  for (let step = 1; step <= steps; step++) {
    const ms = 2 + (id * 7 + step * 3) % 9;
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.throwIfCancelled(); // ends the task early if it was stopped
    checksum += id * step;
    this.progress(1);
  }
  return checksum;
}

const encoder = new TextEncoder();
const write = (text: string) => Deno.stdout.writeSync(encoder.encode(text));
const terminal = Deno.stdout.isTerminal();
const start = performance.now();
let steps = 0;
let finished = 0;
let lastDraw = -Infinity;
let lastTenth = 0;

function status(): string {
  const seconds = (performance.now() - start) / 1000;
  const percent = (100 * steps) / (TASKS * STEPS);
  const rate = seconds > 0 ? finished / seconds : 0;
  return `${percent.toFixed(terminal ? 1 : 0).padStart(terminal ? 5 : 3)}%  ${
    String(finished).padStart(3)
  }/${TASKS} tasks  ${rate.toFixed(1)} tasks/s`;
}

function draw(force = false): void {
  if (terminal) {
    const now = performance.now();
    if (!force && now - lastDraw < 40) return; // about 25 redraws a second
    lastDraw = now;
    const width = 40;
    const filled = Math.round((width * steps) / (TASKS * STEPS));
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    // \r returns to the line's start; \x1b[K clears what a longer line left.
    write(`\r[${bar}] ${status()}\x1b[K`);
  } else {
    // The last tenth waits for the last task to settle: one line at 100%.
    const tenth = Math.floor((10 * steps) / (TASKS * STEPS));
    if ((tenth > lastTenth && tenth < 10) || force) {
      lastTenth = tenth;
      write(`${status()}\n`);
    }
  }
}

let checksum = 0;
{
  // A worker runs one task at a time: 16 of them wait on 16 downloads.
  await using pool = new WorkerPoolExecutor({ maxWorkers: 16 });
  const onProgress = (done: unknown) => {
    steps += done as number;
    draw();
  };
  const futures = Array.from({ length: TASKS }, (_, id) => {
    const future = pool.run(job, [id, STEPS], { onProgress });
    future.addDoneCallback(() => {
      finished++;
      draw(finished === TASKS);
    });
    return future;
  });
  for (const future of futures) checksum += await future.result();
}

if (terminal) write("\n");
console.log(
  `done: ${TASKS} tasks, ${steps.toLocaleString("en-US")} steps reported, ` +
    `checksum ${checksum.toLocaleString("en-US")}, in ${
      ((performance.now() - start) / 1000).toFixed(2)
    } s`,
);
