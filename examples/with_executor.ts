// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Seed program 2: the same pool of 3 workers and 5 jobs (job `i` sleeps `i`
 * seconds) inside `await using`, Python's `with` block: `wait` gives the
 * jobs 2 s, the finished ones are printed, then the others are awaited.
 *
 * Run: deno run -A examples/with_executor.ts   (about 5 s)
 *
 * Output (worker lines may swap places with neighbours):
 * ```
 * Worker Index : 0
 * Worker Index : 1
 * Worker Index : 2
 * Worker Index : 3
 * Worker Index : 4
 * Finished worker : Completed 0 worker job
 * Finished worker : Completed 1 worker job
 * Not finished worker : Completed 2 worker job
 * Not finished worker : Completed 3 worker job
 * Not finished worker : Completed 4 worker job
 * ```
 *
 * Job 2 ends 2 s after it starts, a few milliseconds after the 2 s `wait`
 * that began at submission, so it is usually "not finished"; on a quick
 * start it can make the finished list, as in the original.
 */
import { ALL_COMPLETED, ProcessPoolExecutor, wait } from "../mod.ts";

async function worker(index: number): Promise<string> {
  console.log(`Worker Index : ${index}`);
  await new Promise((resolve) => setTimeout(resolve, index * 1000));
  return `Completed ${index} worker job`;
}

{
  await using executor = new ProcessPoolExecutor({ maxWorkers: 3 });
  const futures = [0, 1, 2, 3, 4].map((i) => executor.submit(worker, i));

  const { done, notDone } = await wait(futures, {
    timeout: 2000,
    returnWhen: ALL_COMPLETED,
  });

  // Sets keep insertion order; list them in submission order, like Python
  // users read them.
  for (const future of futures.filter((f) => done.has(f))) {
    console.log(`Finished worker : ${future.resultNow()}`);
  }
  for (const future of futures.filter((f) => notDone.has(f))) {
    console.log(`Not finished worker : ${await future.result()}`);
  }
} // leaving the block shuts the pool down and waits for it
