// Copyright 2026 the @concurrent/futures authors. MIT license.

/**
 * Throws a `RangeError` naming `what` unless `value` is a number of
 * milliseconds. Negative numbers and Infinity are allowed: the loop's
 * functions treat them as "now" and "never", as asyncio does.
 */
export function checkMilliseconds(value: unknown, what: string): void {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new RangeError(
      `${what} must be a number of milliseconds, got ${
        typeof value === "number" ? value : typeof value
      }`,
    );
  }
}
