// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * The worker program: serves a BullMQ queue of `BullMQExecutor` jobs,
 * running each on a local pool of workers.
 *
 * ```sh
 * deno run -A jsr:@concurrent/futures-bullmq/worker --queue jobs --redis redis://host:6379 --tasks ./tasks.ts --concurrency 4
 * ```
 *
 * It runs only the exports of the `--tasks` modules. `--help` lists the
 * flags. `SIGTERM` (or Ctrl-C) stops taking jobs,
 * finishes the running ones and exits. The module also exports
 * {@linkcode startWorker}, the same worker as a function.
 *
 * @example The usage text
 * ```ts
 * import { main } from "@concurrent/futures-bullmq/worker";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await main(["--help"]), 0);
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { startWorker } from "./start_worker.ts";
import { redactUrl } from "./_connection.ts";

export * from "./start_worker.ts";

/** What `--help` prints. */
export const USAGE: string = `\
Runs the jobs of a BullMQExecutor (@concurrent/futures-bullmq) queue.

Usage:
  deno run -A jsr:@concurrent/futures-bullmq/worker --queue <name> --redis <url> --tasks <module> [options]

Options:
  --queue <name>            the queue to serve (required)
  --redis <url>             Redis, e.g. redis://host:6379 (required)
  --tasks <module>          a module whose exports this worker runs: a path
                            (from the working directory) or a URL (https:,
                            jsr:, npm:, file:); repeat it for more modules.
                            Each is imported at the start (exit code 2 if
                            one does not load). A job naming any other
                            module fails at once, and nothing is imported
                            for it. Required unless --allow-source is given
  --concurrency <n>         jobs at once, each on one worker of a local pool
                            of n (default: the number of CPU cores)
  --pool worker|process|async
                            the local pool: Deno workers (default), child
                            processes (ProcessPoolExecutor), or this
                            program's own thread (AsyncPoolExecutor, as a
                            plain BullMQ worker runs its processor: for
                            I/O-bound tasks)
  --allow-source            also run plain functions sent as source text
  --prefix <prefix>         BullMQ's key prefix (default: bull)
  --lock-duration <ms>      lock time of a claimed job (default: the
                            executor's setting in Redis, else 5000)
  --stalled-interval <ms>   how often to look for jobs of dead workers
                            (default: the executor's setting, else 2500)
  --connect-timeout <ms>    how long to try to reach Redis (default: 5000)
  -h, --help                print this and exit

Tasks are module exports (moduleTask) of the --tasks modules. A job names
its module by URL, so the worker machines need the same module at the same
URL as the submitting program: deploy the same code to every machine at
the same path, or serve it over https:. The executor's maxPayloadBytes
(largest argument list or result; a job larger than it plus 1 MiB is not
read) and maxCrashes (how often a job that kills this process is tried
again) are read from Redis, like its lock settings; one that is not an
integer in its range is replaced by its default, with a warning.

Plain functions travel as source text and run only with --allow-source:
whoever can write to the Redis could then run any code on this machine, so
allow it only on a Redis that only trusted clients reach. Keep Redis
private in any case, and narrow what the worker may do with Deno's own
flags (--allow-read, --allow-net, ...) instead of -A.

SIGTERM or Ctrl-C: stop taking jobs, finish the running ones, exit.
`;

/**
 * Runs the worker program with command-line `args` until `SIGTERM` or
 * `SIGINT`.
 *
 * @param args The flags, as in {@linkcode USAGE}.
 * @returns The exit code: 0 after a clean stop or `--help`, 2 for bad
 * flags or a `--tasks` module that does not load, 1 if Redis cannot be
 * reached.
 *
 * @example Bad flags
 * ```ts
 * import { main } from "@concurrent/futures-bullmq/worker";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await main(["--queue", "jobs"]), 2); // no --redis
 * ```
 */
export async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        queue: { type: "string" },
        redis: { type: "string" },
        tasks: { type: "string", multiple: true },
        concurrency: { type: "string" },
        pool: { type: "string" },
        "allow-source": { type: "boolean" },
        prefix: { type: "string" },
        "lock-duration": { type: "string" },
        "stalled-interval": { type: "string" },
        "connect-timeout": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.queue === undefined || values.redis === undefined) {
    console.error(`--queue and --redis are required\n\n${USAGE}`);
    return 2;
  }
  const tasks = values.tasks ?? [];
  if (tasks.length === 0 && !values["allow-source"]) {
    console.error(
      `--tasks <module> is required: this worker runs only the exports of the modules it is given\n\n${USAGE}`,
    );
    return 2;
  }
  const number = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(
        `--${flag} must be a positive integer, got ${value}`,
      );
    }
    return n;
  };
  let worker;
  try {
    worker = await startWorker({
      queue: values.queue,
      connection: values.redis,
      tasks,
      concurrency: number("concurrency", values.concurrency),
      pool: (values.pool ?? "worker") as "worker" | "process" | "async",
      allowSource: values["allow-source"] ?? false,
      prefix: values.prefix,
      lockDuration: number("lock-duration", values["lock-duration"]),
      stalledInterval: number("stalled-interval", values["stalled-interval"]),
      connectTimeout: number("connect-timeout", values["connect-timeout"]),
    });
  } catch (error) {
    console.error(`worker: ${redactUrl((error as Error).message)}`);
    return error instanceof TypeError || error instanceof RangeError ? 2 : 1;
  }
  console.log(
    `worker: serving queue ${values.queue} on ${worker.redis}, ${worker.concurrency} at once (${
      values.pool ?? "worker"
    } pool), lock ${worker.lockDuration} ms, stalled check every ${worker.stalledInterval} ms`,
  );
  console.log(
    `worker: tasks from ${
      worker.tasks.length > 0 ? worker.tasks.join(", ") : "no module"
    }${values["allow-source"] ? ", and plain functions (--allow-source)" : ""}`,
  );
  const { promise: stopped, resolve: stop } = Promise.withResolvers<string>();
  const signals = ["SIGTERM", "SIGINT"] as const;
  const handlers = signals.map((signal) => {
    const handler = () => stop(signal);
    Deno.addSignalListener(signal, handler);
    return handler;
  });
  const signal = await stopped;
  // A second signal while the running jobs finish: give up on them.
  signals.forEach((s, i) => {
    Deno.removeSignalListener(s, handlers[i]);
    Deno.addSignalListener(s, () => Deno.exit(1));
  });
  console.log(`worker: ${signal}: finishing the running jobs`);
  await worker.close();
  console.log(`worker: stopped`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
