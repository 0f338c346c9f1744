// Copyright 2026 the @concurrent/futures authors. MIT license.
// The future a worker pool hands out. Its base stays "pending" while the
// task runs (the subclass reports "running"), so that an abort can still
// cancel a running task after its worker is terminated (`RunOptions.signal`).
import { Future, type FutureState } from "../../future/future.ts";
import { InvalidStateError } from "../../future/errors.ts";

const INSPECT = Symbol.for("Deno.customInspect");
type Inspect = (
  this: unknown,
  inspect: (value: unknown, options?: unknown) => string,
  options?: unknown,
) => string;

/**
 * The future of a pool's task: "running" while the task runs, its base
 * still pending, so that an abort can cancel it.
 */
export class PoolFuture<T> extends Future<T> {
  #started = false;
  #revoke: () => boolean;

  /** `revoke` takes a not-started task back; `false` if it has started. */
  constructor(revoke: () => boolean) {
    super();
    this.#revoke = revoke;
  }

  /** "running" once the task started, else the base state. */
  override get state(): FutureState {
    const state = super.state;
    return state === "pending" && this.#started ? "running" : state;
  }

  /** Whether the task runs now. */
  override running(): boolean {
    return this.state === "running";
  }

  /**
   * Cancels a task that has not started, also one a worker holds queued:
   * the worker is told, through the task's shared slot, never to start it.
   */
  override cancel(message?: string): boolean {
    if (super.state !== "pending") return super.cancel(message);
    if (this.#started || !this.#revoke()) return false;
    return super.cancel(message);
  }

  /**
   * Marks the task as started; `false` if it was cancelled.
   *
   * @throws {InvalidStateError} If the future is done otherwise.
   */
  override setRunningOrNotifyCancel(): boolean {
    const state = this.state;
    if (state === "cancelled") return false;
    if (state !== "pending") {
      throw new InvalidStateError(`Cannot mark a ${state} future as running`);
    }
    this.#started = true;
    return true;
  }

  /** Shows "running" in `console.log` while the task runs. */
  [INSPECT](
    inspect: (value: unknown, options?: unknown) => string,
    options?: unknown,
  ): string {
    if (this.state === "running") return "Future { <running> }";
    const base = (Future.prototype as unknown as Record<symbol, Inspect>)[
      INSPECT
    ];
    return base.call(this, inspect, options);
  }

  /**
   * The task went back to the pool's queue without having started (its
   * worker died before it): it is pending again, so `cancel()` works on it
   * and it can be marked running when it is shipped anew.
   */
  resetRunning(): void {
    this.#started = false;
  }

  /** Cancels the future even while it runs (its worker was terminated). */
  forceCancel(message?: string): boolean {
    this.#started = false;
    return super.cancel(message);
  }
}

// Users see a Future; the subclass is an implementation detail.
Object.defineProperty(PoolFuture, "name", { value: "Future" });
