// Copyright 2026 the @concurrent/futures authors. MIT license.
import { CancelledError, InvalidStateError } from "../future/errors.ts";
import { Future } from "../future/future.ts";
import type { EventLoop } from "./event_loop.ts";
import { getRunningLoop } from "./get_running_loop.ts";
import { RESUME, SLEEP0, state } from "./_state.ts";
import type { Coroutine } from "./types.ts";
import { chainOutside } from "./_outside.ts";
import { SleepTimer } from "./_sleepers.ts";
import { type Failure, trackFailure } from "./_failures.ts";
import { describe, isCoroutine } from "./_ensure_future.ts";
import { isPromiseLike } from "../future/_is_promise_like.ts";

/** Options for the {@linkcode Task} constructor. */
export interface TaskOptions {
  /** The loop to run on; the running loop by default. */
  loop?: EventLoop;
  /** The task's name; `Task-<n>` by default. */
  name?: string;
}

const NONE: unique symbol = Symbol("none");
let counter = 0;

/**
 * A future that runs a coroutine on an event loop, step by step (Python's
 * `asyncio.Task`). Each `yield` suspends the coroutine on a future, a task,
 * a promise or one round of the loop; the task resumes it in a later round
 * with the value, or throws the error in at the `yield`.
 *
 * `cancel()` throws a `CancelledError` into the coroutine at its current
 * `yield`: `finally` blocks run (they may `yield*` themselves), and a
 * coroutine that catches the error and goes on, goes on. A failure nobody
 * retrieves is reported through the loop's exception handler.
 *
 * @typeParam T What the coroutine returns.
 *
 * @example Cancelling a task
 * ```ts
 * import { CancelledError } from "@concurrent/futures";
 * import { EventLoop, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const log: string[] = [];
 * function* worker() {
 *   try {
 *     yield* sleep(10_000);
 *   } finally {
 *     yield* sleep(5); // clean-up may wait too
 *     log.push("cleaned up");
 *   }
 * }
 * const task = loop.createTask(worker());
 * loop.callLater(100, () => task.cancel());
 * await assert.rejects(loop.runUntilComplete(task), CancelledError);
 * assert.deepEqual(log, ["cleaned up"]);
 * assert.equal(loop.time(), 105);
 * loop.close();
 * ```
 */
export class Task<T> extends Future<T> {
  /** @ignore */
  readonly _loop: EventLoop;
  /** @ignore */
  _index: number;
  #coro: Coroutine<T>;
  #name: string | number; // a number until asked for: Task-<n>
  #waiter: Future<unknown> | SleepTimer | null = null;
  #deliver = false;
  #mustCancel = false;
  #cancelMessage: string | undefined = undefined;
  #cancels = 0;
  #throwIn: unknown = NONE;
  #resume: typeof RESUME | undefined = undefined;
  #wakeup: (() => void) | null = null;
  #failure: Failure | null = null;

  /**
   * Creates a task and schedules its first step for the next round; usually
   * written `loop.createTask(coro)`.
   *
   * @param coro The coroutine (a generator object).
   * @param options `loop` (the running loop by default) and `name`.
   * @throws {TypeError} If `coro` is not a generator.
   * @throws {InvalidStateError} If no loop is given or running, or the loop
   * is closed.
   *
   * @example
   * ```ts
   * import { EventLoop, sleep, Task } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const task = new Task(sleep(10, "ok"), { loop, name: "nap" });
   * assert.equal(await loop.runUntilComplete(task), "ok");
   * loop.close();
   * ```
   */
  constructor(coro: Coroutine<T>, options: TaskOptions = {}) {
    super();
    if (!isCoroutine(coro)) {
      throw new TypeError(
        `A task needs a coroutine (a generator object), got ${describe(coro)}`,
      );
    }
    const loop = options.loop ?? getRunningLoop();
    if (loop.isClosed()) {
      throw new InvalidStateError("The event loop is closed");
    }
    this._loop = loop;
    this.#coro = coro;
    this.#name = options.name ?? ++counter;
    this._index = loop._addTask(this as Task<unknown>);
    loop._schedule(this);
  }

  /**
   * The task's name.
   *
   * @returns The name given at creation, or `Task-<n>`.
   *
   * @example
   * ```ts
   * import { EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * const task = loop.createTask(sleep(0), { name: "worker-1" });
   * assert.equal(task.getName(), "worker-1");
   * await loop.runUntilComplete(task);
   * loop.close();
   * ```
   */
  getName(): string {
    if (typeof this.#name === "number") this.#name = `Task-${this.#name}`;
    return this.#name;
  }

  /**
   * The coroutine the task runs.
   *
   * @returns The generator object given at creation.
   *
   * @example
   * ```ts
   * import { EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * const coro = sleep(0);
   * const task = loop.createTask(coro);
   * assert.equal(task.getCoro(), coro);
   * await loop.runUntilComplete(task);
   * loop.close();
   * ```
   */
  getCoro(): Coroutine<T> {
    return this.#coro;
  }

  /**
   * The loop the task runs on.
   *
   * @returns The loop.
   *
   * @example
   * ```ts
   * import { EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * const task = loop.createTask(sleep(0));
   * assert.equal(task.getLoop(), loop);
   * await loop.runUntilComplete(task);
   * loop.close();
   * ```
   */
  getLoop(): EventLoop {
    return this._loop;
  }

  /**
   * Requests cancellation, with asyncio's semantics: the future the task
   * waits on is cancelled, or a `CancelledError` is thrown into the
   * coroutine at its next step. The coroutine may catch it and go on.
   *
   * @param message The message of the `CancelledError`.
   * @returns `false` if the task is already done, else `true`.
   *
   * @example
   * ```ts
   * import { EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const task = loop.createTask(sleep(1000));
   * assert.equal(task.cancel("stop"), true);
   * await loop.runUntilComplete(sleep(0));
   * assert.equal(task.cancelled(), true);
   * assert.equal(task.cancel(), false);
   * loop.close();
   * ```
   */
  override cancel(message?: string): boolean {
    this.#retrieved();
    if (this.done()) return false;
    this.#cancels++;
    const waiter = this.#waiter;
    if (waiter instanceof SleepTimer) {
      if (!waiter._cancelled && waiter._scheduled) {
        // Not fired yet: stop the timer and throw into the task ourselves,
        // as a cancelled future would (so uncancel() cannot undo it).
        waiter.cancel();
        this.#throwSoon(new CancelledError(message));
        return true;
      }
    } else if (waiter !== null && waiter.cancel(message)) {
      return true;
    }
    this.#mustCancel = true;
    this.#cancelMessage = message;
    return true;
  }

  /**
   * How many cancellation requests are pending: `cancel()` calls not
   * undone by `uncancel()`.
   *
   * @returns The count.
   *
   * @example
   * ```ts
   * import { EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * const task = loop.createTask(sleep(0));
   * task.cancel();
   * task.cancel();
   * assert.equal(task.cancelling(), 2);
   * assert.equal(task.uncancel(), 1);
   * loop.close();
   * ```
   */
  cancelling(): number {
    return this.#cancels;
  }

  /**
   * Takes back one cancellation request, for code that handled it (as
   * `timeout` does); at zero a pending cancellation is dropped.
   *
   * @returns The remaining count.
   *
   * @example
   * ```ts
   * import { EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * const task = loop.createTask(sleep(0, "ran"));
   * task.cancel();
   * assert.equal(task.uncancel(), 0);
   * assert.equal(await loop.runUntilComplete(task), "ran");
   * loop.close();
   * ```
   */
  uncancel(): number {
    if (this.#cancels > 0) {
      this.#cancels--;
      if (this.#cancels === 0) this.#mustCancel = false;
    }
    return this.#cancels;
  }

  /**
   * Not for tasks: a task's result is what its coroutine returns.
   *
   * @param _value Ignored.
   * @throws {InvalidStateError} Always.
   *
   * @example
   * ```ts
   * import { InvalidStateError } from "@concurrent/futures";
   * import { EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * const task = loop.createTask(sleep(0, 1));
   * assert.throws(() => task.setResult(2), InvalidStateError);
   * await loop.runUntilComplete(task);
   * loop.close();
   * ```
   */
  override setResult(_value: T): void {
    throw new InvalidStateError("A task's result cannot be set from outside");
  }

  /**
   * Not for tasks: a task fails when its coroutine throws.
   *
   * @param _error Ignored.
   * @throws {InvalidStateError} Always.
   *
   * @example
   * ```ts
   * import { InvalidStateError } from "@concurrent/futures";
   * import { EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * const task = loop.createTask(sleep(0));
   * assert.throws(() => task.setException(new Error()), InvalidStateError);
   * await loop.runUntilComplete(task);
   * loop.close();
   * ```
   */
  override setException(_error: unknown): void {
    throw new InvalidStateError(
      "A task's exception cannot be set from outside",
    );
  }

  /**
   * Waits for the task's result (see {@linkcode Future.result}); marks a
   * failure as retrieved.
   *
   * @param timeout How many milliseconds to wait at most.
   * @returns A promise of the value.
   * @throws {CancelledError} If the task was cancelled.
   * @throws {TimeoutError} If it is not done within `timeout` ms.
   *
   * @example
   * ```ts
   * import { EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const task = loop.createTask(sleep(10, "ok"));
   * await loop.runUntilComplete(task);
   * assert.equal(await task.result(), "ok");
   * loop.close();
   * ```
   */
  override result(timeout?: number): Promise<T> {
    this.#retrieved();
    return super.result(timeout);
  }

  /**
   * Waits for the task's error (see {@linkcode Future.exception}); marks a
   * failure as retrieved.
   *
   * @param timeout How many milliseconds to wait at most.
   * @returns A promise of the error, `undefined` on success.
   * @throws {CancelledError} If the task was cancelled.
   * @throws {TimeoutError} If it is not done within `timeout` ms.
   *
   * @example
   * ```ts
   * import { EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const task = loop.createTask(sleep(10));
   * await loop.runUntilComplete(task);
   * assert.equal(await task.exception(), undefined);
   * loop.close();
   * ```
   */
  override exception(timeout?: number): Promise<unknown> {
    this.#retrieved();
    return super.exception(timeout);
  }

  /**
   * The result of the done task (see {@linkcode Future.resultNow}); marks a
   * failure as retrieved.
   *
   * @returns The value.
   * @throws {InvalidStateError} If the task is not done.
   * @throws {CancelledError} If the task was cancelled.
   *
   * @example
   * ```ts
   * import { EventLoop, sleep } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * const task = loop.createTask(sleep(0, 5));
   * await loop.runUntilComplete(task);
   * assert.equal(task.resultNow(), 5);
   * loop.close();
   * ```
   */
  override resultNow(): T {
    this.#retrieved();
    return super.resultNow();
  }

  /**
   * The error of the done task (see {@linkcode Future.exceptionNow}); marks
   * a failure as retrieved.
   *
   * @returns The error, `undefined` on success.
   * @throws {InvalidStateError} If the task is not done.
   * @throws {CancelledError} If the task was cancelled.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * const task = loop.createTask((function* () {
   *   throw new Error("bad");
   * })());
   * await assert.rejects(loop.runUntilComplete(task), Error);
   * assert.equal((task.exceptionNow() as Error).message, "bad");
   * loop.close();
   * ```
   */
  override exceptionNow(): unknown {
    this.#retrieved();
    return super.exceptionNow();
  }

  /** @ignore */
  _run(): void {
    if (this.done()) return;
    let error: unknown = this.#throwIn;
    let value: unknown = this.#resume;
    this.#throwIn = NONE;
    this.#resume = undefined;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      if (!(waiter instanceof SleepTimer)) {
        try {
          value = waiter.resultNow();
        } catch (e) {
          if (error === NONE) error = e;
        }
        if (this.#deliver) this.#deliver = false;
        else value = undefined;
      }
    }
    if (this.#mustCancel) {
      if (!(error instanceof CancelledError)) {
        error = new CancelledError(this.#cancelMessage);
      }
      this.#mustCancel = false;
    }
    const previous = state.task;
    state.task = this as Task<unknown>;
    let step: IteratorResult<unknown, T>;
    try {
      step = error === NONE ? this.#coro.next(value) : this.#coro.throw(error);
    } catch (e) {
      state.task = previous;
      this._loop._removeTask(this._index);
      if (e instanceof CancelledError) {
        super.cancel(e.message);
      } else {
        this.#failure = trackFailure(this._loop, this as Task<unknown>, e);
        super.setException(e);
      }
      return;
    }
    state.task = previous;
    if (step.done) {
      this._loop._removeTask(this._index);
      if (this.#mustCancel) {
        this.#mustCancel = false;
        super.cancel(this.#cancelMessage);
      } else {
        super.setResult(step.value);
      }
      return;
    }
    const yielded = step.value;
    if (yielded === SLEEP0) {
      this.#resume = RESUME;
      this._loop._scheduler.schedule(this);
    } else if (yielded instanceof SleepTimer) {
      this.#waiter = yielded;
      yielded._task = this as Task<unknown>;
      if (this.#mustCancel) {
        yielded.cancel();
        this._loop._schedule(this);
      }
    } else if (yielded instanceof Future) {
      if (yielded === this) {
        this.#throwSoon(
          new InvalidStateError(`Task ${this.getName()} cannot await itself`),
        );
      } else if (this._loop._isOwn(yielded)) {
        this.#waitOn(yielded);
      } else {
        this.#waitOutside(yielded, false);
      }
    } else if (isPromiseLike(yielded)) {
      this.#waitOutside(yielded, true);
    } else {
      this.#throwSoon(new TypeError(badYield(yielded)));
    }
  }

  #waitOn(future: Future<unknown>): void {
    const wakeup = this.#wakeup ??= () => this._loop._schedule(this);
    this.#waiter = future;
    future.addDoneCallback(wakeup);
    if (this.#mustCancel && future.cancel(this.#cancelMessage)) {
      this.#mustCancel = false;
    }
  }

  #waitOutside(
    source: PromiseLike<unknown> | Future<unknown>,
    deliver: boolean,
  ): void {
    const proxy = this._loop.createFuture<unknown>();
    chainOutside(this._loop, source, proxy);
    this.#deliver = deliver;
    this.#waitOn(proxy);
  }

  #throwSoon(error: Error): void {
    this.#throwIn = error;
    this._loop._schedule(this);
  }

  #retrieved(): void {
    if (this.#failure !== null) {
      this.#failure.retrieved();
      this.#failure = null;
    }
  }
}

function badYield(value: unknown): string {
  const what = isCoroutine(value)
    ? "a generator (delegate to coroutines with yield*, not yield)"
    : describe(value);
  return `A coroutine yielded ${what}; only futures (through yield*), ` +
    `promises and sleep(0) can be awaited`;
}
