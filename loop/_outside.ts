// Copyright 2026 the @concurrent/futures authors. MIT license.
// Work the loop does not run itself (promises, futures of executors or of
// other loops) reaches it through a future of the loop. While such work is
// pending the loop counts it, so virtual time does not jump past it
// (docs/architecture.md, "The loop's round").

import { chainFuture } from "../future/_chain.ts";
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
  // `target` is done once `source` is, or once it is cancelled: either way
  // the loop stops waiting for the outside.
  target.addDoneCallback(() => scheduler.outsideDone());
  if (source instanceof Future) {
    chainFuture(source, target);
    return;
  }
  try {
    source.then(
      (value) => {
        if (!target.done()) target.setResult(value);
      },
      (error) => {
        if (!target.done()) target.setException(error);
      },
    );
  } catch (error) {
    target.setException(error);
  }
}
