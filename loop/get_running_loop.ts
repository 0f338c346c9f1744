// Copyright 2026 the @concurrent/futures authors. MIT license.
import { InvalidStateError } from "../future/errors.ts";
import type { EventLoop } from "./event_loop.ts";
import { state } from "./_state.ts";

/**
 * Returns the event loop running the current coroutine or callback
 * (Python's `asyncio.get_running_loop`).
 *
 * @returns The running loop.
 * @throws {InvalidStateError} If no loop is running the calling code.
 *
 * @example
 * ```ts
 * import { EventLoop, getRunningLoop } from "@concurrent/futures/loop";
 * import { InvalidStateError } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const loop = new EventLoop({ virtualTime: true });
 * const seen = await loop.runUntilComplete((function* () {
 *   return getRunningLoop();
 * })());
 * assert.equal(seen, loop);
 * assert.throws(() => getRunningLoop(), InvalidStateError);
 * loop.close();
 * ```
 */
export function getRunningLoop(): EventLoop {
  const loop = state.running;
  if (loop === null) throw new InvalidStateError("No event loop is running");
  return loop;
}
