// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { TaskContext } from "./task_context.ts";

/**
 * A task named by a module URL and an export name, made by
 * {@linkcode moduleTask}. A worker imports the module once and calls the
 * export; the type parameters carry the export's signature.
 *
 * @typeParam A The argument tuple of the export.
 * @typeParam R What the export returns.
 */
export interface ModuleTask<A extends unknown[], R> {
  /** The absolute URL of the module. */
  readonly url: string;
  /** The name of the exported function. */
  readonly exportName: string;
  /** Carries the types only; never set at run time. */
  readonly "~signature"?: (...args: A) => R;
}

/**
 * The task type of export `K` of module type `M`: a
 * {@linkcode ModuleTask} with the export's arguments and result. An export
 * that is not a function, or that declares a `this` other than a
 * {@linkcode TaskContext}, gives `never`.
 */
export type ModuleTaskOf<M, K extends keyof M> = M[K] extends
  (this: TaskContext, ...args: infer A) => infer R ? ModuleTask<A, R>
  : never;

/**
 * The names of the exports of module type `M` that can be tasks: functions
 * that ignore `this` or take it as a {@linkcode TaskContext}.
 */
export type TaskExportName<M> =
  & {
    // deno-lint-ignore no-explicit-any
    [K in keyof M]: M[K] extends (this: TaskContext, ...args: any[]) => unknown
      ? K
      : never;
  }[keyof M]
  & string;

/**
 * Names a module export as a task for an executor. A worker pool imports
 * the module once per worker and calls the export there, so the function
 * may use everything its module imports (a plain function is shipped by its
 * source text and must be self-contained).
 *
 * Give the module type to have the arguments and the result typed:
 * `moduleTask<typeof import("./tasks.ts"), "fib">(url, "fib")`.
 *
 * @typeParam M The module's type, `typeof import("./tasks.ts")`.
 * @typeParam K The export's name: a function export that ignores `this` or
 * declares it a {@linkcode TaskContext}.
 * @param url The module's URL; a relative string is resolved against the
 * current working directory, so prefer `new URL("./tasks.ts", import.meta.url)`.
 * @param exportName The exported function's name.
 * @returns The task.
 * @throws {TypeError} If the URL is not valid or `exportName` is empty.
 *
 * @example A typed module task
 * ```ts
 * import { moduleTask } from "@concurrent/futures/executor";
 * import assert from "node:assert/strict";
 *
 * const url = new URL("data:text/javascript,export const twice = (n) => 2 * n;");
 * const twice = moduleTask<{ twice(n: number): number }, "twice">(url, "twice");
 * assert.equal(twice.exportName, "twice");
 * assert.equal(twice.url, url.href);
 * ```
 */
export function moduleTask<
  // deno-lint-ignore no-explicit-any
  M = Record<string, (...args: any[]) => unknown>,
  K extends TaskExportName<M> = TaskExportName<M>,
>(url: URL | string, exportName: K): ModuleTaskOf<M, K> {
  if (typeof exportName !== "string" || exportName === "") {
    throw new TypeError("moduleTask() needs the name of an exported function");
  }
  let href: string;
  try {
    href = url instanceof URL || URL.canParse(url)
      ? new URL(url).href
      : new URL(url, baseUrl()).href;
  } catch (error) {
    throw new TypeError(`moduleTask() got an invalid URL: ${url}`, {
      cause: error,
    });
  }
  return Object.freeze({ url: href, exportName }) as unknown as ModuleTaskOf<
    M,
    K
  >;
}

/** What a relative module path is relative to: the working directory. */
function baseUrl(): string {
  const cwd = (globalThis as { Deno?: { cwd?(): string } }).Deno?.cwd?.() ??
    (globalThis as { process?: { cwd?(): string } }).process?.cwd?.();
  if (cwd !== undefined) return `file://${cwd}/`;
  // A page: relative to the page, as `import()` would read it.
  return (globalThis as { location?: { href: string } }).location?.href ??
    "file:///";
}
