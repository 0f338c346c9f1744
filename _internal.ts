// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Not a public API: the executor machinery that
 * `@concurrent/futures-bullmq` shares with this package (the pool future,
 * the `map` engine, error marshalling, function sources and their
 * revival where tasks run, option checks).
 * It follows this package's version exactly and may change in any release.
 *
 * @example The map engine over any way of running a batch
 * ```ts
 * import { mapTasks } from "@concurrent/futures/_internal";
 * import { Future } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const doubled = mapTasks({
 *   items: [1, 2, 3],
 *   options: { chunksize: 2 },
 *   submitBatch: (batch: number[]) => Future.from(batch.map((n) => 2 * n)),
 * });
 * assert.deepEqual(await Array.fromAsync(doubled), [2, 4, 6]);
 * ```
 *
 * @module
 */
export type { Future, FutureState } from "./future/future.ts";
export type { MapOptions, RunOptions } from "./executor/executor.ts";
export type { ModuleTask } from "./executor/module_task.ts";
export { PoolFuture } from "./executor/_pool/future.ts";
export {
  mapTasks,
  type MapTasksOptions,
  type SubmitBatch,
  type SubmitOne,
} from "./executor/_map.ts";
export {
  cloneableError,
  marshalError,
  type MarshalledError,
  unmarshalError,
} from "./executor/_marshal.ts";
export {
  type FunctionSource,
  functionSource,
} from "./executor/_function_source.ts";
export {
  type AnyFunction,
  explainTaskError,
  revive as reviveFunctionSource,
} from "./executor/_runner/functions.ts";
export { checkPositiveInteger, isModuleTask } from "./executor/_task.ts";
export { checkTimeout, startTimer } from "./future/_timeout.ts";
export { checkRunCall } from "./executor/_run_options.ts";
