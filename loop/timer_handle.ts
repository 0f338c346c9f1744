// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { EventLoop } from "./event_loop.ts";
import { Handle } from "./handle.ts";

/**
 * A callback scheduled for a moment of the loop's clock with
 * {@linkcode EventLoop.callLater} or {@linkcode EventLoop.callAt}.
 *
 * @example
 * ```ts
 * import { EventLoop } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const handle = loop.callLater(1000, () => loop.stop());
 * assert.equal(handle.when(), 1000);
 * await loop.runForever();
 * assert.equal(loop.time(), 1000);
 * loop.close();
 * ```
 */
export class TimerHandle extends Handle {
  /** @ignore */
  readonly _when: number;
  /** @ignore */
  readonly _seq: number;
  /** @ignore */
  _scheduled = true;

  /**
   * Creates a timer handle; the loop does this, user code gets them from
   * `callLater` and `callAt`.
   *
   * @param loop The loop that runs the callback.
   * @param when The moment of the loop's clock, in ms.
   * @param seq The order among timers due at the same moment.
   * @param callback The callback.
   * @param args Its arguments.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * assert.equal(loop.callAt(50, () => {}).when(), 50);
   * loop.close();
   * ```
   */
  constructor(
    loop: EventLoop,
    when: number,
    seq: number,
    callback: (...args: never[]) => unknown,
    args: unknown[],
  ) {
    super(loop, callback, args);
    this._when = when;
    this._seq = seq;
  }

  /**
   * The moment of the loop's clock the callback is due at.
   *
   * @returns Milliseconds on the scale of `loop.time()`.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * assert.equal(loop.callLater(20, () => {}).when(), 20);
   * loop.close();
   * ```
   */
  when(): number {
    return this._when;
  }

  /**
   * Cancels the timer if it has not fired yet; a second call does nothing.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop({ virtualTime: true });
   * const handle = loop.callLater(20, () => {});
   * handle.cancel();
   * assert.equal(handle.cancelled(), true);
   * loop.close();
   * ```
   */
  override cancel(): void {
    if (this._cancelled) return;
    if (this._scheduled) this._loop._scheduler.timerCancelled();
    super.cancel();
  }
}
