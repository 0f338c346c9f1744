// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Seed program 4: synchronous vs asynchronous, blocking vs non-blocking,
 * shown with a job that keeps a thread busy for 1 s. A 100 ms timer ticks
 * on the main thread throughout, so each part shows whether the main thread
 * stayed free while the job ran.
 *
 * Run: deno run -A examples/blocking.ts   (about 4.5 s)
 *
 * Output (times vary a little):
 * ```
 * [0.00s] 1. synchronous + blocking: crunch(1000) on the main thread
 * [1.00s]    got "crunched for 1000 ms"; the main thread was frozen: 0 ticks ran meanwhile
 * [1.00s] 2. synchronous + non-blocking: submit to the pool, then poll done()
 * [1.00s]    done() is false: doing something else
 * [1.26s]    done() is false: doing something else
 * [1.51s]    done() is false: doing something else
 * [1.76s]    done() is false: doing something else
 * [2.02s]    done() is true: "crunched for 1000 ms"; 10 ticks ran meanwhile
 * [2.02s] 3. asynchronous + blocking: await future.result()
 * [3.03s]    got "crunched for 1000 ms"; this code waited, the thread did not: 10 ticks ran meanwhile
 * [3.03s] 4. asynchronous + non-blocking: a done callback
 * [3.03s]    submitted; the callback will report the result
 * [3.43s]    main goes on: step 1
 * [3.83s]    main goes on: step 2
 * [4.04s]    callback: "crunched for 1000 ms"
 * [4.24s]    main goes on: step 3
 * ```
 */
import { WorkerPoolExecutor } from "../mod.ts";

/** Keeps its thread busy for `ms` milliseconds (it blocks that thread). */
function crunch(ms: number): string {
  const end = Date.now() + ms;
  let spins = 0;
  while (Date.now() < end) spins++;
  return `crunched for ${ms} ms`;
}

const start = performance.now();
const log = (message: string) =>
  console.log(
    `[${((performance.now() - start) / 1000).toFixed(2)}s] ${message}`,
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let ticks = 0;
const ticker = setInterval(() => ticks++, 100);

await using executor = new WorkerPoolExecutor({ maxWorkers: 2 });
// Start the workers first, so that start-up does not blur the timings.
await Promise.all([
  executor.submit(crunch, 0).result(),
  executor.submit(crunch, 0).result(),
]);

// 1. The caller runs the job itself and can do nothing else until it ends.
log("1. synchronous + blocking: crunch(1000) on the main thread");
let before = ticks;
const direct = crunch(1000);
log(
  `   got "${direct}"; the main thread was frozen: ${
    ticks - before
  } ticks ran meanwhile`,
);

// 2. The pool runs the job; the caller checks on it now and then.
log("2. synchronous + non-blocking: submit to the pool, then poll done()");
before = ticks;
const polled = executor.submit(crunch, 1000);
while (!polled.done()) {
  log("   done() is false: doing something else");
  await sleep(250);
}
log(
  `   done() is true: "${polled.resultNow()}"; ${
    ticks - before
  } ticks ran meanwhile`,
);

// 3. The caller waits for the result, but only its own code is paused.
log("3. asynchronous + blocking: await future.result()");
before = ticks;
const awaited = await executor.submit(crunch, 1000).result();
log(
  `   got "${awaited}"; this code waited, the thread did not: ${
    ticks - before
  } ticks ran meanwhile`,
);

// 4. The caller hands over a callback and goes on with its own work.
log("4. asynchronous + non-blocking: a done callback");
const called = executor.submit(crunch, 1000);
called.addDoneCallback((f) => log(`   callback: "${f.resultNow()}"`));
log("   submitted; the callback will report the result");
for (let step = 1; step <= 3; step++) {
  await sleep(400);
  log(`   main goes on: step ${step}`);
}

clearInterval(ticker);
