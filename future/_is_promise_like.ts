// Copyright 2026 the @concurrent/futures authors. MIT license.

/** Whether `value` has a `then` method, as `await` and `Promise.resolve` check. */
export function isPromiseLike<T = unknown>(
  value: unknown,
): value is PromiseLike<T> {
  return value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as PromiseLike<T>).then === "function";
}
