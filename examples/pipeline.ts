// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * A producer/consumer pipeline on the generator loop: a producer coroutine
 * feeds jobs into a bounded `Queue`, three consumer coroutines take them
 * and hand the CPU-heavy part (counting primes) to a `WorkerPoolExecutor`
 * through `loop.runInExecutor`, so the crunching runs in parallel on
 * Workers while the loop stays free. `queue.join()` waits until every job
 * is marked done; `queue.shutdown()` then ends the consumers (Python 3.13
 * style), and a summary is printed. The program exits by itself.
 *
 * Run: deno run -A examples/pipeline.ts [jobs=18]   (about 2 s on 2 cores)
 *
 * Output (abridged; timings and which consumer gets which job vary):
 * ```text
 *  0.01 s  producer  queue full, waiting to add #5
 *  0.18 s  alpha     job # 1: 28006 primes below 325,000
 *  0.23 s  beta      job # 2: 29977 primes below 350,000
 *  ...
 *  0.95 s  producer  all 18 jobs queued
 *  ...
 *  1.76 s  alpha     job #18: 60238 primes below 750,000
 *  1.76 s  main      queue joined, shutting it down
 *
 * Summary
 *   jobs processed : 18 of 18 (each exactly once)
 *   alpha          : 7 jobs
 *   beta           : 6 jobs
 *   gamma          : 5 jobs
 *   primes counted : 797,156
 *   queue size     : 4, workers: 3
 *   wall time      : 1.76 s
 *   job time, sum  : 4.86 s (2.8 jobs running at once on average)
 * ```
 *
 * The Python it mirrors:
 *
 * ```python
 * async def consumer(name, queue, pool):
 *     loop = asyncio.get_running_loop()
 *     while True:
 *         try:
 *             job = await queue.get()
 *         except asyncio.QueueShutDown:
 *             return
 *         count = await loop.run_in_executor(pool, count_primes, job)
 *         queue.task_done()
 * ```
 */
import {
  type Coroutine,
  gather,
  getRunningLoop,
  Queue,
  QueueShutDown,
  run,
} from "../loop/mod.ts";
import { WorkerPoolExecutor } from "../executor/mod.ts";

/**
 * The CPU-heavy step, run on a worker: counts the primes below `limit` by
 * trial division (slow on purpose). It is shipped to the worker by its
 * source text, so it must be self-contained.
 */
function countPrimes(limit: number): number {
  let count = 0;
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

interface Job {
  id: number;
  limit: number;
}

interface Done {
  consumer: string;
  job: Job;
  primes: number;
  ms: number;
}

const JOBS = Number(Deno.args[0] ?? 18);
const QUEUE_SIZE = 4;
const CONSUMERS = ["alpha", "beta", "gamma"];

const start = performance.now();
const elapsed = (): string =>
  `${((performance.now() - start) / 1000).toFixed(2).padStart(5)} s`;

function* producer(queue: Queue<Job>): Coroutine<void> {
  for (let id = 1; id <= JOBS; id++) {
    const job = { id, limit: 300_000 + id * 25_000 };
    if (queue.full()) {
      console.log(`${elapsed()}  producer  queue full, waiting to add #${id}`);
    }
    yield* queue.put(job); // waits while the queue is full
  }
  console.log(`${elapsed()}  producer  all ${JOBS} jobs queued`);
}

function* consumer(
  name: string,
  queue: Queue<Job>,
  pool: WorkerPoolExecutor,
  results: Done[],
): Coroutine<number> {
  const loop = getRunningLoop();
  let handled = 0;
  for (;;) {
    let job: Job;
    try {
      job = yield* queue.get();
    } catch (error) {
      if (error instanceof QueueShutDown) return handled; // no more work
      throw error;
    }
    try {
      const began = performance.now();
      const primes = yield* loop.runInExecutor(pool, countPrimes, job.limit);
      results.push({
        consumer: name,
        job,
        primes,
        ms: performance.now() - began,
      });
      handled++;
      console.log(
        `${elapsed()}  ${name.padEnd(8)}  job #${
          String(job.id).padStart(2)
        }: ${primes} primes below ${job.limit.toLocaleString("en-US")}`,
      );
    } finally {
      queue.taskDone();
    }
  }
}

function* main(pool: WorkerPoolExecutor): Coroutine<void> {
  const loop = getRunningLoop();
  const queue = new Queue<Job>(QUEUE_SIZE);
  const results: Done[] = [];
  const consumers = CONSUMERS.map((name) =>
    loop.createTask(consumer(name, queue, pool, results), { name })
  );
  yield* producer(queue);
  yield* queue.join(); // every job taken and marked done
  console.log(`${elapsed()}  main      queue joined, shutting it down`);
  queue.shutdown(); // the consumers' next get() throws QueueShutDown
  const handled = yield* gather(consumers);

  const totalPrimes = results.reduce((sum, r) => sum + r.primes, 0);
  const ids = results.map((r) => r.job.id).sort((a, b) => a - b);
  const complete = ids.length === JOBS && ids.every((id, i) => id === i + 1);
  console.log("\nSummary");
  console.log(
    `  jobs processed : ${results.length} of ${JOBS}` +
      (complete ? " (each exactly once)" : " (MISSING OR DUPLICATED JOBS)"),
  );
  CONSUMERS.forEach((name, i) =>
    console.log(`  ${name.padEnd(15)}: ${handled[i]} jobs`)
  );
  console.log(`  primes counted : ${totalPrimes.toLocaleString("en-US")}`);
  console.log(
    `  queue size     : ${QUEUE_SIZE}, workers: ${pool.stats.workers}`,
  );
  const wall = performance.now() - start;
  const busy = results.reduce((sum, r) => sum + r.ms, 0);
  console.log(`  wall time      : ${(wall / 1000).toFixed(2)} s`);
  console.log(
    `  job time, sum  : ${(busy / 1000).toFixed(2)} s ` +
      `(${(busy / wall).toFixed(1)} jobs running at once on average)`,
  );
  if (!complete) throw new Error("the pipeline lost or repeated jobs");
}

await using pool = new WorkerPoolExecutor({ maxWorkers: CONSUMERS.length });
await run(main(pool));
