// Copyright 2026 the @concurrent/futures authors. MIT license.
// The "Many machines" walkthrough: submits work to the workers serving the
// queue "jobs" (started with --tasks bullmq/examples/tasks.ts) and prints
// what came back, and from where.
//
//   deno run -A bullmq/examples/submit.ts [redis://127.0.0.1:6379]
import { asCompleted, moduleTask } from "@concurrent/futures";
import { BullMQExecutor } from "@concurrent/futures-bullmq";

const redis = Deno.args[0] ?? "redis://127.0.0.1:6379";
const tasks = new URL("./tasks.ts", import.meta.url);
type Tasks = typeof import("./tasks.ts");
const fib = moduleTask<Tasks, "fib">(tasks, "fib");
const whoAmI = moduleTask<Tasks, "whoAmI">(tasks, "whoAmI");

await using ex = new BullMQExecutor({ queue: "jobs", connection: redis });
await ex.ready;

// Futures, as from a local pool: they settle in completion order.
const started = performance.now();
const futures = [30, 31, 32, 33].map((n) => ex.submit(fib, n));
for await (const future of asCompleted(futures)) {
  console.log(`fib = ${future.resultNow()}`);
}
console.log(`4 fib tasks: ${(performance.now() - started).toFixed(0)} ms`);

// map: results in input order; each chunk of 25 items is one job.
const items = Array.from({ length: 100 }, (_, i) => i % 20);
let sum = 0;
for await (const n of ex.map(fib, items, { chunksize: 25 })) sum += n;
console.log(`sum of 100 fib results: ${sum}`);

// Who ran the jobs: with two workers started, both names show up.
const who = new Set<string>();
const calls = Array.from({ length: 20 }, () => ex.submit(whoAmI));
for (const call of calls) who.add(await call.result());
console.log(`run by: ${[...who].join(", ")}`);

// A job naming a module the workers were not given fails at once: they run
// only their --tasks modules, whoever writes to the Redis.
const shell = moduleTask<{ execSync(command: string): string }, "execSync">(
  "node:child_process",
  "execSync",
);
const refused = await ex.submit(shell, "id").exception();
console.log(`refused: ${(refused as Error).message}`);

// cancel() is true only before the job reaches Redis; after that, revoke()
// asks Redis, and true means it never runs.
const early = ex.submit(fib, 20);
console.log(`cancel() before it is sent: ${early.cancel()}`);
const queued = Array.from({ length: 20 }, () => ex.submit(fib, 32));
await new Promise((resolve) => setTimeout(resolve, 20));
const revoked = (await Promise.all(queued.map((f) => ex.revoke(f))))
  .filter(Boolean).length;
console.log(
  `revoke() of 20 jobs: ${revoked} removed before any worker claimed them, ${
    20 - revoked
  } already claimed`,
);
await Promise.allSettled(queued.map((f) => f.result()));
console.log(ex.stats);
