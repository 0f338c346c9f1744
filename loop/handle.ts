// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { EventLoop } from "./event_loop.ts";

// Stored callbacks are typed as a method so that any callback signature can
// be kept next to its arguments.
type StoredCallback = { call(...args: unknown[]): unknown }["call"];

/**
 * A callback scheduled with {@linkcode EventLoop.callSoon}: it runs once, in
 * the next round of the loop, unless cancelled first.
 *
 * @example
 * ```ts
 * import { EventLoop } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const seen: string[] = [];
 * const handle = loop.callSoon((s: string) => seen.push(s), "never");
 * handle.cancel();
 * assert.equal(handle.cancelled(), true);
 * loop.callSoon(() => loop.stop());
 * await loop.runForever();
 * assert.deepEqual(seen, []);
 * loop.close();
 * ```
 */
export class Handle {
  /** @ignore */
  _callback: StoredCallback | null;
  /** @ignore */
  _args: unknown[] | null;
  /** @ignore */
  _loop: EventLoop;
  /** @ignore */
  _cancelled = false;

  /**
   * Creates a handle; the loop does this, user code gets handles from
   * `callSoon`, `callLater` and `callAt`.
   *
   * @param loop The loop that runs the callback.
   * @param callback The callback.
   * @param args Its arguments.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * const handle = loop.callSoon(() => {});
   * assert.equal(handle.cancelled(), false);
   * loop.close();
   * ```
   */
  constructor(
    loop: EventLoop,
    callback: (...args: never[]) => unknown,
    args: unknown[],
  ) {
    this._loop = loop;
    this._callback = callback as StoredCallback;
    this._args = args;
  }

  /**
   * Cancels the callback if it has not run yet; a second call does nothing.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * const handle = loop.callSoon(() => {});
   * handle.cancel();
   * assert.equal(handle.cancelled(), true);
   * loop.close();
   * ```
   */
  cancel(): void {
    if (this._cancelled) return;
    this._cancelled = true;
    this._callback = null;
    this._args = null;
  }

  /**
   * Whether the handle was cancelled.
   *
   * @returns `true` after `cancel()`.
   *
   * @example
   * ```ts
   * import { EventLoop } from "@concurrent/futures/loop";
   * import assert from "node:assert/strict";
   *
   * const loop = new EventLoop();
   * assert.equal(loop.callSoon(() => {}).cancelled(), false);
   * loop.close();
   * ```
   */
  cancelled(): boolean {
    return this._cancelled;
  }

  /** @ignore */
  _run(): void {
    const callback = this._callback;
    if (callback === null) return;
    const args = this._args as unknown[];
    try {
      switch (args.length) {
        case 0:
          callback();
          break;
        case 1:
          callback(args[0]);
          break;
        default:
          callback(...args);
      }
    } catch (error) {
      this._loop.callExceptionHandler({
        message: `Exception in callback ${callback.name || "(anonymous)"}`,
        exception: error,
        handle: this,
      });
    }
  }
}
