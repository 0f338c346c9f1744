// Copyright 2026 the @concurrent/futures authors. MIT license.
import { EventLoop } from "./event_loop.ts";
import { state } from "./_state.ts";

/**
 * Makes `loop` the current loop that `getEventLoop()` returns outside a
 * running loop (Python's `asyncio.set_event_loop`).
 *
 * @param loop The loop, or `null` to forget the current one.
 * @throws {TypeError} If `loop` is neither an `EventLoop` nor `null`.
 *
 * @example
 * ```ts
 * import { EventLoop, getEventLoop, setEventLoop } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * setEventLoop(loop);
 * assert.equal(getEventLoop(), loop);
 * setEventLoop(null);
 * loop.close();
 * ```
 */
export function setEventLoop(loop: EventLoop | null): void {
  if (loop !== null && !(loop instanceof EventLoop)) {
    throw new TypeError("setEventLoop() needs an EventLoop or null");
  }
  state.current = loop;
}
