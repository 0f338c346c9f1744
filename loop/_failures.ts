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
  #error: unknown;
  #open = true;

  constructor(loop: EventLoop, name: string, error: unknown) {
    this.#loop = loop;
    this.#name = name;
    this.#error = error;
  }

  /** Reports the failure once, unless it was retrieved. */
  report(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#loop._unretrieved.delete(this);
    this.#loop.callExceptionHandler({
      message: `Task exception was never retrieved (${this.#name})`,
      exception: this.#error,
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
  const failure = new Failure(loop, task.getName(), error);
  loop._unretrieved.add(failure);
  registry.register(task, failure, failure);
  return failure;
}
