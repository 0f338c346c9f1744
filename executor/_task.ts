// Copyright 2026 the @concurrent/futures authors. MIT license.
// Telling the two kinds of task apart, and checking task arguments.
import type { ModuleTask } from "./module_task.ts";
import type { TaskFunction } from "./executor.ts";
import type { FunctionRef } from "./_protocol.ts";
import { type FunctionSource, functionSource } from "./_function_source.ts";

/** What a pool keeps of a task's function. */
export type TaskSpec = FunctionSource | { url: string; name: string };

/** Whether a task is a module task rather than a plain function. */
export function isModuleTask(
  task: unknown,
): task is ModuleTask<unknown[], unknown> {
  return typeof task === "object" && task !== null &&
    typeof (task as ModuleTask<unknown[], unknown>).url === "string" &&
    typeof (task as ModuleTask<unknown[], unknown>).exportName === "string";
}

/** Throws a `TypeError` unless `task` is a function or a module task. */
export function checkTask(task: unknown, what = "task"): void {
  if (typeof task !== "function" && !isModuleTask(task)) {
    throw new TypeError(
      `The ${what} must be a function or a moduleTask(), got ${
        task === null ? "null" : typeof task
      }`,
    );
  }
}

/**
 * Throws a `RangeError` unless `value` is a positive integer (or, with
 * `allowInfinity`, `Infinity`).
 */
export function checkPositiveInteger(
  value: unknown,
  what: string,
  allowInfinity = false,
): void {
  if (
    typeof value !== "number" ||
    !(Number.isInteger(value) || (allowInfinity && value === Infinity)) ||
    value < 1
  ) {
    throw new RangeError(
      `${what} must be a positive integer, got ${
        typeof value === "number" ? value : typeof value
      }`,
    );
  }
}

/** The function part of a task, checked; throws a `TypeError` if bad. */
export function taskSpec(fn: TaskFunction<never, unknown>): TaskSpec {
  checkTask(fn);
  return isModuleTask(fn)
    ? { url: fn.url, name: fn.exportName }
    : functionSource(fn as (...args: never[]) => unknown);
}

/** What a pool learns the time of one call of a task's function under. */
export function paceKey(spec: TaskSpec): number | string {
  return "code" in spec ? spec.id : `${spec.name}@${spec.url}`;
}

/** How the worker is told of a task's function, source included. */
export function refOf(spec: TaskSpec): FunctionRef {
  return "code" in spec ? { src: spec.id, code: spec.code } : spec;
}

/** Whether arguments hold anything structured clone could refuse. */
export function needsCloneCheck(args: unknown[]): boolean {
  for (const arg of args) {
    if (typeof arg === "object" ? arg !== null : typeof arg === "function") {
      return true;
    }
  }
  return false;
}

/**
 * Throws a `RangeError` unless `minWorkers` is an integer from 0 to
 * `maxWorkers`.
 */
export function checkMinWorkers(minWorkers: unknown, maxWorkers: number): void {
  if (
    typeof minWorkers !== "number" || !Number.isInteger(minWorkers) ||
    minWorkers < 0
  ) {
    throw new RangeError(
      `minWorkers must be a non-negative integer, got ${
        typeof minWorkers === "number" ? minWorkers : typeof minWorkers
      }`,
    );
  }
  if (minWorkers > maxWorkers) {
    throw new RangeError(
      `minWorkers (${minWorkers}) must not exceed maxWorkers (${maxWorkers})`,
    );
  }
}
