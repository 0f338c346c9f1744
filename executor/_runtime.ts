// Copyright 2026 the @concurrent/futures authors. MIT license.
// Which runtime runs this module, read without touching anything that only
// one runtime has, so that every entry point loads on Deno, Node, Bun and
// in browsers (docs/architecture.md, "Runtimes").

interface Globals {
  Deno?: { version?: { deno?: string } };
  Bun?: unknown;
  process?: { versions?: { node?: string } };
  navigator?: { hardwareConcurrency?: number };
}

const globals = globalThis as Globals;

/** Deno (its `process` global also says "node", so it is asked first). */
export const isDeno: boolean = typeof globals.Deno?.version?.deno === "string";

/** Bun (it also says "node"). */
export const isBun: boolean = !isDeno && globals.Bun !== undefined;

/** Node.js itself, where Workers come from `node:worker_threads`. */
export const isNode: boolean = !isDeno && !isBun &&
  typeof globals.process?.versions?.node === "string";

/** The runtime's name, for error messages. */
export const runtimeName: string = isDeno
  ? "Deno"
  : isBun
  ? "Bun"
  : isNode
  ? "Node.js"
  : "this runtime";

/**
 * How many tasks can run in parallel here: `navigator.hardwareConcurrency`,
 * which Node 20 lacks (it gets `os.availableParallelism()`).
 */
export function hardwareConcurrency(): number {
  const count = globals.navigator?.hardwareConcurrency ??
    nodeModule<{ availableParallelism?(): number }>("node:os")
      ?.availableParallelism?.();
  return Math.max(1, count ?? 1);
}

/**
 * A Node built-in module, loaded synchronously where the runtime offers
 * `process.getBuiltinModule` (Node >= 20.16, Bun, Deno); `undefined`
 * elsewhere. No import statement names it, so browsers and bundlers never
 * see it.
 */
export function nodeModule<T>(name: string): T | undefined {
  const process = globals.process as
    | { getBuiltinModule?(name: string): unknown }
    | undefined;
  return process?.getBuiltinModule?.(name) as T | undefined;
}
