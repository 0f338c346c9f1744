// Copyright 2026 the @concurrent/futures authors. MIT license.
// The options both worker pools share, checked once for both.
import { hardwareConcurrency } from "../_runtime.ts";
import { checkTimeout } from "../../future/_timeout.ts";
import type { TaskFunction } from "../executor.ts";
import type { PoolConfig } from "./pool.ts";
import { PACING, type PacingOptions } from "./pacing.ts";
import type { TransportFactory } from "../_transport.ts";
import { checkMinWorkers, checkPositiveInteger, taskSpec } from "../_task.ts";

/** How long an idle worker lives by default: one second. */
const DEFAULT_IDLE_TIMEOUT = 1000;

/** The options of a worker pool that do not depend on its transport. */
export interface CommonPoolOptions {
  maxWorkers?: number;
  minWorkers?: number;
  initializer?: TaskFunction<never, unknown>;
  initargs?: unknown[];
  maxTasksPerWorker?: number;
  idleTimeout?: number;
  name?: string;
  /** Not a public option: how the pool paces its tasks (tests). */
  [PACING]?: PacingOptions;
}

/**
 * Checks the common options and gives the engine's configuration.
 *
 * @throws {RangeError} For bad numbers.
 * @throws {TypeError} For a bad initializer or initargs.
 */
export function poolConfig(
  options: CommonPoolOptions,
  defaultName: string,
  transport: TransportFactory,
): PoolConfig {
  const {
    maxWorkers = hardwareConcurrency(),
    minWorkers = 0,
    initializer,
    initargs = [],
    maxTasksPerWorker = Infinity,
    idleTimeout = DEFAULT_IDLE_TIMEOUT,
    name = defaultName,
  } = options;
  checkPositiveInteger(maxWorkers, "maxWorkers");
  checkMinWorkers(minWorkers, maxWorkers);
  checkPositiveInteger(maxTasksPerWorker, "maxTasksPerWorker", true);
  checkTimeout(idleTimeout, "idleTimeout");
  if (!Array.isArray(initargs)) {
    throw new TypeError("initargs must be an array of arguments");
  }
  return {
    maxWorkers,
    minWorkers,
    initializer: initializer === undefined ? undefined : taskSpec(initializer),
    initargs,
    maxTasksPerWorker,
    idleTimeout,
    transport,
    name: String(name),
    pacing: options[PACING],
  };
}
