// Copyright 2026 the @concurrent/futures authors. MIT license.
// Telling the two kinds of task apart, and checking task arguments.
import type { ModuleTask } from "./module_task.ts";

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
