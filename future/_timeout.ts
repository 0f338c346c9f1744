// Copyright 2026 the @concurrent/futures authors. MIT license.
// Shared checks and timers for the millisecond timeouts of the public API.

/** The longest delay `setTimeout` honours; a longer one fires at once. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * Throws a `RangeError` naming `what` unless `ms` is a non-negative number
 * (`Infinity` included, meaning no limit).
 */
export function checkTimeout(ms: unknown, what = "timeout"): void {
  if (typeof ms !== "number" || Number.isNaN(ms) || ms < 0) {
    throw new RangeError(
      `${what} must be a non-negative number of milliseconds, got ${
        typeof ms === "number" ? ms : typeof ms
      }`,
    );
  }
}

/**
 * Starts a timer that calls `fn` after `ms` milliseconds, also for delays
 * past `setTimeout`'s 24.8-day limit, and returns the function that stops it.
 * An infinite delay starts no timer at all.
 */
export function startTimer(ms: number, fn: () => void): () => void {
  if (ms === Infinity) return () => {};
  let id: ReturnType<typeof setTimeout>;
  const arm = (left: number) => {
    id = setTimeout(() => {
      if (left > MAX_TIMER_DELAY) arm(left - MAX_TIMER_DELAY);
      else fn();
    }, Math.min(left, MAX_TIMER_DELAY));
  };
  arm(ms);
  return () => clearTimeout(id);
}
