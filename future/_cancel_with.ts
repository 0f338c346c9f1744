// Copyright 2026 the @concurrent/futures authors. MIT license.
// Cancelling a future with the very CancelledError its work let out, so that
// every reader gets that error rather than a new one with the same message
// (CPython's Task keeps `_cancelled_exc`; its tests check identity). The
// Future class hands its private state to this module.
import type { CancelledError } from "./errors.ts";
import type { Future } from "./future.ts";

let cancel: (future: Future<unknown>, error: CancelledError) => boolean;

/**
 * Cancels a pending `future` as `Future.prototype.cancel(error.message)`
 * does (its subclass's `cancel` is not called); readers of the result then
 * get `error` itself. Returns `false` if the future was done.
 */
export function cancelWith(
  future: Future<unknown>,
  error: CancelledError,
): boolean {
  return cancel(future, error);
}

/** Called once, by the Future class. */
export function setCancelWith(
  fn: (future: Future<unknown>, error: CancelledError) => boolean,
): void {
  cancel = fn;
}
