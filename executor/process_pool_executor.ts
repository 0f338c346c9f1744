// Copyright 2026 the @concurrent/futures authors. MIT license.
import { WorkerPoolExecutor } from "./worker_pool_executor.ts";

/**
 * Python's name for {@linkcode WorkerPoolExecutor}, for ported code: the
 * same class, running tasks on Deno Workers instead of processes.
 *
 * @example
 * ```ts
 * import { ProcessPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });
 * assert.equal(await ex.submit((s: string) => s.toUpperCase(), "hi").result(), "HI");
 * ```
 */
export const ProcessPoolExecutor: typeof WorkerPoolExecutor =
  WorkerPoolExecutor;
/** Python's name for {@linkcode WorkerPoolExecutor}. */
export type ProcessPoolExecutor = WorkerPoolExecutor;
