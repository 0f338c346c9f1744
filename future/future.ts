// Copyright 2026 the @concurrent/futures authors. MIT license.
import { CancelledError, InvalidStateError, TimeoutError } from "./errors.ts";
import { checkTimeout } from "./_timeout.ts";
import { armRace } from "./_race.ts";
import { isPromiseLike } from "./_is_promise_like.ts";
import { setFailedReader } from "./_failed.ts";
import { setCancelWith } from "./_cancel_with.ts";

/**
 * The states of a {@linkcode Future}: it starts `"pending"`, may become
 * `"running"` (executors mark work they have started), and ends either
 * `"cancelled"` or `"finished"` (with a value or an error).
 */
export type FutureState = "pending" | "running" | "cancelled" | "finished";

/** A callback given to {@linkcode Future.addDoneCallback}. */
export type DoneCallback<T> = (future: Future<T>) => void;

// Stored callbacks are typed as a method, whose parameter TypeScript checks
// both ways, so that a Future<number> stays assignable to a Future<unknown>.
type StoredCallback = {
  call(future: Future<unknown>): void;
}["call"];

/**
 * The eventual result of an asynchronous operation, as in Python's
 * `concurrent.futures.Future`: a value or an error that is set once, read
 * through promises (`await future.result()`) or synchronously once done
 * (`future.resultNow()`), with done callbacks and cancellation.
 *
 * A `Future` is deliberately not thenable, so it can be handed around as a
 * value (`asCompleted` yields the futures themselves): write
 * `await future.result()`, not `await future`. Inside a generator coroutine
 * of the event loop, `const value = yield* future` waits for it.
 *
 * A failed future that nobody asks about never causes an unhandled promise
 * rejection.
 *
 * @typeParam T The type of the value the future resolves to.
 *
 * @example Setting and reading a result
 * ```ts
 * import { Future } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const future = new Future<string>();
 * future.addDoneCallback((f) => console.log("done:", f.resultNow()));
 * setTimeout(() => future.setResult("hello"), 10);
 *
 * assert.equal(await future.result(), "hello");
 * assert.equal(future.state, "finished");
 * ```
 *
 * @example Waiting with a timeout
 * ```ts
 * import { Future, TimeoutError } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const future = new Future<number>();
 * await assert.rejects(future.result(20), TimeoutError);
 * future.setResult(42); // the future went on regardless
 * assert.equal(await future.result(), 42);
 * ```
 */
export class Future<T> {
  #state: FutureState = "pending";
  #value: T | undefined = undefined;
  #error: unknown = undefined;
  #failed = false;
  #cancelMessage: string | undefined = undefined;
  /** The error readers of a cancelled future get, when it is a given one. */
  #cancelError: CancelledError | undefined = undefined;
  #callbacks: StoredCallback[] | undefined = undefined;

  static {
    setFailedReader((future) => future.#failed);
    setCancelWith((future, error) => {
      if (future.#state !== "pending") return false;
      future.#cancelError = error;
      return Future.prototype.cancel.call(future, error.message);
    });
  }

  /**
   * Wraps a promise or a plain value in a future that settles with it.
   *
   * @param value A promise-like, whose outcome the future takes, or a value,
   * which gives a finished future.
   * @returns A future for `value`.
   *
   * @example From a promise
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = Future.from(Promise.resolve(7));
   * assert.equal(await future.result(), 7);
   * assert.equal(Future.from(3).resultNow(), 3);
   * ```
   */
  static from<T>(value: PromiseLike<T> | T): Future<Awaited<T>> {
    const future = new Future<Awaited<T>>();
    if (isPromiseLike(value)) {
      const settle = (fn: () => void) => {
        if (!future.done()) fn();
      };
      try {
        value.then(
          (v) => settle(() => future.setResult(v as Awaited<T>)),
          (e) => settle(() => future.setException(e)),
        );
      } catch (error) {
        // As Promise.resolve does: a throwing then() is a failure.
        settle(() => future.setException(error));
      }
    } else {
      future.setResult(value as Awaited<T>);
    }
    return future;
  }

  /**
   * The current state: `"pending"`, `"running"`, `"cancelled"` or
   * `"finished"`.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<void>();
   * assert.equal(future.state, "pending");
   * future.setRunningOrNotifyCancel();
   * assert.equal(future.state, "running");
   * ```
   */
  get state(): FutureState {
    return this.#state;
  }

  /**
   * Whether the future is finished or cancelled.
   *
   * @returns `true` once the future has a result, an error, or was cancelled.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<number>();
   * assert.equal(future.done(), false);
   * future.setResult(1);
   * assert.equal(future.done(), true);
   * ```
   */
  done(): boolean {
    return this.#state === "finished" || this.#state === "cancelled";
  }

  /**
   * Whether the work behind the future is running and can no longer be
   * cancelled.
   *
   * @returns `true` in the `"running"` state.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<number>();
   * future.setRunningOrNotifyCancel();
   * assert.equal(future.running(), true);
   * ```
   */
  running(): boolean {
    return this.#state === "running";
  }

  /**
   * Whether the future was cancelled.
   *
   * @returns `true` in the `"cancelled"` state.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<number>();
   * future.cancel();
   * assert.equal(future.cancelled(), true);
   * ```
   */
  cancelled(): boolean {
    return this.#state === "cancelled";
  }

  /**
   * Cancels the future if it has not started: a pending future becomes
   * cancelled, its done callbacks run, and `true` is returned. An already
   * cancelled future also gives `true`; a running or finished one is left
   * alone and gives `false` (the semantics of `concurrent.futures`).
   *
   * @param message The message of the `CancelledError` later readers get.
   * @returns Whether the future is now cancelled.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const pending = new Future<number>();
   * assert.equal(pending.cancel(), true);
   *
   * const finished = new Future<number>();
   * finished.setResult(1);
   * assert.equal(finished.cancel(), false);
   * ```
   */
  cancel(message?: string): boolean {
    if (this.#state === "cancelled") return true;
    if (this.#state !== "pending") return false;
    this.#state = "cancelled";
    this.#cancelMessage = message;
    this.#invokeCallbacks();
    return true;
  }

  /**
   * Marks the future as running, for executors about to start its work.
   *
   * @returns `false` if the future was cancelled (the work must not start),
   * `true` once it is running.
   * @throws {InvalidStateError} If the future is already running or finished.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<number>();
   * assert.equal(future.setRunningOrNotifyCancel(), true);
   * assert.equal(future.cancel(), false); // running work cannot be cancelled
   * ```
   */
  setRunningOrNotifyCancel(): boolean {
    if (this.#state === "cancelled") return false;
    if (this.#state === "pending") {
      this.#state = "running";
      return true;
    }
    throw new InvalidStateError(
      `Cannot mark a ${this.#state} future as running`,
    );
  }

  /**
   * Finishes the future with a value and runs its done callbacks.
   *
   * @param value The result.
   * @throws {InvalidStateError} If the future is already done.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<string>();
   * future.setResult("ok");
   * assert.equal(future.resultNow(), "ok");
   * ```
   */
  setResult(value: T): void {
    if (this.#state === "finished" || this.#state === "cancelled") {
      throw new InvalidStateError(
        `Cannot set the result of a ${this.#describeDone()} future`,
      );
    }
    this.#value = value;
    this.#state = "finished";
    this.#invokeCallbacks();
  }

  /**
   * Finishes the future with an error and runs its done callbacks. Any
   * value may be thrown; it is stored and handed back as it was.
   *
   * @param error The failure.
   * @throws {InvalidStateError} If the future is already done.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<string>();
   * future.setException(new TypeError("bad input"));
   * await assert.rejects(future.result(), TypeError);
   * ```
   */
  setException(error: unknown): void {
    if (this.#state === "finished" || this.#state === "cancelled") {
      throw new InvalidStateError(
        `Cannot set the exception of a ${this.#describeDone()} future`,
      );
    }
    this.#error = error;
    this.#failed = true;
    this.#state = "finished";
    this.#invokeCallbacks();
  }

  /**
   * Waits for the result.
   *
   * @param timeout How many milliseconds to wait at most; none means no
   * limit. The future itself keeps going when the wait times out.
   * @returns A promise of the value.
   * @throws {CancelledError} If the future was cancelled.
   * @throws {TimeoutError} If the future is not done within `timeout` ms.
   * @throws {RangeError} If `timeout` is negative or `NaN`.
   * @throws {unknown} The future's own error, as it was set.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<number>();
   * queueMicrotask(() => future.setResult(5));
   * assert.equal(await future.result(1000), 5);
   * ```
   */
  result(timeout?: number): Promise<T> {
    if (timeout !== undefined) checkTimeout(timeout);
    if (this.#state === "finished") {
      return this.#failed
        ? Promise.reject(this.#error)
        : Promise.resolve(this.#value as T);
    }
    if (this.#state === "cancelled") {
      return Promise.reject(this.#cancelledError());
    }
    return new Promise<T>((resolve, reject) => {
      this.#whenDone(timeout, reject, () => {
        if (this.#state === "cancelled") reject(this.#cancelledError());
        else if (this.#failed) reject(this.#error);
        else resolve(this.#value as T);
      });
    });
  }

  /**
   * Waits for the future and gives its error, or `undefined` if it
   * succeeded.
   *
   * @param timeout How many milliseconds to wait at most; none means no
   * limit.
   * @returns A promise of the error the future failed with.
   * @throws {CancelledError} If the future was cancelled.
   * @throws {TimeoutError} If the future is not done within `timeout` ms.
   * @throws {RangeError} If `timeout` is negative or `NaN`.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<number>();
   * future.setException(new Error("boom"));
   * const error = await future.exception();
   * assert.equal((error as Error).message, "boom");
   * ```
   */
  exception(timeout?: number): Promise<unknown> {
    if (timeout !== undefined) checkTimeout(timeout);
    if (this.#state === "finished") return Promise.resolve(this.#error);
    if (this.#state === "cancelled") {
      return Promise.reject(this.#cancelledError());
    }
    return new Promise<unknown>((resolve, reject) => {
      this.#whenDone(timeout, reject, () => {
        if (this.#state === "cancelled") reject(this.#cancelledError());
        else resolve(this.#error);
      });
    });
  }

  /**
   * Gives the result of a done future at once.
   *
   * @returns The value.
   * @throws {InvalidStateError} If the future is not done.
   * @throws {CancelledError} If the future was cancelled.
   * @throws {unknown} The future's own error, as it was set.
   *
   * @example
   * ```ts
   * import { Future, InvalidStateError } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<number>();
   * assert.throws(() => future.resultNow(), InvalidStateError);
   * future.setResult(9);
   * assert.equal(future.resultNow(), 9);
   * ```
   */
  resultNow(): T {
    if (this.#state === "finished") {
      if (this.#failed) throw this.#error;
      return this.#value as T;
    }
    if (this.#state === "cancelled") throw this.#cancelledError();
    throw new InvalidStateError(
      `resultNow() needs a done future, this one is ${this.#state}`,
    );
  }

  /**
   * Gives the error of a done future at once: `undefined` if it succeeded.
   *
   * @returns The error the future failed with.
   * @throws {InvalidStateError} If the future is not done.
   * @throws {CancelledError} If the future was cancelled.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<number>();
   * future.setResult(1);
   * assert.equal(future.exceptionNow(), undefined);
   * ```
   */
  exceptionNow(): unknown {
    if (this.#state === "finished") return this.#error;
    if (this.#state === "cancelled") throw this.#cancelledError();
    throw new InvalidStateError(
      `exceptionNow() needs a done future, this one is ${this.#state}`,
    );
  }

  /**
   * Registers a callback that runs once the future is done, with the future
   * as argument. Callbacks run in registration order, synchronously inside
   * `setResult`, `setException` and `cancel`, and at once if the future is
   * already done. A callback that throws is logged with `console.error` and
   * does not stop the others.
   *
   * @param fn The callback.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const seen: string[] = [];
   * const future = new Future<string>();
   * future.addDoneCallback((f) => seen.push(f.resultNow()));
   * future.setResult("a");
   * assert.deepEqual(seen, ["a"]);
   * ```
   */
  addDoneCallback(fn: DoneCallback<T>): void {
    if (typeof fn !== "function") {
      throw new TypeError(
        `addDoneCallback() needs a function, got ${typeof fn}`,
      );
    }
    if (this.done()) {
      this.#call(fn);
    } else if (this.#callbacks === undefined) {
      this.#callbacks = [fn as StoredCallback];
    } else {
      this.#callbacks.push(fn as StoredCallback);
    }
  }

  /**
   * Removes every registration of a done callback.
   *
   * @param fn The callback given to `addDoneCallback`.
   * @returns How many registrations were removed.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<number>();
   * const callback = () => {};
   * future.addDoneCallback(callback);
   * future.addDoneCallback(callback);
   * assert.equal(future.removeDoneCallback(callback), 2);
   * ```
   */
  removeDoneCallback(fn: DoneCallback<T>): number {
    const callbacks = this.#callbacks;
    if (callbacks === undefined) return 0;
    const kept = callbacks.filter((cb) => cb !== (fn as StoredCallback));
    const removed = callbacks.length - kept.length;
    if (removed > 0) this.#callbacks = kept;
    return removed;
  }

  /**
   * Waits for the future inside a generator coroutine:
   * `const value = yield* future` suspends until it is done and evaluates to
   * its result, or throws its error (Python's `yield from future`). The
   * driver, usually the event loop, receives the future itself and resumes
   * the generator once it is done.
   *
   * @returns A generator that yields this future while it is pending.
   * @throws {InvalidStateError} If the generator is resumed before the
   * future is done.
   *
   * @example Driving a coroutine by hand
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = new Future<number>();
   * function* double() {
   *   const value = yield* future;
   *   return value * 2;
   * }
   * const coro = double();
   * assert.equal(coro.next().value, future); // suspended on the future
   * future.setResult(21);
   * assert.deepEqual(coro.next(), { value: 42, done: true });
   * ```
   */
  *[Symbol.iterator](): Generator<Future<T>, T, unknown> {
    if (!this.done()) yield this;
    if (!this.done()) {
      throw new InvalidStateError(
        "yield* future was resumed before the future was done",
      );
    }
    return this.resultNow();
  }

  #describeDone(): string {
    return this.#state === "cancelled" ? "cancelled" : "finished";
  }

  #cancelledError(): CancelledError {
    return this.#cancelError ?? new CancelledError(this.#cancelMessage);
  }

  #invokeCallbacks(): void {
    const callbacks = this.#callbacks;
    if (callbacks === undefined) return;
    this.#callbacks = undefined;
    for (const fn of callbacks) this.#call(fn);
  }

  #call(fn: StoredCallback): void {
    try {
      fn(this);
    } catch (error) {
      console.error("Exception in a done callback of", this, error);
    }
  }

  /** Calls `settle` once the future is done, or rejects with a timeout. */
  #whenDone(
    timeout: number | undefined,
    reject: (reason: unknown) => void,
    settle: () => void,
  ): void {
    if (timeout === undefined || timeout === Infinity) {
      this.addDoneCallback(settle);
      return;
    }
    const onDone = () => {
      disarm();
      settle();
    };
    const disarm = armRace({ timeout }, () => {
      this.removeDoneCallback(onDone);
      reject(
        new TimeoutError(`The future was not done within ${timeout} ms`),
      );
    }, reject);
    this.addDoneCallback(onDone);
  }

  /**
   * Shows the state, and the outcome once done, in `console.log`.
   *
   * @param inspect Deno's inspector, for the value or error.
   * @param options The inspector's options.
   * @returns A one-line description.
   *
   * @example
   * ```ts
   * import { Future } from "@concurrent/futures";
   * import assert from "node:assert/strict";
   *
   * const future = Future.from(42);
   * assert.equal(Deno.inspect(future), "Future { <finished> 42 }");
   * ```
   */
  [Symbol.for("Deno.customInspect")](
    inspect: (value: unknown, options?: unknown) => string,
    options?: unknown,
  ): string {
    const name = this.constructor.name;
    if (this.#state !== "finished") return `${name} { <${this.#state}> }`;
    return this.#failed
      ? `${name} { <failed> ${inspect(this.#error, options)} }`
      : `${name} { <finished> ${inspect(this.#value, options)} }`;
  }
}
