// Copyright 2026 the @concurrent/futures authors. MIT license.
// The iterators behind `yield* sleep(ms)`. Sleeping is the hot path of
// every program on the loop, so these are small hand-written iterators
// rather than generators: `yield* sleep(0)` allocates nothing, and a
// sleeping task holds a few small objects (under 1 KB in all)
// (docs/architecture.md, "A task's step").

import { getRunningLoop } from "./get_running_loop.ts";
import { TimerHandle } from "./timer_handle.ts";
import { RESUME, SLEEP0 } from "./_state.ts";
import type { EventLoop } from "./event_loop.ts";
import type { Coroutine } from "./types.ts";
import type { Task } from "./task.ts";

const YIELD_SLEEP0 = Object.freeze({ value: SLEEP0, done: false as const });
const DONE = Object.freeze({ value: undefined, done: true as const });
const GENERATOR_PROTOTYPE = Object.getPrototypeOf(
  Object.getPrototypeOf((function* () {})()),
);

/**
 * `sleep(0)`: yields SLEEP0 when `yield*` starts it and returns when the
 * task resumes it with RESUME (sent only after SLEEP0; `yield*` forwards it
 * to the innermost iterator). Stateless, so one instance serves everyone.
 */
class Sleep0<T> {
  #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  next(sent?: unknown): IteratorResult<unknown, T> {
    if (sent !== RESUME) return YIELD_SLEEP0;
    return this.#value === undefined
      ? DONE as IteratorResult<unknown, T>
      : { value: this.#value, done: true };
  }
  return(value: T): IteratorResult<unknown, T> {
    return { value, done: true };
  }
  throw(error: unknown): never {
    throw error;
  }
  [Symbol.iterator](): this {
    return this;
  }
}

/**
 * The timer of a sleep. The task that yields it waits on it directly, with
 * no future in between: the timer wakes the task when it fires, and
 * `Task.cancel()` cancels the timer and wakes the task with the error
 * itself. Either way the task steps one round later, as with asyncio's
 * future.
 */
export class SleepTimer extends TimerHandle {
  /** @ignore */
  _task: Task<unknown> | null = null;
  constructor(loop: EventLoop, ms: number) {
    super(loop, loop.time() + ms, loop._scheduler.nextSeq(), noop, EMPTY);
  }
  override _run(): void {
    if (!this._cancelled && this._task !== null) {
      this._task._resume(false, undefined);
    }
  }
}

/** `sleep(ms)` for ms > 0: yields its timer, returns once it fired. */
class SleepFor<T> {
  #ms: number;
  #value: T;
  #timer: SleepTimer | null = null;
  constructor(ms: number, value: T) {
    this.#ms = ms;
    this.#value = value;
  }
  next(): IteratorResult<unknown, T> {
    if (this.#timer === null) {
      const loop = getRunningLoop();
      this.#timer = new SleepTimer(loop, this.#ms);
      loop._scheduler.addTimer(this.#timer);
      return { value: this.#timer, done: false };
    }
    return { value: this.#value, done: true };
  }
  return(value: T): IteratorResult<unknown, T> {
    this.#timer?.cancel();
    return { value, done: true };
  }
  throw(error: unknown): never {
    this.#timer?.cancel(); // cancelled: the timer need not fire
    throw error;
  }
  [Symbol.iterator](): this {
    return this;
  }
}

// Inherit the iterator helpers (map, take, ...) that Generator promises.
Object.setPrototypeOf(Sleep0.prototype, GENERATOR_PROTOTYPE);
Object.setPrototypeOf(SleepFor.prototype, GENERATOR_PROTOTYPE);

function noop(): void {}
const EMPTY: never[] = [];
const SLEEP0_UNDEFINED = new Sleep0<undefined>(undefined);

/** The coroutine of `sleep(ms, value)`, for a valid `ms`. */
export function sleeping<T>(ms: number, value: T): Coroutine<T> {
  if (ms > 0) return new SleepFor(ms, value) as SleepFor<T> & Coroutine<T>;
  return (value === undefined ? SLEEP0_UNDEFINED : new Sleep0(value)) as
    & Sleep0<T>
    & Coroutine<T>;
}
