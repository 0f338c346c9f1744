// Copyright 2026 the @concurrent/futures authors. MIT license.
// The task runner of every pool worker, whatever carries its messages (a
// Deno Worker or a child process): it revives functions from their source
// once, imports module tasks once, runs one task at a time in the order
// shipped, and sends results back in batches.
import type {
  FromWorker,
  FunctionRef,
  RunTask,
  TaskResult,
  ToWorker,
} from "./_protocol.ts";
import { QUEUED, STARTED, STOPPED } from "./_protocol.ts";
import { cloneableError, marshalError } from "./_marshal.ts";
import type { WorkerEndpoint } from "./_transport.ts";
import { Fifo } from "./_fifo.ts";

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Results wait at most this long (ms) for company before they are sent,
 * while later tasks of a batch run; an idle worker sends at once.
 */
const FLUSH_MS = 1;
/**
 * Results wait for company only behind tasks whose function last took less
 * than this (ms): behind a task that may be long, they go first, so that a
 * long synchronous task never holds earlier results back.
 */
const SHORT_MS = 0.25;

/** What an entry module may ask of a running runner. */
export interface Runner {
  /** Sends the results not sent yet (before a worker dies, for instance). */
  flush(): void;
  /** The id of the task running now, if any. */
  current(): number | undefined;
  /**
   * Whether the pool asked the running task to stop (its slot says
   * STOPPED); always `false` without shared memory.
   */
  stopRequested(): boolean;
}

/**
 * The message that tells the pool the worker is dying (a task closed it,
 * exited, or left an error uncaught), so that the pool fails just the task
 * it ran and replaces it. Entries send it from their crash hooks.
 */
export function crashMessage(
  how: string,
  thrown?: unknown,
  id?: number,
): FromWorker {
  let error;
  if (thrown !== undefined) {
    try {
      error = cloneableError(marshalError(thrown));
    } catch {
      error = undefined;
    }
  }
  // Saying that no task ran lets the pool run again every one it shipped.
  return { t: "crash", how, error, id: id ?? null };
}

function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise ||
    (value !== null && typeof value === "object" &&
      typeof (value as PromiseLike<unknown>).then === "function");
}

function marshalFailure(thrown: unknown) {
  try {
    return cloneableError(marshalError(thrown));
  } catch (failure) {
    // A hostile error (a throwing getter, a revoked proxy) still reports.
    return marshalError(
      new TypeError(`The task's error could not be read: ${failure}`),
    );
  }
}

function cloneFailure(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  return marshalFailure(
    new DOMException(
      `The task's result could not be cloned: ${message}`,
      "DataCloneError",
    ),
  );
}

/**
 * Runs the tasks the pool sends over `endpoint`. With shared slots in its
 * `init` message (a Worker), a task runs only if it wins its slot from the
 * pool; without (a child process), every task received runs.
 */
export function startRunner(endpoint: WorkerEndpoint): Runner {
  const functions = new Map<number, AnyFunction>();
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  // Exports already loaded, so later calls run without a promise between.
  const exportsByKey = new Map<string, AnyFunction>();
  const inbox = new Fifo<RunTask>();
  let slots: Int32Array | undefined;
  let ready = false;
  let running: RunTask | undefined;
  let results: TaskResult[] = [];
  let busy = 0;
  let lastFlush = 0;
  /** How long each function's last call took, in ms. */
  const lastTook = new Map<number | string, number>();
  const keyOf = (ref: FunctionRef) =>
    "src" in ref ? ref.src : `${ref.name}@${ref.url}`;

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
      module = import(ref.url).catch((error) => {
        throw explainImportError(ref.url, error);
      });
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

  function flush(): void {
    if (results.length === 0) return;
    const out = results;
    results = [];
    const message: FromWorker = { t: "done", results: out, busy };
    busy = 0;
    lastFlush = performance.now();
    try {
      endpoint.post(message);
    } catch (error) {
      // One result cannot be cloned: send them one by one to find it.
      for (const result of out) {
        try {
          endpoint.post({ t: "done", results: [result], busy: 0 });
        } catch {
          endpoint.post({
            t: "done",
            results: [{ id: result.id, ok: false, error: cloneFailure(error) }],
            busy: 0,
          });
        }
      }
    }
  }

  /** Whether the task may run: it claims its slot unless it was revoked. */
  function claim(task: RunTask): boolean {
    if (slots === undefined) return true;
    const old = Atomics.compareExchange(
      slots,
      task.slot,
      task.tag | QUEUED,
      task.tag | STARTED,
    );
    // STARTED: the pool claimed it for us; STOPPED: it will see the stop.
    return old === (task.tag | QUEUED) || old === (task.tag | STARTED) ||
      old === (task.tag | STOPPED);
  }

  /**
   * The one place a task's function is called. The task context of a
   * later version goes in `self`.
   */
  function invoke(fn: AnyFunction, task: RunTask): unknown {
    const self = undefined;
    if (!task.batch) return fn.apply(self, task.args);
    return runBatch((item) => fn.call(self, item), task.args);
  }

  /**
   * Runs a task and records its outcome; returns a promise only when
   * something had to be awaited.
   */
  function execute(task: RunTask): void | Promise<void> {
    // The pool paces itself by the time tasks take, not their loading.
    let start = performance.now();
    const done = (result: TaskResult) => {
      const took = performance.now() - start;
      busy += took;
      lastTook.set(keyOf(task.fn), took);
      results.push(result);
    };
    const ok = (value: unknown) => done({ id: task.id, ok: true, value });
    const fail = (thrown: unknown) =>
      done({ id: task.id, ok: false, error: marshalFailure(thrown) });
    const run = (fn: AnyFunction): void | Promise<void> => {
      start = performance.now();
      const value = invoke(fn, task);
      if (isPromise(value)) return Promise.resolve(value).then(ok, fail);
      ok(value);
    };
    try {
      const fn = resolve(task.fn);
      if (isPromise(fn)) return fn.then(run).catch(fail);
      return run(fn);
    } catch (error) {
      fail(error);
    }
  }

  /** Runs queued tasks one at a time, sending results as it goes. */
  function pump(): void {
    if (!ready || running !== undefined) return;
    while (inbox.length > 0) {
      const task = inbox.shift()!;
      if (!claim(task)) continue;
      if (
        results.length > 0 &&
        !((lastTook.get(keyOf(task.fn)) ?? Infinity) < SHORT_MS)
      ) {
        flush();
      }
      running = task;
      const pending = execute(task);
      if (pending !== undefined) {
        // The pool learns what is done before the worker waits.
        flush();
        pending.finally(() => {
          running = undefined;
          pump();
        });
        return;
      }
      running = undefined;
      if (performance.now() - lastFlush >= FLUSH_MS) flush();
    }
    flush();
  }

  async function init(message: Extract<ToWorker, { t: "init" }>) {
    if (message.slots !== undefined) slots = new Int32Array(message.slots);
    if (message.init !== undefined) {
      try {
        const fn = await resolve(message.init.fn);
        await fn(...message.init.args);
      } catch (error) {
        endpoint.post({ t: "initError", error: marshalFailure(error) });
        return;
      }
    }
    ready = true;
    endpoint.post({ t: "ready" });
    pump();
  }

  endpoint.listen((message) => {
    if (message.t === "run") {
      for (const task of message.tasks) inbox.push(task);
      pump();
    } else if (message.t === "init") {
      init(message);
    }
  });

  return {
    flush,
    current: () => running?.id,
    stopRequested: () =>
      slots !== undefined && running !== undefined && running.slot >= 0 &&
      Atomics.load(slots, running.slot) === (running.tag | STOPPED),
  };
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
function runBatch(call: (item: unknown) => unknown, items: unknown[]): unknown {
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
