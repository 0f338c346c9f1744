// Copyright 2026 the @concurrent/futures authors. MIT license.
import { failed } from "../future/_failed.ts";
import { CancelledError, InvalidStateError } from "../future/errors.ts";
import type { Future } from "../future/future.ts";
import { currentTask } from "./current_task.ts";
import type { EventLoop } from "./event_loop.ts";
import { getRunningLoop } from "./get_running_loop.ts";
import type { Task } from "./task.ts";
import type { Coroutine } from "./types.ts";

const NONE: unique symbol = Symbol("none");

/**
 * Structured concurrency (Python's `asyncio.TaskGroup`): tasks created in
 * the group all finish, or are cancelled, before
 * `yield* TaskGroup.run(body)` returns. The first failure of a child
 * cancels the others and the body; the group then throws an
 * `AggregateError` whose `errors` hold every child's error and the body's
 * own. If the task running the group is being cancelled from outside when
 * the group fails, it stays cancelled: after the `AggregateError`, its
 * next suspension throws `CancelledError` (as in Python 3.13).
 *
 * @example
 * ```ts
 * import { run, sleep, TaskGroup } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* main() {
 *   return yield* TaskGroup.run(function* (tg) {
 *     const a = tg.createTask(sleep(200, "a"));
 *     const b = tg.createTask(sleep(100, "b"));
 *     yield* sleep(0);
 *     return () => [a.resultNow(), b.resultNow()];
 *   });
 * }
 * const results = await run(main(), { virtualTime: true });
 * assert.deepEqual(results(), ["a", "b"]);
 * ```
 *
 * @example The first failure cancels the rest
 * ```ts
 * import { run, sleep, TaskGroup } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* fail() {
 *   yield* sleep(10);
 *   throw new Error("boom");
 * }
 * function* main() {
 *   yield* TaskGroup.run(function* (tg) {
 *     tg.createTask(fail());
 *     tg.createTask(sleep(60_000));
 *   });
 * }
 * const error = await run(main(), { virtualTime: true }).catch((e) => e);
 * assert.ok(error instanceof AggregateError);
 * assert.equal(error.errors[0].message, "boom");
 * ```
 */
export class TaskGroup {
  #loop: EventLoop;
  #parent: Task<unknown>;
  #tasks = new Set<Task<unknown>>();
  #errors: unknown[] = [];
  #exiting = false;
  #aborting = false;
  #parentCancelRequested = false;
  #onCompleted: Future<void> | null = null;

  private constructor(loop: EventLoop, parent: Task<unknown>) {
    this.#loop = loop;
    this.#parent = parent;
  }

  /**
   * Runs `body` with a new group and waits for every task of the group.
   *
   * @typeParam T What the body returns.
   * @param body A generator function given the group.
   * @returns A coroutine evaluating to the body's value.
   * @throws {AggregateError} Of the children's and the body's errors.
   * @throws {CancelledError} If the calling task was cancelled.
   * @throws {InvalidStateError} If run outside a task.
   *
   * @example
   * ```ts
   * import { run, sleep, TaskGroup } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const seen: number[] = [];
   * function* job(n: number) {
   *   yield* sleep(n);
   *   seen.push(n);
   * }
   * await run(TaskGroup.run(function* (tg) {
   *   for (const n of [30, 10, 20]) tg.createTask(job(n));
   * }), { virtualTime: true });
   * assert.deepEqual(seen, [10, 20, 30]);
   * ```
   */
  static *run<T>(body: (tg: TaskGroup) => Coroutine<T>): Coroutine<T> {
    if (typeof body !== "function") {
      throw new TypeError("TaskGroup.run() needs a generator function");
    }
    const loop = getRunningLoop();
    const parent = currentTask();
    if (parent === null) {
      throw new InvalidStateError("TaskGroup.run() must be used in a task");
    }
    const group = new TaskGroup(loop, parent);
    let value: T | undefined;
    let error: unknown = NONE;
    try {
      value = yield* body(group);
    } catch (e) {
      error = e;
    }
    yield* group.#exit(error);
    return value as T;
  }

  /**
   * Creates a task in the group.
   *
   * @typeParam T What the coroutine returns.
   * @param coro The coroutine.
   * @param options `name` of the task.
   * @returns The task.
   * @throws {InvalidStateError} If the group is finished or shutting down.
   *
   * @example
   * ```ts
   * import { run, sleep, TaskGroup } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * await run(TaskGroup.run(function* (tg) {
   *   const task = tg.createTask(sleep(5, 1), { name: "one" });
   *   assert.equal(task.getName(), "one");
   * }), { virtualTime: true });
   * ```
   */
  createTask<T>(coro: Coroutine<T>, options: { name?: string } = {}): Task<T> {
    if (this.#exiting && this.#tasks.size === 0) {
      throw new InvalidStateError("The task group is finished");
    }
    if (this.#aborting) {
      throw new InvalidStateError("The task group is shutting down");
    }
    const task = this.#loop.createTask(coro, options);
    this.#tasks.add(task as Task<unknown>);
    // As in asyncio, the group hears of a finished child one round later,
    // so children failing in the same round are all reported.
    task.addDoneCallback((t) =>
      this.#loop.callSoon(() => this.#onTaskDone(t as Task<unknown>))
    );
    return task;
  }

  *#exit(error: unknown): Coroutine<void> {
    this.#exiting = true;
    let propagate: unknown = error instanceof CancelledError ? error : NONE;
    if (error !== NONE && !this.#aborting) this.#abort();
    while (this.#tasks.size > 0) {
      this.#onCompleted ??= this.#loop.createFuture<void>();
      try {
        yield* this.#onCompleted;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        if (!this.#aborting) {
          propagate = e;
          this.#abort();
        }
      }
      this.#onCompleted = null;
    }
    // Take back our own cancellation of the parent, after the children
    // are done, so a failure during the wait is handled too.
    if (this.#parentCancelRequested && this.#parent.uncancel() === 0) {
      propagate = NONE;
    }
    if (propagate !== NONE && this.#errors.length === 0) throw propagate;
    if (error !== NONE && !(error instanceof CancelledError)) {
      this.#errors.push(error);
    }
    if (this.#errors.length > 0) {
      // The errors win over a cancellation from outside, but that
      // cancellation is not lost: taking it back and requesting it again
      // keeps the count and leaves the parent cancelled, so its next
      // suspension throws CancelledError (CPython 3.13).
      if (this.#parent.cancelling() > 0) {
        this.#parent.uncancel();
        this.#parent.cancel();
      }
      const errors = this.#errors;
      this.#errors = [];
      throw new AggregateError(errors, "unhandled errors in a TaskGroup");
    }
  }

  #abort(): void {
    this.#aborting = true;
    for (const task of this.#tasks) if (!task.done()) task.cancel();
  }

  #onTaskDone(task: Task<unknown>): void {
    this.#tasks.delete(task);
    if (this.#onCompleted !== null && this.#tasks.size === 0) {
      if (!this.#onCompleted.done()) this.#onCompleted.setResult();
    }
    if (task.cancelled()) return;
    const error = task.exceptionNow(); // also marks it retrieved
    if (!failed(task)) return;
    this.#errors.push(error);
    if (this.#parent.done()) {
      this.#loop.callExceptionHandler({
        message: "A task of a TaskGroup failed after its parent task ended",
        exception: error,
        task,
      });
      return;
    }
    if (!this.#aborting && !this.#parentCancelRequested) {
      this.#abort();
      this.#parentCancelRequested = true;
      this.#parent.cancel();
    }
  }
}
