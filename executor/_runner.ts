// Copyright 2026 the @concurrent/futures authors. MIT license.
// The task runner of every pool worker, whatever carries its messages (a
// Deno Worker or a child process): it revives functions from their source
// once, imports module tasks once, and runs one task at a time.
import type { FromWorker, FunctionRef, ToWorker } from "./_protocol.ts";
import { QUEUED, STARTED } from "./_protocol.ts";
import { cloneableError, marshalError } from "./_marshal.ts";
import type { WorkerEndpoint } from "./_transport.ts";

type AnyFunction = (...args: unknown[]) => unknown;
type RunMessage = Extract<ToWorker, { t: "run" }>;

/**
 * The message that tells the pool the worker is dying (a task closed it,
 * exited, or left an error uncaught), so that the pool fails just the task
 * it ran and replaces it. Entries send it from their crash hooks.
 */
export function crashMessage(how: string, thrown?: unknown): FromWorker {
  let error;
  if (thrown !== undefined) {
    try {
      error = cloneableError(marshalError(thrown));
    } catch {
      error = undefined;
    }
  }
  return { t: "crash", how, error };
}

function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise ||
    (value !== null && typeof value === "object" &&
      typeof (value as PromiseLike<unknown>).then === "function");
}

/**
 * Runs the tasks the pool sends over `endpoint`. With shared slots in its
 * `init` message (a Worker), a task runs only if it wins its slot from the
 * pool; without (a child process), every task received runs.
 */
export function startRunner(endpoint: WorkerEndpoint): void {
  const functions = new Map<number, AnyFunction>();
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  // Exports already loaded, so later calls run without a promise between.
  const exportsByKey = new Map<string, AnyFunction>();
  const inbox: RunMessage[] = [];
  let slots: Int32Array | undefined;
  let ready = false;
  let busy = false;

  const send = (message: FromWorker) => endpoint.post(message);

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
    if (slots === undefined) return true;
    const old = Atomics.compareExchange(
      slots,
      message.slot,
      message.tag | QUEUED,
      message.tag | STARTED,
    );
    return old === (message.tag | QUEUED) || old === (message.tag | STARTED);
  }

  /** The one place a task's function is called. */
  function call(fn: AnyFunction, message: RunMessage): unknown {
    return message.batch ? runBatch(fn, message.args) : fn(...message.args);
  }

  /**
   * Runs a task. The result is given back at once for sync work; a promise
   * is returned only when something had to be awaited.
   */
  function execute(message: RunMessage): void | Promise<void> {
    const { id } = message;
    try {
      const fn = resolve(message.fn);
      if (isPromise(fn)) {
        return fn.then((f) => finish(id, call(f, message)))
          .catch((error) => fail(id, error));
      }
      return finish(id, call(fn, message));
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
    if (message.slots !== undefined) slots = new Int32Array(message.slots);
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

  endpoint.listen((message) => {
    if (message.t === "run") {
      inbox.push(message);
      pump();
    } else if (message.t === "init") {
      init(message);
    }
  });
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
