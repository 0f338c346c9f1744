// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * `@concurrent/futures` across many machines: {@linkcode BullMQExecutor} is
 * the same `Executor` (`submit`, `run`, `map`, `shutdown`, `await using`)
 * over a BullMQ queue on Redis, and `./worker` is the program that runs its
 * jobs, each on a local pool of workers. A worker runs only the exports of
 * the modules it is started with:
 *
 * ```sh
 * deno run -A jsr:@concurrent/futures-bullmq/worker --queue jobs --redis redis://host:6379 --tasks ./tasks.ts
 * ```
 *
 * The futures are `@concurrent/futures`' own, so `wait`, `asCompleted` and
 * the generator loop's `yield*` work on them unchanged.
 *
 * @example Bad input fails fast
 * ```ts
 * import { BullMQExecutor } from "@concurrent/futures-bullmq";
 * import { BrokenExecutorError } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using ex = new BullMQExecutor({
 *   queue: "jobs",
 *   connection: "redis://127.0.0.1:1", // nothing listens there
 *   connectTimeout: 100,
 * });
 * await assert.rejects(ex.submit(() => 1).result(), BrokenExecutorError);
 * ```
 *
 * @module
 */
export * from "./bullmq_executor.ts";
// The executor's interface and its futures are the core package's; their
// types are re-exported so that this entry documents them.
export type {
  DoneCallback,
  Executor,
  ExecutorStats,
  Future,
  FutureState,
  MapOptions,
  ModuleTask,
  RunOptions,
  ShutdownOptions,
  TaskFunction,
} from "@concurrent/futures";
