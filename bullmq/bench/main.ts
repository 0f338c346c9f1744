// Copyright 2026 the @concurrent/futures authors. MIT license.
// deno task bench:bullmq: BullMQExecutor against raw BullMQ (Queue.addBulk
// and a Worker) on the same loopback Redis, interleaved, with the worker
// program's three local pools (worker, process, async); CPU-bound work on
// one and two worker processes; and whether a cancel() or revoke() that
// said true ever let its task run.
//
// Flags: --tasks N (10000), --rounds N (5), --concurrency N (8).
import { parseArgs } from "node:util";
import { Queue, QueueEvents } from "bullmq";
import { moduleTask } from "@concurrent/futures";
import { BullMQExecutor } from "../mod.ts";
import { RedisServer } from "../tests/_redis.ts";
import { workerFlags, WorkerProcess } from "../tests/_worker_process.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    tasks: { type: "string", default: "10000" },
    rounds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "8" },
  },
});
const TASKS = Number(values.tasks);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);
const tasksUrl = new URL("./tasks.ts", import.meta.url);
const inc = moduleTask<typeof import("./tasks.ts"), "inc">(tasksUrl, "inc");
const fib = moduleTask<typeof import("./tasks.ts"), "fib">(tasksUrl, "fib");
const RAW_WORKER = new URL("./raw_worker.ts", import.meta.url);

await using redis = await RedisServer.start("everysec");
const connection = { host: "127.0.0.1", port: redis.port };
let queues = 0;

async function workers(
  count: number,
  args: string[],
  script?: URL,
): Promise<WorkerProcess[]> {
  return await Promise.all(
    Array.from(
      { length: count },
      () => WorkerProcess.start(args, script),
    ),
  );
}

async function stopAll(list: WorkerProcess[]): Promise<void> {
  await Promise.all(list.map((w) => w.stop("SIGTERM")));
}

/** Raw BullMQ: addBulk, then count completed events. Tasks per second. */
async function raw(): Promise<number> {
  const queue = `raw${++queues}`;
  const ws = await workers(
    2,
    [queue, String(redis.port), String(CONCURRENCY)],
    RAW_WORKER,
  );
  const q = new Queue(queue, { connection });
  const events = new QueueEvents(queue, { connection });
  await events.waitUntilReady();
  let done = 0;
  const { promise, resolve } = Promise.withResolvers<void>();
  events.on("completed", () => {
    if (++done === TASKS) resolve();
  });
  const start = performance.now();
  await q.addBulk(
    Array.from({ length: TASKS }, (_, n) => ({
      name: "inc",
      data: { n },
      opts: { attempts: 1, removeOnComplete: { age: 3600 } },
    })),
  );
  await promise;
  const rate = TASKS / ((performance.now() - start) / 1000);
  await stopAll(ws);
  await events.close();
  await q.close();
  return rate;
}

type Pool = "worker" | "process" | "async";

/** BullMQExecutor.submit of every task, then every result awaited. */
async function executor(pool: Pool): Promise<number> {
  const queue = `ex${++queues}`;
  await using ex = new BullMQExecutor({ queue, connection });
  await ex.ready;
  const ws = await workers(2, [
    ...workerFlags(queue, redis.url, CONCURRENCY, [tasksUrl]),
    "--pool",
    pool,
  ]);
  const start = performance.now();
  const futures = Array.from({ length: TASKS }, (_, n) => ex.submit(inc, n));
  for (const f of futures) await f.result();
  const rate = TASKS / ((performance.now() - start) / 1000);
  await stopAll(ws);
  return rate;
}

/** fib(n) tasks on `processes` worker processes of one slot each. */
async function cpu(processes: number, count: number, n: number) {
  const queue = `cpu${++queues}`;
  await using ex = new BullMQExecutor({ queue, connection });
  await ex.ready;
  const ws = await workers(
    processes,
    workerFlags(queue, redis.url, 1, [tasksUrl]),
  );
  const start = performance.now();
  const futures = Array.from({ length: count }, () => ex.submit(fib, n));
  for (const f of futures) await f.result();
  const seconds = (performance.now() - start) / 1000;
  await stopAll(ws);
  return seconds;
}

/**
 * Once half the tasks are done, tries to take back every other one:
 * cancel() (true only for a job not sent yet), else revoke(). Returns how
 * many said true, and how many of those ran anyway: jobs that completed in
 * Redis beyond the ones that said false, and the executor's lateCancels.
 */
async function lateCancels(): Promise<[number, number]> {
  const queue = `cancel${++queues}`;
  const ex = new BullMQExecutor({ queue, connection });
  await ex.ready;
  const ws = await workers(
    2,
    workerFlags(queue, redis.url, CONCURRENCY, [tasksUrl]),
  );
  const futures = Array.from({ length: TASKS }, (_, n) => ex.submit(inc, n));
  await futures[Math.floor(TASKS / 2)].result();
  const answers = await Promise.all(
    futures.map((f) => f.cancel() || ex.revoke(f)),
  );
  await ex.shutdown();
  await stopAll(ws);
  const said = answers.filter(Boolean).length;
  const q = new Queue(queue, { connection });
  const { completed } = await q.getJobCounts("completed");
  await q.close();
  const ranAnyway = Math.max(0, completed - (TASKS - said));
  return [said, ranAnyway + ex.stats.lateCancels];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const POOLS: Pool[] = ["worker", "process", "async"];
const rawRates: number[] = [];
const rates: Record<Pool, number[]> = { worker: [], process: [], async: [] };
for (let round = 1; round <= ROUNDS; round++) {
  rawRates.push(await raw());
  for (const pool of POOLS) rates[pool].push(await executor(pool));
  console.log(
    `round ${round}: raw BullMQ ${rawRates.at(-1)!.toFixed(0)} tasks/s, ${
      POOLS.map((pool) => `${pool} ${rates[pool].at(-1)!.toFixed(0)}`)
        .join(", ")
    } tasks/s`,
  );
}
const rawRate = median(rawRates);
console.log(
  `\n${TASKS} trivial tasks, 2 worker processes at concurrency ${CONCURRENCY}, medians of ${ROUNDS}:`,
);
console.log(
  `  raw BullMQ (addBulk + Worker):        ${rawRate.toFixed(0)} tasks/s`,
);
for (const pool of POOLS) {
  const rate = median(rates[pool]);
  console.log(
    `  BullMQExecutor.submit, --pool ${pool.padEnd(7)} ${
      rate.toFixed(0)
    } tasks/s = ${(rate / rawRate).toFixed(2)}x raw${
      pool === "async" ? " (target >= 0.8x)" : ""
    }`,
  );
}

const CPU_TASKS = 24;
const FIB = 32;

/** The same fib work in plain Deno processes: the machine's own ceiling. */
async function plain(processes: number): Promise<number> {
  const code = `function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
    for (let i = 0; i < ${CPU_TASKS / processes}; i++) fib(${FIB});`;
  const start = performance.now();
  await Promise.all(
    Array.from(
      { length: processes },
      () =>
        new Deno.Command(Deno.execPath(), { args: ["eval", code] }).output(),
    ),
  );
  return (performance.now() - start) / 1000;
}

const plainOne = await plain(1);
const plainTwo = await plain(2);
const one = await cpu(1, CPU_TASKS, FIB);
const two = await cpu(2, CPU_TASKS, FIB);
console.log(`\n${CPU_TASKS} x fib(${FIB}), worker processes of concurrency 1:`);
console.log(
  `  BullMQExecutor: 1 process ${one.toFixed(2)} s, 2 processes ${
    two.toFixed(2)
  } s = ${(one / two).toFixed(2)}x`,
);
console.log(
  `  plain deno processes (the machine's ceiling, startup included): 1 ${
    plainOne.toFixed(2)
  } s, 2 ${plainTwo.toFixed(2)} s = ${(plainOne / plainTwo).toFixed(2)}x`,
);

const [cancelled, late] = await lateCancels();
console.log(
  `\nLate cancels: ${late} of ${cancelled} cancel()/revoke() calls that returned true (${
    (100 * late / Math.max(1, cancelled)).toFixed(2)
  }%) ran anyway, when ${TASKS} tasks were taken back half-way`,
);
const load = (await Deno.readTextFile("/proc/loadavg").catch(() => "?"))
  .split(" ").slice(0, 3).join(" ");
console.log(`\nLoad average at the end: ${load}`);
