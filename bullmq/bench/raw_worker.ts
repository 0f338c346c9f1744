// Copyright 2026 the @concurrent/futures authors. MIT license.
// Raw BullMQ for the comparison: a Worker running the trivial task inline.
import { Worker } from "bullmq";

const [queue, port, concurrency] = Deno.args;
const worker = new Worker(queue, (job) => job.data.n + 1, {
  connection: { host: "127.0.0.1", port: Number(port) },
  concurrency: Number(concurrency),
});
await worker.waitUntilReady();
console.log("worker: serving");
Deno.addSignalListener("SIGTERM", async () => {
  await worker.close();
  Deno.exit(0);
});
