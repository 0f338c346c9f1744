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
import { describe, isCoroutine } from "./_awaitables.ts";
import { isPromiseLike } from "../future/_is_promise_like.ts";
import { cancelWith } from "../future/_cancel_with.ts";

/** Options for the {@linkcode Task} constructor. */
export interface TaskOptions {
  /** The loop to run on; the running loop by default. */
  loop?: EventLoop;
  /** The task's name; `Task-<n>` by default. */
  name?: string;
}

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
  // What the task is suspended on (CPython's _fut_waiter): a future, or
  // the timer of a sleep (the fast path below), or null while it is
  // scheduled or stepping.
  #waiter: Future<unknown> | SleepTimer | null = null;
  // The resume value of the next step (CPython's `__step(exc)`): `#sent`
  // is thrown into the coroutine when `#throwing`, else sent to it. Every
  // waker sets it through `_resume`; `_run` reads it once
  // (docs/architecture.md, "A task's step").
  #throwing = false;
  #sent: unknown = undefined;
  // A cancel() that could not be passed to a waiter: the next step throws
  // a CancelledError whatever it was going to send (CPython's _must_cancel).
  #mustCancel = false;
  #cancelMessage: string | undefined = undefined;
  #cancels = 0;
  #wakeup: ((future: Future<unknown>) => void) | null = null;
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
      // Sleep fast path: the timer has not woken the task yet (it clears
      // #waiter when it does), so it is stopped and the task woken with
      // the error, as a cancelled future would wake it (so uncancel()
      // cannot undo it).
      this.#stopSleep(waiter, message);
      return true;
    } else if (waiter !== null && waiter.cancel(message)) {
      return true; // its done callback wakes the task with the error
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

  /**
   * Wakes the task: sets the resume value (its next step sends `value`
   * into the coroutine, or throws it in when `throwing`) and schedules
   * the step. Every waker comes through here.
   *
   * @ignore
   */
  _resume(throwing: boolean, value: unknown): void {
    this.#waiter = null;
    this.#throwing = throwing;
    this.#sent = value;
    this._loop._schedule(this);
  }

  /**
   * One step (CPython's `Task.__step`): resume the coroutine with the
   * resume value, then wait on what it yields.
   *
   * @ignore
   */
  _run(): void {
    if (this.done()) return;
    let throwing = this.#throwing;
    let sent = this.#sent;
    this.#throwing = false;
    this.#sent = undefined;
    if (this.#mustCancel) {
      this.#mustCancel = false;
      if (!(throwing && sent instanceof CancelledError)) {
        throwing = true;
        sent = new CancelledError(this.#cancelMessage);
      }
    }
    const previous = state.task;
    state.task = this as Task<unknown>;
    let step: IteratorResult<unknown, T>;
    try {
      step = throwing ? this.#coro.throw(sent) : this.#coro.next(sent);
    } catch (e) {
      state.task = previous;
      this._loop._removeTask(this._index);
      if (e instanceof CancelledError) {
        // Readers get the very error the coroutine let out.
        cancelWith(this as Task<unknown>, e);
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
    this.#suspendOn(step.value);
  }

  /** Waits on what the coroutine yielded; one of the wakers resumes it. */
  #suspendOn(yielded: unknown): void {
    if (yielded === SLEEP0) {
      // Sleep fast path: `sleep(0)` goes round the loop once, with no
      // future or timer; its iterator returns when it is sent RESUME.
      this._resume(false, RESUME);
    } else if (yielded instanceof SleepTimer) {
      // Sleep fast path: the timer itself wakes the task (SleepTimer._run
      // calls _resume), with no future in between.
      this.#waiter = yielded;
      yielded._task = this as Task<unknown>;
      if (this.#mustCancel) {
        this.#mustCancel = false;
        this.#stopSleep(yielded, this.#cancelMessage);
      }
    } else if (yielded instanceof Future) {
      if (yielded === this) {
        this._resume(
          true,
          new InvalidStateError(`Task ${this.getName()} cannot await itself`),
        );
      } else if (this._loop._isOwn(yielded)) {
        this.#waitOn(yielded);
      } else {
        this.#waitOn(this.#outside(yielded));
      }
    } else if (isPromiseLike(yielded)) {
      this.#waitOn(this.#outside(yielded));
    } else {
      this._resume(true, new TypeError(badYield(yielded)));
    }
  }

  /**
   * Waits on a future of the loop (CPython's `__wakeup` as its done
   * callback): the step after it is done sends its value or throws its
   * error.
   */
  #waitOn(future: Future<unknown>): void {
    this.#waiter = future;
    future.addDoneCallback(
      this.#wakeup ??= (done) => {
        let value: unknown;
        try {
          value = done.resultNow();
        } catch (error) {
          this._resume(true, error);
          return;
        }
        this._resume(false, value);
      },
    );
    if (this.#mustCancel && future.cancel(this.#cancelMessage)) {
      this.#mustCancel = false;
    }
  }

  /** A future of the loop settled by outside work (counted by the loop). */
  #outside(source: PromiseLike<unknown> | Future<unknown>): Future<unknown> {
    const proxy = this._loop.createFuture<unknown>();
    chainOutside(this._loop, source, proxy);
    return proxy;
  }

  /** Stops a sleep that has not woken the task, and wakes it cancelled. */
  #stopSleep(timer: SleepTimer, message: string | undefined): void {
    timer.cancel();
    this._resume(true, new CancelledError(message));
  }

  #retrieved(): void {
    if (this.#failure !== null) {
      this.#failure.retrieved();
      this.#failure = null;
    }
  }
}

function badYield(value: unknown): string {
  if (
    isCoroutine(value) ||
    (typeof value === "object" && value !== null &&
      typeof (value as Iterator<unknown>).next === "function")
  ) {
    return "A coroutine yielded a coroutine (sleep(), a generator, ...) " +
      "instead of delegating to it: write yield* (Python's yield from), " +
      "as in yield* sleep(0)";
  }
  return `A coroutine yielded ${describe(value)}, which cannot be ` +
    `awaited: yield* a coroutine, a future or a task; yield a promise ` +
    `(yield also takes a future or a task)`;
}
