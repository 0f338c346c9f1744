// Copyright 2026 the @concurrent/futures authors. MIT license.
import { EventLoop, type EventLoopOptions } from "./event_loop.ts";

/**
 * Creates a new event loop (Python's `asyncio.new_event_loop`); it does not
 * become the current loop.
 *
 * @param options `virtualTime` for a clock that jumps over idle time.
 * @returns The loop.
 *
 * @example
 * ```ts
 * import { newEventLoop, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const loop = newEventLoop({ virtualTime: true });
 * await loop.runUntilComplete(sleep(86_400_000)); // a day, at once
 * assert.equal(loop.time(), 86_400_000);
 * loop.close();
 * ```
 */
export function newEventLoop(options?: EventLoopOptions): EventLoop {
  return new EventLoop(options);
}
