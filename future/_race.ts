// Copyright 2026 the @concurrent/futures authors. MIT license.
// The one race of something awaited against a deadline and an AbortSignal.
// Future.result(timeout), wait, asCompleted and the executors all stop
// waiting the same way, so they share this code (docs/architecture.md,
// "Shared mechanisms").

import { startTimer } from "./_timeout.ts";

/** What can end a wait before the awaited thing does. */
export interface RaceLimits {
  /** Milliseconds until the timeout; `undefined` or `Infinity` for none. */
  timeout?: number;
  /** A signal whose abort ends the wait with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * Arms a timer of `limits.timeout` ms and a listener on `limits.signal`.
 * The first of them to fire calls `onTimeout()` or `onAbort(reason)`, once,
 * and disarms the other. The returned `disarm` stops both (calling it again
 * does nothing): call it when the awaited thing wins the race.
 *
 * A signal that is already aborted fires `onAbort` on a microtask (an
 * abort listener would never fire for it), so the caller holds `disarm`
 * by the time any callback runs.
 */
export function armRace(
  limits: RaceLimits,
  onTimeout: () => void,
  onAbort: (reason: unknown) => void,
): () => void {
  const { timeout, signal } = limits;
  let armed = true;
  let stopTimer: (() => void) | undefined;
  const disarm = () => {
    if (!armed) return;
    armed = false;
    stopTimer?.();
    signal?.removeEventListener("abort", abort);
  };
  const abort = () => {
    if (!armed) return;
    disarm();
    onAbort(signal!.reason);
  };
  if (timeout !== undefined && timeout !== Infinity) {
    stopTimer = startTimer(timeout, () => {
      if (!armed) return;
      disarm();
      onTimeout();
    });
  }
  if (signal !== undefined) {
    if (signal.aborted) queueMicrotask(abort);
    else signal.addEventListener("abort", abort, { once: true });
  }
  return disarm;
}

/**
 * Settles as `promise` does, unless `limits.timeout` ms pass first (then it
 * rejects with `timeoutError()`) or `limits.signal` aborts (then it rejects
 * with the signal's reason). A timeout of 0 or less, or a signal already
 * aborted, rejects at once. Once the race is lost, a later rejection of
 * `promise` is marked handled, so it never goes unhandled.
 */
export function race<T>(
  promise: PromiseLike<T>,
  limits: RaceLimits,
  timeoutError: () => unknown,
): Promise<T> {
  const { timeout, signal } = limits;
  const timed = timeout !== undefined && timeout !== Infinity;
  if (!timed && signal === undefined) return Promise.resolve(promise);
  const settled = Promise.resolve(promise);
  settled.catch(() => {});
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (timed && timeout <= 0) return Promise.reject(timeoutError());
  return new Promise<T>((resolve, reject) => {
    const disarm = armRace(limits, () => reject(timeoutError()), reject);
    settled.then((value) => {
      disarm();
      resolve(value);
    }, (error) => {
      disarm();
      reject(error);
    });
  });
}
