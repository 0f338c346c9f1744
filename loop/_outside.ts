// Copyright 2026 the @concurrent/futures authors. MIT license.
// Work the loop does not run itself (promises, futures of executors or of
// other loops) reaches it through a future of the loop. While such work is
// pending the loop counts it, so virtual time does not jump past it.

import { Future } from "../future/future.ts";
import type { EventLoop } from "./event_loop.ts";

/**
 * Settles `target` (a future of `loop`) with the outcome of `source`;
 * cancelling `target` cancels a future `source` too and stops the count.
 */
export function chainOutside<T>(
  loop: EventLoop,
  source: PromiseLike<T> | Future<T>,
  target: Future<T>,
): void {
  const scheduler = loop._scheduler;
  scheduler.outside++;
  let open = true;
  const release = () => {
    if (open) {
      open = false;
      scheduler.outsideDone();
    }
  };
  if (source instanceof Future) {
    target.addDoneCallback(() => {
      if (target.cancelled()) {
        release();
        source.cancel();
      }
    });
    source.addDoneCallback((done) => {
      release();
      if (target.done()) return;
      if (done.cancelled()) {
        target.cancel();
        return;
      }
      let value: T;
      try {
        value = done.resultNow();
      } catch (error) {
        target.setException(error);
        return;
      }
      target.setResult(value);
    });
    return;
  }
  target.addDoneCallback(() => {
    if (target.cancelled()) release();
  });
  try {
    source.then(
      (value) => {
        release();
        if (!target.done()) target.setResult(value);
      },
      (error) => {
        release();
        if (!target.done()) target.setException(error);
      },
    );
  } catch (error) {
    release();
    target.setException(error);
  }
}
