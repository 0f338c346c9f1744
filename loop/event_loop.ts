// Copyright 2026 the @concurrent/futures authors. MIT license.
import { checkMilliseconds } from "./_check_ms.ts";
import { InvalidStateError } from "../future/errors.ts";
import { Future } from "../future/future.ts";
import { Handle } from "./handle.ts";
import { TimerHandle } from "./timer_handle.ts";
import { type Runnable, Scheduler } from "./_scheduler.ts";
import { state } from "./_state.ts";
import { Task } from "./task.ts";
import type { Coroutine } from "./types.ts";
import { futureOn } from "./_awaitables.ts";
import { runInExecutor } from "./_run_in_executor.ts";
import type { Executor, TaskFunction } from "../executor/executor.ts";

/** Options for {@linkcode EventLoop}. */
export interface EventLoopOptions {
  /**
   * Run on a virtual clock that starts at 0 and jumps to the next timer
   * whenever nothing is ready and nothing outside the loop is awaited.
   * Hours of sleeping take milliseconds; the order of events stays the same.
   *
   * "Outside" is a promise a task waits on, a future the loop did not
   * create (an executor's, or a `new Future()`: make futures that the
   * loop's own callbacks settle with `createFuture()`), and
   * `runInExecutor` work: while any is pending the clock stands still.
   * So a virtual deadline never cuts outside work short: under
   * `waitFor(slowPromise, 100)` the clock reaches 100 ms only after the
   * promise settles, where the real clock would time out first.
   */
  virtualTime?: boolean;
}

/** What {@linkcode EventLoop.callExceptionHandler} reports. */
export interface ExceptionContext {
  /** What went wrong. */
  message: string;
  /** The error, when there is one. */
  exception?: unknown;
  /** The task concerned, when there is one. */
  task?: Task<unknown>;
  /** The future concerned, when there is one. */
  future?: Future<unknown>;
  /** The callback handle concerned, when there is one. */
  handle?: Handle;
}

/** A handler given to {@linkcode EventLoop.setExceptionHandler}. */
export type ExceptionHandler = (
  loop: EventLoop,
  context: ExceptionContext,
) => void;

type Callback = (...args: never[]) => unknown;

/**
 * An event loop for generator coroutines, Python's asyncio event loop: a
 * FIFO queue of ready callbacks run in rounds, timers in deadline order, and
 * tasks stepping coroutines in between. With `{ virtualTime: true }` its
 * clock jumps over idle time, so tests of hours of sleeping take
 * milliseconds.
 *
 * @example Running a coroutine
 * ```ts
 * import { EventLoop, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * function* slowAdd(a: number, b: number) {
 *   yield* sleep(60_000);
 *   return a + b;
 * }
 * assert.equal(await loop.runUntilComplete(slowAdd(1, 2)), 3);
 * assert.equal(loop.time(), 60_000);
 * loop.close();
 * ```
 */
export class EventLoop {
  /** @ignore */
  readonly _scheduler: Scheduler;
  /** @ignore */
  readonly _tasks: Task<unknown>[] = [];
  /** @ignore */
  readonly _unretrieved: Set<{ report(): void }> = new Set();
  /** @ignore */
  _defaultExecutor: Executor | null = null;
  #own = new WeakSet<Future<unknown>>();
  #running = false;
  #handler: ExceptionHandler | null = null;

  /**
   * Creates an event loop; it runs once `runUntilComplete` or `runForever`
   * is called.
   *
   * @param options `virtualTime` for a clock that jumps over idle time.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * assert.equal(loop.time(), 0);
   * loop.close();
   * ```
   */
  constructor(options: EventLoopOptions = {}) {
    this._scheduler = new Scheduler(this, options.virtualTime === true);
  }

  /**
   * The loop's clock: milliseconds from `performance.now()`, or from 0 on
   * virtual time.
   *
   * @returns The current time in ms.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * assert.ok(loop.time() > 0);
   * loop.close();
   * ```
   */
  time(): number {
    return this._scheduler.time();
  }

  /**
   * Schedules `callback(...args)` for the next round of the loop. Callbacks
   * run in the order they were scheduled; one that throws is reported to
   * the exception handler.
   *
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A handle that can cancel the call.
   * @throws {InvalidStateError} If the loop is closed.
   * @throws {TypeError} If `callback` is not a function.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * const seen: number[] = [];
   * loop.callSoon((n: number) => seen.push(n), 1);
   * loop.callSoon((n: number) => seen.push(n), 2);
   * loop.callSoon(() => loop.stop());
   * await loop.runForever();
   * assert.deepEqual(seen, [1, 2]);
   * loop.close();
   * ```
   */
  callSoon<A extends unknown[]>(
    callback: (...args: A) => unknown,
    ...args: A
  ): Handle {
    this.#check(callback);
    const handle = new Handle(this, callback as Callback, args);
    this._schedule(handle);
    return handle;
  }

  /**
   * Schedules `callback(...args)` to run `ms` milliseconds from now.
   *
   * @param ms The delay; 0 or less means the next round.
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A handle that can cancel the call.
   * @throws {InvalidStateError} If the loop is closed.
   * @throws {RangeError} If `ms` is not a number.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const seen: string[] = [];
   * loop.callLater(20, () => seen.push("late"));
   * loop.callLater(10, () => seen.push("early"));
   * loop.callLater(30, () => loop.stop());
   * await loop.runForever();
   * assert.deepEqual(seen, ["early", "late"]);
   * loop.close();
   * ```
   */
  callLater<A extends unknown[]>(
    ms: number,
    callback: (...args: A) => unknown,
    ...args: A
  ): TimerHandle {
    checkMilliseconds(ms, "ms");
    return this.callAt(this.time() + Math.max(0, ms), callback, ...args);
  }

  /**
   * Schedules `callback(...args)` for the moment `when` of the loop's clock
   * (`time()`). Timers due at the same moment run in the order they were
   * scheduled.
   *
   * @param when The moment, in ms on the scale of `time()`.
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A handle that can cancel the call.
   * @throws {InvalidStateError} If the loop is closed.
   * @throws {RangeError} If `when` is not a number.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * loop.callAt(500, () => loop.stop());
   * await loop.runForever();
   * assert.equal(loop.time(), 500);
   * loop.close();
   * ```
   */
  callAt<A extends unknown[]>(
    when: number,
    callback: (...args: A) => unknown,
    ...args: A
  ): TimerHandle {
    this.#check(callback);
    checkMilliseconds(when, "when");
    const handle = new TimerHandle(
      this,
      when,
      this._scheduler.nextSeq(),
      callback as Callback,
      args,
    );
    this._scheduler.addTimer(handle);
    return handle;
  }

  /**
   * Creates a future that belongs to this loop: virtual time knows it is
   * settled by work inside the loop.
   *
   * @typeParam T The type of its value.
   * @returns A pending future.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const future = loop.createFuture<string>();
   * loop.callLater(100, () => future.setResult("ready"));
   * assert.equal(await loop.runUntilComplete(future), "ready");
   * loop.close();
   * ```
   */
  createFuture<T>(): Future<T> {
    const future = new Future<T>();
    this.#own.add(future);
    return future;
  }

  /**
   * Wraps a coroutine in a task scheduled on this loop. The body starts in
   * the next round, once the creator yields.
   *
   * @typeParam T What the coroutine returns.
   * @param coro The coroutine.
   * @param options `name`, shown by `getName()`.
   * @returns The task.
   * @throws {InvalidStateError} If the loop is closed.
   * @throws {TypeError} If `coro` is not a generator.
   *
   * @example
   * ```ts
   * import { EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const task = loop.createTask(sleep(10, "done"), { name: "nap" });
   * assert.equal(task.getName(), "nap");
   * assert.equal(await loop.runUntilComplete(task), "done");
   * loop.close();
   * ```
   */
  createTask<T>(coro: Coroutine<T>, options: { name?: string } = {}): Task<T> {
    return new Task(coro, { loop: this, name: options.name });
  }

  /**
   * Runs the loop until `future` is done and gives its result; a coroutine
   * is wrapped in a task first.
   *
   * @typeParam T The result type.
   * @param future A coroutine, future or task.
   * @returns A promise of the result.
   * @throws {InvalidStateError} If the loop is closed or already running,
   * or is stopped before `future` is done.
   * @throws {unknown} The error of `future`.
   *
   * @example
   * ```ts
   * import { EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * assert.equal(await loop.runUntilComplete(sleep(3_600_000, "1 h")), "1 h");
   * loop.close();
   * ```
   */
  async runUntilComplete<T>(future: Future<T> | Coroutine<T>): Promise<T> {
    this.#checkStartable();
    const outer = futureOn(future, this);
    const stop = () => this.stop();
    outer.addDoneCallback(stop);
    try {
      await this.runForever();
    } finally {
      outer.removeDoneCallback(stop);
    }
    if (!outer.done()) {
      throw new InvalidStateError(
        "The event loop stopped before the future completed",
      );
    }
    return outer.resultNow();
  }

  /**
   * Runs the loop until `stop()` is called.
   *
   * @returns A promise that resolves once the loop has stopped.
   * @throws {InvalidStateError} If the loop is closed or already running,
   * or another loop is running the calling code.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * loop.callLater(1000, () => loop.stop());
   * await loop.runForever();
   * assert.equal(loop.isRunning(), false);
   * loop.close();
   * ```
   */
  async runForever(): Promise<void> {
    this.#checkStartable();
    this.#running = true;
    try {
      const scheduler = this._scheduler;
      while (!scheduler.runSlice()) await scheduler.pause();
    } finally {
      this.#running = false;
      this._scheduler.stopping = false;
    }
  }

  /**
   * Stops the loop after the current round of callbacks; callbacks they
   * schedule wait for the next run.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * loop.callSoon(() => loop.stop());
   * await loop.runForever();
   * assert.equal(loop.isRunning(), false);
   * loop.close();
   * ```
   */
  stop(): void {
    this._scheduler.stop();
  }

  /**
   * Closes the loop: pending callbacks are dropped, the default executor is
   * shut down, and task failures nobody retrieved are reported to the
   * exception handler. Closing twice does nothing.
   *
   * @throws {InvalidStateError} If the loop is running.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * loop.close();
   * assert.equal(loop.isClosed(), true);
   * ```
   */
  close(): void {
    if (this.#running) {
      throw new InvalidStateError("Cannot close a running event loop");
    }
    if (this._scheduler.closed) return;
    this._scheduler.clear();
    for (const failure of this._unretrieved) failure.report();
    this._unretrieved.clear();
    const executor = this._defaultExecutor;
    this._defaultExecutor = null;
    executor?.shutdown({ wait: false }).catch(() => {});
  }

  /**
   * Whether the loop is running.
   *
   * @returns `true` between the start and the end of `runForever` or
   * `runUntilComplete`.
   *
   * @example
   * ```ts
   * import { EventLoop, getRunningLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * loop.callSoon(() => {
   *   assert.equal(getRunningLoop().isRunning(), true);
   *   loop.stop();
   * });
   * await loop.runForever();
   * assert.equal(loop.isRunning(), false);
   * loop.close();
   * ```
   */
  isRunning(): boolean {
    return this.#running;
  }

  /**
   * Whether the loop was closed.
   *
   * @returns `true` after `close()`.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * assert.equal(loop.isClosed(), false);
   * loop.close();
   * assert.equal(loop.isClosed(), true);
   * ```
   */
  isClosed(): boolean {
    return this._scheduler.closed;
  }

  /**
   * Runs `fn(...args)` on an executor and gives a future of this loop for
   * its result; `yield*` it in a coroutine. Virtual time waits for it.
   *
   * @typeParam A The argument types.
   * @typeParam R The result type.
   * @param executor The executor, or `null` for the loop's default
   * `AsyncPoolExecutor` (created on first use, shut down by `close()`).
   * @param fn The function; for worker pools, a self-contained one.
   * @param args Its arguments.
   * @returns A future of the result; cancelling it cancels the work if it
   * has not started.
   * @throws {InvalidStateError} If the loop is closed.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const future = loop.runInExecutor(null, async (n: number) => n * 2, 21);
   * assert.equal(await loop.runUntilComplete(future), 42);
   * loop.close();
   * ```
   */
  runInExecutor<A extends unknown[], R>(
    executor: Executor | null,
    fn: TaskFunction<A, R>,
    ...args: A
  ): Future<Awaited<R>> {
    if (this.isClosed()) {
      throw new InvalidStateError("The event loop is closed");
    }
    return runInExecutor(this, executor, fn, args);
  }

  /**
   * Sets the handler for errors nobody else can receive: callbacks that
   * throw, task failures never retrieved. `null` restores the default,
   * which logs with `console.error`.
   *
   * @param handler Called as `handler(loop, context)`, or `null`.
   * @throws {TypeError} If `handler` is neither a function nor `null`.
   *
   * @example
   * ```ts
   * import { EventLoop, type ExceptionContext } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * const seen: ExceptionContext[] = [];
   * loop.setExceptionHandler((_loop, context) => seen.push(context));
   * loop.callSoon(() => {
   *   throw new Error("boom");
   * });
   * loop.callSoon(() => loop.stop());
   * await loop.runForever();
   * assert.equal((seen[0].exception as Error).message, "boom");
   * loop.close();
   * ```
   */
  setExceptionHandler(handler: ExceptionHandler | null): void {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError(
        `The exception handler must be a function or null, got ${typeof handler}`,
      );
    }
    this.#handler = handler;
  }

  /**
   * The handler set with `setExceptionHandler`.
   *
   * @returns The handler, or `null` for the default.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * assert.equal(loop.getExceptionHandler(), null);
   * loop.close();
   * ```
   */
  getExceptionHandler(): ExceptionHandler | null {
    return this.#handler;
  }

  /**
   * Reports an error through the exception handler. If the handler itself
   * throws, both are logged with `console.error`.
   *
   * @param context `message`, and `exception`, `task`, `future` or
   * `handle` where known.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * let message = "";
   * loop.setExceptionHandler((_loop, context) => message = context.message);
   * loop.callExceptionHandler({ message: "something odd" });
   * assert.equal(message, "something odd");
   * loop.close();
   * ```
   */
  callExceptionHandler(context: ExceptionContext): void {
    const handler = this.#handler;
    if (handler === null) {
      console.error(context.message, context.exception ?? "");
      return;
    }
    try {
      handler(this, context);
    } catch (error) {
      console.error("Unhandled error in the exception handler", error);
      console.error(context.message, context.exception ?? "");
    }
  }

  /** @ignore */
  _schedule(runnable: Runnable): void {
    this._scheduler.schedule(runnable);
  }

  /** @ignore */
  _addTask(task: Task<unknown>): number {
    return this._tasks.push(task) - 1;
  }

  /** @ignore */
  _removeTask(index: number): void {
    // Swap-remove: the last task takes the slot and learns its new index.
    const tasks = this._tasks;
    const last = tasks.pop() as Task<unknown>;
    if (index < tasks.length) {
      tasks[index] = last;
      last._index = index;
    }
  }

  /** @ignore */
  _isOwn(future: Future<unknown>): boolean {
    return future instanceof Task
      ? (future as Task<unknown>)._loop === this
      : this.#own.has(future);
  }

  /** @ignore */
  _adopt(future: Future<unknown>): void {
    this.#own.add(future);
  }

  #check(callback: unknown): void {
    if (this.isClosed()) {
      throw new InvalidStateError("The event loop is closed");
    }
    if (typeof callback !== "function") {
      throw new TypeError(
        `The callback must be a function, got ${typeof callback}`,
      );
    }
  }

  #checkStartable(): void {
    if (this.isClosed()) {
      throw new InvalidStateError("The event loop is closed");
    }
    if (this.#running) {
      throw new InvalidStateError("This event loop is already running");
    }
    if (state.running !== null) {
      throw new InvalidStateError(
        "Cannot run an event loop while another loop is running",
      );
    }
  }
}
