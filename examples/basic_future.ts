// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Seed program 1: a pool of 3 worker processes runs 5 jobs, job `i`
 * sleeping `i` seconds; after 1 s the main program checks each future,
 * waiting up to 1 s more for those not done, as Python's
 * `concurrent.futures` demo does.
 *
 * Run: deno run -A examples/basic_future.ts   (about 5 s)
 *
 * Output (lines printed by the workers may swap places with neighbours):
 * ```
 * Worker Index : 0
 * Worker Index : 1
 * Worker Index : 2
 * Worker Index : 3
 * result : Completed 0 worker job
 * [1 worker] Wait for 1 second because it has not finished yet.
 * result : Completed 1 worker job
 * [2 worker] Wait for 1 second because it has not finished yet.
 * Worker Index : 4
 * [2 worker] Timeout error
 * [3 worker] Wait for 1 second because it has not finished yet.
 * [3 worker] Timeout error
 * [4 worker] Wait for 1 second because it has not finished yet.
 * [4 worker] Timeout error
 * ```
 *
 * Worker 2 is on the edge, as in the original: its result and the end of
 * its 1 s wait fall at the same moment, so some runs print
 * `result : Completed 2 worker job` instead of its timeout. Each job also
 * spends 0.1 s setting up before its sleep, as the original's do: without
 * it, job 3 (which starts as soon as job 0 ends) would tie with its wait
 * just as job 2 does.
 *
 * Job 4 starts when job 1's process is free: the pool keeps it until then,
 * so that `cancel()` of it would still return `true`, and sends it in the
 * same moment job 1's result arrives. Its line therefore comes a little
 * after the main program has printed job 1's result; Python's pool, whose
 * processes take jobs from a shared queue, prints it just before.
 *
 * `shutdown({ wait: false })` returns at once; the jobs still running
 * finish, then the workers close and the program exits by itself.
 */
import { ProcessPoolExecutor, TimeoutError } from "../mod.ts";

/** The job, shipped to the workers by its source: self-contained. */
async function worker(index: number): Promise<string> {
  console.log(`Worker Index : ${index}`);
  await new Promise((resolve) => setTimeout(resolve, 100 + index * 1000));
  return `Completed ${index} worker job`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const executor = new ProcessPoolExecutor({ maxWorkers: 3 });
const futureList = [];
for (let i = 0; i < 5; i++) {
  futureList.push(executor.submit(worker, i));
}

await sleep(1000);

for (const [i, future] of futureList.entries()) {
  if (future.done()) {
    console.log(`result : ${future.resultNow()}`);
  } else {
    console.log(
      `[${i} worker] Wait for 1 second because it has not finished yet.`,
    );
    try {
      const result = await future.result(1000);
      console.log(`result : ${result}`);
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      console.log(`[${i} worker] Timeout error`);
    }
  }
}

await executor.shutdown({ wait: false });
