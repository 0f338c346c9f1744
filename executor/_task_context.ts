// Copyright 2026 the @concurrent/futures authors. MIT license.
// The `this` of a running task, as the code that runs tasks builds it: the
// worker-side runner (one per Worker or child process) and AsyncPoolExecutor.
//
// How the pool engine wires it (docs/architecture.md, "The worker pool
// engine", "The task context"):
// - A `RunTask` (`_protocol.ts`) says `progress: true` when the caller gave
//   `onProgress` (else the context has no sink) and `stoppable: true` when
//   a signal or a timeout may stop it. Progress travels as FromWorker
//   `{ t: "progress", id, values }`, one message per flush; a stop as
//   ToWorker `{ t: "stop", id, reason: StopReason }` (`_stop.ts`: a
//   timeout's message, or a marshalled abort reason).
// - On a Worker, the pool also writes the reason to the stop area and moves
//   the task's slot STARTED -> STOPPED (compareExchange): `isStopped` reads
//   the slot, `stopReason` the area, so a loop that never yields sees the
//   stop at `throwIfCancelled()`; an awaiting task usually gets the "stop"
//   message first (a signal keeps its first reason).
// - A worker's sink (`clone: true`) copies an object at the progress() call:
//   a task that reports one object it keeps changing sends each state, and
//   a value that cannot be cloned throws there, at the task's own call.
// - The runner (`_runner/runner.ts`, `execute`) builds one context per task
//   (a map chunk shares one), calls the function with it as `this`, calls
//   `stop(reason)` on a "stop", and when the task ends takes
//   `transfer = ctx.end()` (which flushes progress first, so it precedes the
//   result; a throw there is a progress value that could not be cloned and
//   fails the task), then hands the `TaskResult` (`ok: true` with the value
//   and that transfer list, or `ok: false` with the marshalled error) to the
//   Outbox. A stopped task still answers, so its worker is known to be free.
// - The pool delivers progress through `deliverProgress` while the future is
//   not done (later values are dropped); on an abort or a timeout it settles
//   the future at once and stops the task (`_pool/stops.ts`): a grace, then
//   the worker killed and replaced.
import { CARRIES_HOST_OBJECTS, findLostValue } from "./_lost_values.ts";
import { CancelledError } from "../future/errors.ts";
import type { TaskContext } from "./task_context.ts";
import { isPrimitive, snapshot } from "./_snapshot.ts";

/** How a running task's context reaches its runner. */
export interface TaskContextHooks {
  /**
   * Whether the task was stopped, read synchronously on every
   * `throwIfCancelled()` (a shared-memory flag on Workers). Never called
   * after `end()`, when its slot may serve another task.
   */
  isStopped?: () => boolean;
  /**
   * The reason to abort the signal with when `isStopped` is seen before any
   * `stop(reason)`. @default {a CancelledError}
   */
  stopReason?: () => unknown;
  /**
   * Receives progress values in order, several at a time. Without a sink,
   * `progress()` does nothing. If it throws (a value that cannot be
   * cloned), progress stops and `end()` throws that error.
   */
  sink?: (values: unknown[]) => void;
  /**
   * Whether `progress()` copies a value that is not a primitive at the
   * call (a structured clone), for a sink that sends values later: the
   * task may change an object it reported before the batch goes. A value
   * that cannot be cloned then throws at the call. @default {false}
   */
  clone?: boolean;
  /**
   * The longest a value waits in the buffer, in ms; 0 sends every value at
   * once (for a sink on the same thread). @default {20}
   */
  interval?: number;
  /** The most values sent in one batch. @default {1000} */
  maxBatch?: number;
}

const never = () => false;
const EMPTY: Transferable[] = [];

/** Milliseconds, cheap enough to read on every progress call. */
const now = (): number => Date.now();

/** The `this` of one running task. */
export class RunningTaskContext implements TaskContext {
  #controller: AbortController | undefined;
  #isStopped: () => boolean;
  #stopReason: (() => unknown) | undefined;
  #sink: ((values: unknown[]) => void) | undefined;
  #clone: boolean;
  #interval: number;
  #maxBatch: number;
  #stopped = false;
  #ended = false;
  #buffer: unknown[] = [];
  #lastFlush = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #transfer: Transferable[] | undefined;
  #failed = false;
  #failure: unknown;

  constructor(hooks: TaskContextHooks = {}) {
    this.#isStopped = hooks.isStopped ?? never;
    this.#stopReason = hooks.stopReason;
    this.#sink = hooks.sink;
    this.#clone = hooks.clone ?? false;
    this.#interval = hooks.interval ?? 20;
    this.#maxBatch = hooks.maxBatch ?? 1000;
  }

  get signal(): AbortSignal {
    return (this.#controller ??= new AbortController()).signal;
  }

  // Arrow functions, so that `const { progress } = this` works in a task.
  throwIfCancelled = (): void => {
    if (!this.#stopped) {
      if (!this.#isStopped()) return;
      this.#stop(this.#stopReason?.() ?? defaultReason());
    }
    throw new CancelledError("The task was stopped", {
      cause: this.signal.reason,
    });
  };

  progress = (value: unknown): void => {
    const sink = this.#sink;
    if (sink === undefined || this.#stopped || this.#ended) return;
    const buffer = this.#buffer;
    buffer.push(this.#clone ? copyOf(value) : value);
    // A long synchronous loop never lets a timer fire, so the time is
    // checked here too; values reported slowly go out at once.
    if (
      buffer.length >= this.#maxBatch ||
      now() - this.#lastFlush >= this.#interval
    ) {
      this.#flush();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#flush();
      }, this.#interval);
    }
  };

  transfer = (...list: Transferable[]): void => {
    for (const item of list) {
      if (typeof item !== "object" || item === null) {
        throw new TypeError(
          `transfer() takes transferable objects, got ${
            item === null ? "null" : typeof item
          }`,
        );
      }
    }
    if (this.#ended) return;
    (this.#transfer ??= []).push(...list);
  };

  /** Whether `stop()` was called or the stop flag was seen. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * Stops the task: its signal aborts with `reason` (unless it already
   * aborted), `throwIfCancelled()` throws from now on, and progress not yet
   * sent, or reported later, is dropped.
   */
  stop(reason: unknown): void {
    if (this.#stopped || this.#ended) return;
    this.#stop(reason);
  }

  /**
   * Sends the buffered progress now, in order. Only for a runner that must
   * send something else first; `end()` flushes anyway.
   */
  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#flush();
  }

  /**
   * Ends the task's use of the context: sends the buffered progress,
   * drops later calls, and stops reading the stop flag.
   *
   * @returns The buffers to transfer with the result, without duplicates.
   * @throws The sink's error, if a progress value could not be sent.
   */
  end(): Transferable[] {
    if (!this.#ended) {
      this.flush();
      this.#ended = true;
      this.#isStopped = never;
      this.#buffer = [];
    }
    if (this.#failed) throw this.#failure;
    const list = this.#transfer;
    return list === undefined ? EMPTY : [...new Set(list)];
  }

  #stop(reason: unknown): void {
    this.#stopped = true;
    this.#buffer = [];
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const controller = this.#controller ??= new AbortController();
    // Abort listeners run now, inside the task's own call when the stop was
    // seen by throwIfCancelled().
    if (!controller.signal.aborted) controller.abort(reason);
  }

  #flush(): void {
    this.#lastFlush = now();
    const values = this.#buffer;
    if (values.length === 0 || this.#stopped || this.#failed) return;
    this.#buffer = [];
    try {
      this.#sink!(values);
    } catch (error) {
      this.#failed = true;
      this.#failure = error;
      this.#sink = undefined;
    }
  }
}

// A task's stack frames read "at TaskContext.task": the task is called on it.
Object.defineProperty(RunningTaskContext, "name", { value: "TaskContext" });

/** A copy of a progress value as it is now; throws if it has none. */
function copyOf(value: unknown): unknown {
  if (isPrimitive(value)) return value;
  const lost = findLostValue(value, "progress value", CARRIES_HOST_OBJECTS);
  if (lost !== undefined) throw lost;
  try {
    return snapshot(value);
  } catch (error) {
    if (!(error instanceof DOMException && error.name === "DataCloneError")) {
      throw error; // a getter's own error says more
    }
    throw new DOMException(
      `The progress value could not be cloned: ${error.message}`,
      "DataCloneError",
    );
  }
}

function defaultReason(): CancelledError {
  return new CancelledError("The task was stopped");
}
