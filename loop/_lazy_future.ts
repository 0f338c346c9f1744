// Copyright 2026 the @concurrent/futures authors. MIT license.
// The futures of gather and shield start their work on a loop: at once when
// made inside a running loop, else on the loop that first runs or awaits
// them, so `loop.runUntilComplete(gather(coros))` works although no loop
// runs when gather is called (docs/architecture.md, "Module functions").

import { Future } from "../future/future.ts";
import type { EventLoop } from "./event_loop.ts";
import { state } from "./_state.ts";
import { getRunningLoop } from "./get_running_loop.ts";

/** A future whose work starts once it is bound to a loop. */
export abstract class LazyFuture<T> extends Future<T> {
  #loop: EventLoop | null = null;

  /** Binds to the running loop, if any: for the end of a constructor. */
  protected _bindIfRunning(): void {
    if (state.running !== null) this._bind(state.running);
  }

  /**
   * Binds the future to `loop` and starts its work there, once; a future
   * already bound, or already done, is left as it is.
   */
  _bind(loop: EventLoop): void {
    if (this.#loop !== null || this.done()) return;
    this.#loop = loop;
    loop._adopt(this);
    this._start(loop);
  }

  /** Whether the future is bound to a loop. */
  protected _bound(): boolean {
    return this.#loop !== null;
  }

  /** Starts the work on `loop`; called once, by `_bind`. */
  protected abstract _start(loop: EventLoop): void;

  /** `yield*` in a task binds the future to the task's loop first. */
  override *[Symbol.iterator](): Generator<Future<T>, T, unknown> {
    if (this.#loop === null && !this.done()) this._bind(getRunningLoop());
    return yield* super[Symbol.iterator]();
  }
}
