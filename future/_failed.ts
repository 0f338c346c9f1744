// Copyright 2026 the @concurrent/futures authors. MIT license.
// Whether a done future failed. `exceptionNow() !== undefined` cannot tell:
// `undefined` is a value that can be thrown (`Promise.reject()`), so the
// Future hands its own flag to this module instead.
import type { Future } from "./future.ts";

let readFailed: (future: Future<unknown>) => boolean;

/** Whether `future` finished with an error (any value, `undefined` too). */
export function failed(future: Future<unknown>): boolean {
  return readFailed(future);
}

/** Called once, by the Future class, to expose its private flag here. */
export function setFailedReader(
  read: (future: Future<unknown>) => boolean,
): void {
  readFailed = read;
}
