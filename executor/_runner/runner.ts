// Copyright 2026 the @concurrent/futures authors. MIT license.
// The task runner of every pool worker, whatever carries its messages (a
// Deno Worker or a child process): it revives functions from their source
// once, imports module tasks once, runs one task at a time in the order
// shipped, and sends results back in batches. Its side of a task's life
// is in the map at the top of `../_pool/pool.ts`; the design is
// docs/architecture.md, "The worker pool engine".
import type {
  FromWorker,
  FunctionRef,
  RunTask,
  TaskResult,
  ToWorker,
} from "../_protocol.ts";
import { QUEUED, STARTED, STOP_AREA_OFFSET, STOPPED } from "../_protocol.ts";
import { cloneableError, marshalError } from "../_marshal.ts";
import type { WorkerEndpoint } from "../_transport.ts";
import { Fifo } from "../_fifo.ts";
import { marshalFailure, Outbox } from "./results.ts";
import { CARRIES_HOST_OBJECTS, findLostValue } from "../_lost_values.ts";
import { isPrimitive } from "../_snapshot.ts";
import {
  type AnyFunction,
  isPromise,
  runBatch,
  TaskFunctions,
} from "./functions.ts";
import { RunningTaskContext, type TaskContextHooks } from "../_task_context.ts";
import {
  readStop,
  reviveStop,
  type StopReason,
  unknownStop,
} from "../_stop.ts";
import { CancelledError } from "../../future/errors.ts";
import type { TaskContext } from "../task_context.ts";

const NOTHING: Transferable[] = [];

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

/**
 * Runs the tasks the pool sends over `endpoint`. With shared slots in its
 * `init` message (a Worker), a task runs only if it wins its slot from the
 * pool; without (a child process), every task received runs. Each task is
 * called with `this` bound to its own `RunningTaskContext`.
 */
export function startRunner(endpoint: WorkerEndpoint): Runner {
  const functions = new TaskFunctions();
  const inbox = new Fifo<RunTask>();
  let slots: Int32Array | undefined;
  let ready = false;
  let running: RunTask | undefined;
  let context: RunningTaskContext | undefined;
  /** Stops of tasks still in the inbox (the initializer runs). */
  const stopsAhead = new Map<number, StopReason>();
  const outbox = new Outbox(endpoint);
  /** How long each function's last call took, in ms. */
  const lastTook = new Map<number | string, number>();
  const keyOf = (ref: FunctionRef) =>
    "src" in ref ? ref.src : `${ref.name}@${ref.url}`;

  const flush = () => outbox.flush();

  /**
   * Whether the task may run: it claims its slot unless it was revoked.
   * A task stopped before it started is answered without running.
   */
  function claim(task: RunTask): boolean {
    const early = stopsAhead.get(task.id);
    if (early !== undefined) {
      stopsAhead.delete(task.id);
      return refuse(task, reviveStop(early));
    }
    if (slots === undefined) return true;
    const old = Atomics.compareExchange(
      slots,
      task.slot,
      task.tag | QUEUED,
      task.tag | STARTED,
    );
    // STARTED: the pool claimed it for us.
    if (old === (task.tag | QUEUED) || old === (task.tag | STARTED)) {
      return true;
    }
    if (old === (task.tag | STOPPED)) return refuse(task, reasonIn(task));
    return false;
  }

  /** Answers a task stopped before it started; it does not run. */
  function refuse(task: RunTask, reason: unknown): false {
    outbox.add(
      {
        id: task.id,
        ok: false,
        error: marshalFailure(
          new CancelledError("The task was stopped before it started", {
            cause: reason,
          }),
        ),
      },
      0,
      NOTHING,
    );
    return false;
  }

  /** The reason of a stop the pool left in shared memory for `task`. */
  function reasonIn(task: RunTask): unknown {
    const reason = readStop(
      slots!.buffer as SharedArrayBuffer,
      STOP_AREA_OFFSET,
      task.tag,
    );
    return reason === undefined ? unknownStop() : reviveStop(reason);
  }

  /** The `this` of a task: its stop flag, its progress channel. */
  function contextFor(task: RunTask): RunningTaskContext {
    const hooks: TaskContextHooks = {};
    if (slots !== undefined && task.slot >= 0) {
      const words = slots;
      const { slot } = task;
      const stopped = task.tag | STOPPED;
      hooks.isStopped = () => Atomics.load(words, slot) === stopped;
      hooks.stopReason = () => reasonIn(task);
    }
    if (task.progress) {
      const { id } = task;
      hooks.sink = (values) => endpoint.post({ t: "progress", id, values });
      hooks.clone = true;
    }
    return new RunningTaskContext(hooks);
  }

  /** The one place a task's function is called. */
  function invoke(fn: AnyFunction, task: RunTask, self: TaskContext): unknown {
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
    const self = contextFor(task);
    context = self;
    const done = (result: TaskResult, transfer: Transferable[]) => {
      const took = performance.now() - start;
      lastTook.set(keyOf(task.fn), took);
      outbox.add(result, took, transfer);
    };
    const fail = (thrown: unknown) => {
      try {
        self.end();
      } catch {
        // The task's own error is the one to report.
      }
      done({ id: task.id, ok: false, error: marshalFailure(thrown) }, NOTHING);
    };
    const ok = (value: unknown) => {
      let transfer: Transferable[];
      try {
        // Sends the last progress before the result.
        transfer = self.end();
      } catch (error) {
        // A progress value that could not be sent.
        return fail(error);
      }
      // A value that would arrive as something else fails instead.
      const lost = isPrimitive(value)
        ? undefined
        : findLostValue(value, "result", CARRIES_HOST_OBJECTS, transfer);
      if (lost !== undefined) return fail(lost);
      if (task.batch) outbox.built(value as unknown[]);
      done({ id: task.id, ok: true, value }, transfer);
    };
    const run = (fn: AnyFunction): void | Promise<void> => {
      start = performance.now();
      // Stopped while its module loaded: it does not start.
      if (self.stopped) {
        return fail(
          new CancelledError("The task was stopped before it started", {
            cause: self.signal.reason,
          }),
        );
      }
      const value = invoke(fn, task, self);
      if (isPromise(value)) return Promise.resolve(value).then(ok, fail);
      ok(value);
    };
    try {
      const fn = functions.resolve(task.fn);
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
      // Results wait only behind a task known to be short, and never
      // behind one that may be stopped: its worker may be killed.
      if (
        outbox.length > 0 &&
        (task.stoppable ||
          !((lastTook.get(keyOf(task.fn)) ?? Infinity) < SHORT_MS))
      ) {
        flush();
      }
      outbox.hold();
      running = task;
      const pending = execute(task);
      if (pending !== undefined) {
        // The pool learns what is done before the worker waits.
        flush();
        pending.finally(() => {
          running = undefined;
          context = undefined;
          pump();
        });
        return;
      }
      running = undefined;
      context = undefined;
      if (performance.now() - outbox.lastSent >= FLUSH_MS) flush();
    }
    flush();
  }

  async function init(message: Extract<ToWorker, { t: "init" }>) {
    if (message.slots !== undefined) slots = new Int32Array(message.slots);
    if (message.init !== undefined) {
      try {
        const fn = await functions.resolve(message.init.fn);
        const self = new RunningTaskContext();
        try {
          await fn.apply(self, message.init.args);
        } finally {
          self.end();
        }
      } catch (error) {
        endpoint.post({ t: "initError", error: marshalFailure(error) });
        return;
      }
    }
    ready = true;
    endpoint.post({ t: "ready" });
    pump();
  }

  /**
   * The pool stopped task `id`: the running one sees its signal abort;
   * one still waiting for the initializer will not start. A task that
   * has ended already is not concerned.
   */
  function stop(id: number, reason: StopReason): void {
    if (running?.id === id) {
      context?.stop(reviveStop(reason));
      return;
    }
    for (const task of inbox) {
      if (task.id === id) stopsAhead.set(id, reason);
    }
  }

  endpoint.listen((message) => {
    if (message.t === "run") {
      for (const task of message.tasks) {
        functions.receive(task.fn);
        inbox.push(task);
      }
      pump();
    } else if (message.t === "stop") {
      stop(message.id, message.reason);
    } else if (message.t === "init") {
      init(message);
    }
  });

  return {
    flush,
    current: () => running?.id,
  };
}
