// Copyright 2026 the @concurrent/futures authors. MIT license.
// The entry module of every pool worker: it revives functions from their
// source once, imports module tasks once, and runs one task at a time.
import type { FromWorker, FunctionRef, ToWorker } from "./_protocol.ts";
import { QUEUED, STARTED } from "./_protocol.ts";
import { cloneableError, marshalError } from "./_marshal.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
  close(): void;
  addEventListener(
    type: "error" | "unhandledrejection",
    listener: (event: Event & { error?: unknown; reason?: unknown }) => void,
  ): void;
}

type AnyFunction = (...args: unknown[]) => unknown;
type RunMessage = Extract<ToWorker, { t: "run" }>;

const scope = globalThis as unknown as WorkerScope;
const realClose = scope.close.bind(scope);
const functions = new Map<number, AnyFunction>();
const modules = new Map<string, Promise<Record<string, unknown>>>();
// Exports already loaded, so later calls run without a promise in between.
const exportsByKey = new Map<string, AnyFunction>();
const inbox: RunMessage[] = [];
let slots: Int32Array | undefined;
let ready = false;
let busy = false;

function send(message: FromWorker): void {
  scope.postMessage(message);
}

function crash(how: string, thrown?: unknown): void {
  send({
    t: "crash",
    how,
    error: thrown === undefined
      ? undefined
      : cloneableError(marshalError(thrown)),
  });
  realClose();
}

// A task that closes its worker or leaves an error uncaught kills the
// worker; saying so first lets the pool fail just that task and replace it.
scope.close = () => crash("the task called self.close()");
scope.addEventListener("error", (event) => {
  event.preventDefault();
  crash("an uncaught error", event.error);
});
scope.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  crash("an unhandled promise rejection", event.reason);
});

function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise ||
    (value !== null && typeof value === "object" &&
      typeof (value as PromiseLike<unknown>).then === "function");
}

/** The task's function, or a promise of it while its module loads. */
function resolve(ref: FunctionRef): AnyFunction | Promise<AnyFunction> {
  if ("src" in ref) {
    let fn = functions.get(ref.src);
    if (fn === undefined) {
      if (ref.code === undefined) {
        throw new Error(`The worker lost the source of function ${ref.src}`);
      }
      fn = (0, eval)(`(${ref.code}\n)`) as AnyFunction;
      if (typeof fn !== "function") {
        throw new TypeError(
          `The source did not revive a function: ${ref.code}`,
        );
      }
      functions.set(ref.src, fn);
    }
    return fn;
  }
  const key = `${ref.name}@${ref.url}`;
  const loaded = exportsByKey.get(key);
  if (loaded !== undefined) return loaded;
  let module = modules.get(ref.url);
  if (module === undefined) {
    module = import(ref.url);
    modules.set(ref.url, module);
  }
  return module.then((exports) => {
    const fn = exports[ref.name];
    if (typeof fn !== "function") {
      throw new TypeError(
        `Module ${ref.url} has no exported function "${ref.name}"`,
      );
    }
    exportsByKey.set(key, fn as AnyFunction);
    return fn as AnyFunction;
  });
}

function reply(id: number, value: unknown): void {
  try {
    send({ t: "ok", id, value });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    fail(
      id,
      new DOMException(
        `The task's result could not be cloned: ${message}`,
        "DataCloneError",
      ),
    );
  }
}

function fail(id: number, thrown: unknown): void {
  let error;
  try {
    error = cloneableError(marshalError(thrown));
  } catch (failure) {
    // A hostile error (a throwing getter, a revoked proxy) still reports.
    error = marshalError(
      new TypeError(`The task's error could not be read: ${failure}`),
    );
  }
  send({ t: "err", id, error });
}

/** Whether the task may run: it claims its slot unless it was revoked. */
function claim(message: RunMessage): boolean {
  const old = Atomics.compareExchange(
    slots!,
    message.slot,
    message.tag | QUEUED,
    message.tag | STARTED,
  );
  return old === (message.tag | QUEUED) || old === (message.tag | STARTED);
}

/**
 * Runs a task. The result is given back at once for sync work; a promise
 * is returned only when something had to be awaited.
 */
function execute(message: RunMessage): void | Promise<void> {
  const { id, args, batch } = message;
  try {
    const fn = resolve(message.fn);
    if (isPromise(fn)) {
      return fn.then((f) => finish(id, batch ? runBatch(f, args) : f(...args)))
        .catch((error) => fail(id, error));
    }
    return finish(id, batch ? runBatch(fn, args) : fn(...args));
  } catch (error) {
    fail(id, error);
  }
}

function finish(id: number, value: unknown): void | Promise<void> {
  if (!isPromise(value)) return reply(id, value);
  return Promise.resolve(value).then(
    (v) => reply(id, v),
    (error) => fail(id, error),
  );
}

/** Calls `fn` on each item in turn; async results are awaited in order. */
function runBatch(fn: AnyFunction, items: unknown[]): unknown {
  const out: unknown[] = [];
  for (let i = 0; i < items.length; i++) {
    const value = fn(items[i]);
    if (isPromise(value)) return finishBatch(fn, items, i, value, out);
    out.push(value);
  }
  return out;
}

async function finishBatch(
  fn: AnyFunction,
  items: unknown[],
  index: number,
  pending: Promise<unknown>,
  out: unknown[],
): Promise<unknown[]> {
  out.push(await pending);
  for (let i = index + 1; i < items.length; i++) out.push(await fn(items[i]));
  return out;
}

/** Runs queued tasks one at a time. */
function pump(): void {
  while (ready && !busy && inbox.length > 0) {
    const message = inbox.shift()!;
    if (!claim(message)) continue;
    const running = execute(message);
    if (running !== undefined) {
      busy = true;
      running.finally(() => {
        busy = false;
        pump();
      });
    }
  }
}

async function init(message: Extract<ToWorker, { t: "init" }>) {
  slots = new Int32Array(message.slots);
  if (message.init !== undefined) {
    try {
      const fn = await resolve(message.init.fn);
      await fn(...message.init.args);
    } catch (error) {
      send({ t: "initError", error: cloneableError(marshalError(error)) });
      return;
    }
  }
  ready = true;
  send({ t: "ready" });
  pump();
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.t === "run") {
    inbox.push(message);
    pump();
  } else if (message.t === "init") {
    init(message);
  }
};
