// Copyright 2026 the @concurrent/futures authors. MIT license.
// The `this` of a running task, as the code that runs tasks builds it: the
// worker-side runner (one per Worker or child process) and AsyncPoolExecutor.
//
// How it is wired into the pool engine:
//
// Protocol (`_protocol.ts`):
// - ToWorker "run" gains `progress: boolean` (whether the caller gave
//   `onProgress`; without it the runner passes no sink and nothing is sent)
//   and `timeout?: number` (so that a stop seen through shared memory can
//   build the same `TimeoutError` the future failed with).
// - FromWorker gains `{ t: "progress", id, values: unknown[] }`: one message
//   per flush, values in order. The runner sends it on the same channel as
//   the result, and always flushes before the result ("ok"/"err"), so every
//   value arrives before the future settles.
// - ToWorker gains `{ t: "stop", id, reason: MarshalledError }`: the
//   caller's abort reason or the `TimeoutError`, marshalled. A Worker gets
//   it as well as the flag below, for the signal's exact reason once its
//   event loop turns; a child process has no shared memory and sees only
//   this message.
// - Shared slots: each slot gets a stop word next to its state word (or
//   spare bits of it): 0 running, 1 aborted, 2 timed out. The pool stores
//   it with Atomics.store; `isStopped` is `Atomics.load(...) !== 0` for the
//   running task's slot, `stopReason` turns 2 into
//   `new TimeoutError(\`The task did not finish within ${timeout} ms\`)`
//   and 1 into a `DOMException` "AbortError" (the real reason follows by
//   "stop" when the loop turns; a signal keeps its first reason).
//
// Runner, per task (and once per batch, sharing one context):
// 1. `const ctx = new RunningTaskContext({ isStopped, stopReason, sink })`
//    with `sink = (values) => post({ t: "progress", id, values })` when
//    `progress` is set, and call the task as `fn.call(ctx, ...args)`.
// 2. On "stop" for that id: `ctx.stop(unmarshalError(reason))`.
// 3. When the task returns: `transfer = ctx.end()` (it flushes progress; a
//    throw means a progress value could not be cloned: fail the task with
//    it), then post "ok" with `transfer` as the transfer list (a child
//    process copies). When it throws: `try { ctx.end() } catch { }`, then
//    post "err". A task that ends after a stop still replies, so the pool
//    knows the worker is free; its result is dropped there.
//
// Engine, per task:
// - `onProgress`: deliver each "progress" message's values in order with
//   `deliverProgress` (see `_run_options.ts`), only while the future is not
//   done: values that arrive after an abort or a timeout are dropped.
// - Abort or timeout of a running task: settle the future at once, raise
//   the slot's stop word (Worker) and post "stop" (both transports), and
//   start a `grace` timer (0 by default). If the task's reply comes within
//   grace, the worker is kept and takes the next task; otherwise the worker
//   is killed (terminate, or SIGKILL) and replaced. A task queued behind it
//   in that worker goes back to the pool's queue as today.
// - `transfer` of the result: nothing to do on the pool side; the runner
//   passes the list to `post`, which moves on Workers and copies on
//   processes.
import { CancelledError } from "../future/errors.ts";
import type { TaskContext } from "./task_context.ts";

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
    buffer.push(value);
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

function defaultReason(): CancelledError {
  return new CancelledError("The task was stopped");
}
