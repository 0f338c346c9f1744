// Copyright 2026 the @concurrent/futures authors. MIT license.
// The one copy of a future's outcome onto another (CPython's
// futures._copy_future_state and _chain_future). The loop's outside work,
// shield and the executors' wrapped futures all use it
// (docs/architecture.md, "Shared mechanisms").

import { failed } from "./_failed.ts";
import type { Future } from "./future.ts";

/**
 * Settles `target` as the done `source` ended: cancelled, failed with the
 * same error, or finished with its value (passed through `map` when given;
 * a `map` that throws fails `target`).
 *
 * If `target` is already done, nothing is copied, but a failure of `source`
 * is read once: whoever linked the two took charge of it, so a task's
 * failure is not reported as never retrieved (CPython's shield does the
 * same).
 */
export function copyOutcome<T>(source: Future<T>, target: Future<T>): void;
export function copyOutcome<S, T>(
  source: Future<S>,
  target: Future<T>,
  map: (value: S) => T,
): void;
export function copyOutcome<S, T>(
  source: Future<S>,
  target: Future<T>,
  map?: (value: S) => T,
): void {
  if (target.done()) {
    if (!source.cancelled()) source.exceptionNow();
    return;
  }
  if (source.cancelled()) {
    target.cancel();
  } else if (failed(source as Future<unknown>)) {
    target.setException(source.exceptionNow());
  } else if (map === undefined) {
    target.setResult(source.resultNow() as unknown as T);
  } else {
    let value: T;
    try {
      value = map(source.resultNow());
    } catch (error) {
      target.setException(error);
      return;
    }
    target.setResult(value);
  }
}

/**
 * Links `target` to `source` (CPython's `_chain_future`): once `source` is
 * done its outcome is copied onto `target` with {@linkcode copyOutcome},
 * and cancelling `target` first cancels `source` (which may refuse, as a
 * running executor future does; `target` stays cancelled either way).
 */
export function chainFuture<T>(source: Future<T>, target: Future<T>): void;
export function chainFuture<S, T>(
  source: Future<S>,
  target: Future<T>,
  map: (value: S) => T,
): void;
export function chainFuture<S, T>(
  source: Future<S>,
  target: Future<T>,
  map?: (value: S) => T,
): void {
  target.addDoneCallback(() => {
    if (target.cancelled() && !source.done()) source.cancel();
  });
  source.addDoneCallback(() =>
    map === undefined
      ? copyOutcome(source as Future<unknown>, target as Future<unknown>)
      : copyOutcome(source, target, map)
  );
}
