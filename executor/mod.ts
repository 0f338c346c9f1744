// Copyright 2026 the @concurrent/futures authors. MIT license.
// The design of this folder: docs/architecture.md ("The worker pool
// engine"); how one task flows: the top of _pool/pool.ts.
/**
 * Executors, Python's `concurrent.futures` pools: a
 * {@linkcode WorkerPoolExecutor} runs tasks in parallel on Deno Workers, a
 * {@linkcode ProcessPoolExecutor} in child processes (which a timeout
 * really stops), an {@linkcode AsyncPoolExecutor} bounds async work on the
 * current thread. All implement {@linkcode Executor}: `submit`, `map`,
 * `shutdown`, `await using`.
 *
 * @example Bounding async work
 * ```ts
 * import { AsyncPoolExecutor } from "@concurrent/futures/executor";
 * import assert from "node:assert/strict";
 *
 * await using ex = new AsyncPoolExecutor({ maxWorkers: 2 });
 * const future = ex.submit(async (n: number) => n + 1, 41);
 * assert.equal(await future.result(), 42);
 * ```
 *
 * @module
 */
// The executors hand out futures: the type is re-exported for this entry.
export type { DoneCallback, Future, FutureState } from "../future/future.ts";
export * from "./executor.ts";
export * from "./module_task.ts";
export * from "./task_context.ts";
export * from "./async_pool_executor.ts";
export * from "./worker_pool_executor.ts";
export * from "./process_pool_executor.ts";
