// Copyright 2026 the @concurrent/futures authors. MIT license.
import { EventLoop } from "./event_loop.ts";
import { state } from "./_state.ts";

/**
 * Returns the running loop, or else the current loop of the program
 * (Python's `asyncio.get_event_loop`): the one given to `setEventLoop`,
 * created on first use. A current loop that was closed is replaced by a
 * new one.
 *
 * @returns An event loop.
 *
 * @example
 * ```ts
 * import { getEventLoop, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = getEventLoop();
 * assert.equal(getEventLoop(), loop);
 * assert.equal(await loop.runUntilComplete(sleep(1, "ok")), "ok");
 * loop.close();
 * ```
 */
export function getEventLoop(): EventLoop {
  if (state.running !== null) return state.running;
  if (state.current === null || state.current.isClosed()) {
    state.current = new EventLoop();
  }
  return state.current;
}
