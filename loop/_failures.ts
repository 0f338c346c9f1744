// Copyright 2026 the @concurrent/futures authors. MIT license.
// Task failures nobody retrieved are reported through the loop's exception
// handler when the task is garbage-collected or the loop closes, whichever
// comes first, and never as unhandled promise rejections.

import type { EventLoop } from "./event_loop.ts";
import type { Task } from "./task.ts";

/** The record of one failure; it holds no reference to its task. */
export class Failure {
  #loop: EventLoop;
  #name: string;
  // An error object is held weakly: its stack frames may hold the task
  // (as a receiver), and a strong reference from this record, which the
  // registry keeps, would then keep the task alive for ever. A copy of
  // its name, message and stack stands in once it is gone.
  #ref: WeakRef<object> | null = null;
  #copy: Error | null = null;
  #value: unknown = undefined;
  #task: WeakRef<Task<unknown>>;
  #open = true;

  constructor(loop: EventLoop, task: Task<unknown>, error: unknown) {
    this.#loop = loop;
    this.#name = task.getName();
    this.#task = new WeakRef(task);
    if (typeof error === "object" && error !== null) {
      this.#ref = new WeakRef(error);
      const copy = new Error(String((error as Error).message ?? error));
      copy.name = String((error as Error).name ?? "Error");
      copy.stack = String((error as Error).stack ?? copy.stack);
      this.#copy = copy;
    } else {
      this.#value = error;
    }
  }

  /** Reports the failure once, unless it was retrieved. */
  report(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#loop._unretrieved.delete(this);
    this.#loop.callExceptionHandler({
      message: `Task exception was never retrieved (${this.#name})`,
      exception: this.#ref === null
        ? this.#value
        : this.#ref.deref() ?? this.#copy,
      task: this.#task.deref(),
    });
  }

  /** The failure was retrieved: never report it. */
  retrieved(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#loop._unretrieved.delete(this);
    registry.unregister(this);
  }
}

const registry = new FinalizationRegistry<Failure>((failure) =>
  failure.report()
);

/** Starts watching a failed task. */
export function trackFailure(
  loop: EventLoop,
  task: Task<unknown>,
  error: unknown,
): Failure {
  const failure = new Failure(loop, task, error);
  loop._unretrieved.add(failure);
  registry.register(task, failure, failure);
  return failure;
}
