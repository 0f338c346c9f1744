// Copyright 2026 the @concurrent/futures authors. MIT license.
// How a pool worker finds a task's function: a plain function revived once
// from its source text, a module export imported once; and how it calls a
// function on each item of a map chunk.
import type { FunctionRef } from "../_protocol.ts";

/** Whether a value is a promise or another thenable. */
export function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise ||
    (value !== null && typeof value === "object" &&
      typeof (value as PromiseLike<unknown>).then === "function");
}

/** A task's function, called with its context as `this`. */
export type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** The functions one worker knows. */
export class TaskFunctions {
  #functions = new Map<number, AnyFunction>();
  /** Sources received and not revived yet. */
  #sources = new Map<number, string>();
  #modules = new Map<string, Promise<Record<string, unknown>>>();
  // Exports already loaded, so later calls run without a promise between.
  #exports = new Map<string, AnyFunction>();

  /**
   * Keeps the source a task brings. The pool sends a function's source
   * once, with the first task that uses it, and that task may be taken
   * back before it runs: a later one still finds it.
   */
  receive(ref: FunctionRef): void {
    if (
      "code" in ref && ref.code !== undefined && !this.#functions.has(ref.src)
    ) {
      this.#sources.set(ref.src, ref.code);
    }
  }

  /** The task's function, or a promise of it while its module loads. */
  resolve(ref: FunctionRef): AnyFunction | Promise<AnyFunction> {
    if ("src" in ref) {
      let fn = this.#functions.get(ref.src);
      if (fn === undefined) {
        const code = ref.code ?? this.#sources.get(ref.src);
        if (code === undefined) {
          throw new Error(`The worker lost the source of function ${ref.src}`);
        }
        fn = revive(ref.src, code);
        if (typeof fn !== "function") {
          throw new TypeError(
            `The source did not revive a function: ${code}`,
          );
        }
        this.#functions.set(ref.src, fn);
        this.#sources.delete(ref.src);
      }
      return fn;
    }
    const key = `${ref.name}@${ref.url}`;
    const loaded = this.#exports.get(key);
    if (loaded !== undefined) return loaded;
    let module = this.#modules.get(ref.url);
    if (module === undefined) {
      module = import(ref.url).catch((error) => {
        throw explainImportError(ref.url, error);
      });
      this.#modules.set(ref.url, module);
    }
    return module.then((exports) => {
      const fn = exports[ref.name];
      if (typeof fn !== "function") {
        throw new TypeError(
          `Module ${ref.url} has no exported function "${ref.name}"`,
        );
      }
      this.#exports.set(key, fn as AnyFunction);
      return fn as AnyFunction;
    });
  }
}

/**
 * Names that exist only where tasks run (a Worker's or a child's globals):
 * a task's source does not see them, so that a closure over the caller's
 * `name` fails instead of reading the worker's. `globalThis.name` still
 * reaches the worker's own, for a task that means it.
 */
const HIDDEN = [
  "name",
  "self",
  "close",
  "postMessage",
  "onmessage",
  "onmessageerror",
];

/** The script name of a revived source, as stack frames show it. */
const SOURCE_URL = "plain-task-";

/**
 * A function revived from its source. The source is compiled inside a
 * scope that declares the hidden names and never initializes them, so a
 * use throws a `ReferenceError` (that `explainTaskError` rewrites) and the
 * rest of the globals resolve as usual, at no cost. The source starts on
 * line 1 of a script named for it, so stack frames give the task's own
 * lines.
 */
export function revive(id: number | string, code: string): AnyFunction {
  return (0, eval)(
    `(() => { return (${code}\n); let ${HIDDEN.join(", ")}; })()\n` +
      `//# sourceURL=${SOURCE_URL}${id}`,
  ) as AnyFunction;
}

const NOT_DEFINED = /^(\S+) is not defined$/;
const UNINITIALIZED = /^Cannot access '(\S+)' before initialization\.?$/;

/**
 * Says why a plain function's own code met a name it cannot see: it was
 * sent by its source, without the variables around it. Rewrites the
 * message (and the stack's first line) of such a `ReferenceError`, thrown
 * at a line of the task's source; returns anything else as it is.
 */
export function explainTaskError(thrown: unknown): unknown {
  if (!(thrown instanceof ReferenceError)) return thrown;
  const { message, stack } = thrown;
  if (typeof message !== "string" || typeof stack !== "string") return thrown;
  const frame = /\n\s+at (?:.*\()?plain-task-\d+(?:, <anonymous>)?:(\d+):\d+\)?/
    .exec(stack);
  // Thrown by code the task imported, or the task's own bug: left alone.
  if (frame === null || stack.indexOf("\n    at ") !== frame.index) {
    return thrown;
  }
  let variable = NOT_DEFINED.exec(message)?.[1];
  let note = "";
  if (variable === undefined) {
    variable = UNINITIALIZED.exec(message)?.[1];
    if (variable === undefined || !HIDDEN.includes(variable)) return thrown;
    note = ` (the worker's own global is globalThis.${variable})`;
  }
  const explained =
    `${variable} is not defined in the task (line ${
      frame[1]
    } of its source): a plain function is sent to the worker by its source ` +
    `text, without the variables around it: pass ${variable} as an ` +
    `argument, or use moduleTask()${note}`;
  try {
    thrown.message = explained;
    thrown.stack = `ReferenceError: ${explained}${
      stack.slice(stack.indexOf("\n    at "))
    }`;
  } catch {
    // A frozen error keeps its own words.
  }
  return thrown;
}

/**
 * A sandboxed worker that may not read a module task's files gets Deno's
 * advice to "run again with --allow-read", which is not the fix: say that
 * the pool's permissions must grant it.
 */
function explainImportError(url: string, error: unknown): unknown {
  const message = error instanceof Error ? error.message : "";
  if (!/Requires read access/.test(message)) return error;
  const NotCapable = globalThis.Deno?.errors?.NotCapable ?? Error;
  let dir = url;
  try {
    dir = new URL(".", url).pathname;
  } catch {
    // not a URL with a directory: name the module itself
  }
  return new NotCapable(
    `Module task ${url} cannot be loaded: the worker may not read it ` +
      `(${message}). A module task needs read access to its files: ` +
      `grant it in the pool's permissions, e.g. { read: ["${dir}"] }`,
    { cause: error },
  );
}

/** Calls `call` on each item in turn; async results are awaited in order. */
export function runBatch(
  call: (item: unknown) => unknown,
  items: unknown[],
): unknown {
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i++) {
    const value = call(items[i]);
    if (isPromise(value)) return finishBatch(call, items, i, value, out);
    out.push(value);
  }
  return out;
}

async function finishBatch(
  call: (item: unknown) => unknown,
  items: unknown[],
  index: number,
  pending: Promise<unknown>,
  out: unknown[],
): Promise<unknown[]> {
  out.push(await pending);
  for (let i = index + 1; i < items.length; i++) out.push(await call(items[i]));
  return out;
}
