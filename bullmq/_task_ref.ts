// Copyright 2026 the @concurrent/futures authors. MIT license.
// How a job names its function: a module task by its URL and export, which
// a worker serving that module imports; a plain function by its source.
import { functionSource, isModuleTask } from "@concurrent/futures/_internal";
import type { TaskRef } from "./_protocol.ts";

/** What a job says of its function, and the job's name in BullMQ. */
export function taskRef(fn: unknown): [TaskRef, string] {
  if (isModuleTask(fn)) {
    return [{ url: fn.url, name: fn.exportName }, fn.exportName];
  }
  if (typeof fn !== "function") {
    throw new TypeError(
      `The task must be a function or a moduleTask(), got ${
        fn === null ? "null" : typeof fn
      }`,
    );
  }
  const { code } = functionSource(fn as (...args: never[]) => unknown);
  return [{ code }, fn.name || "function"];
}
