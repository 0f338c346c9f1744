// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { Future } from "../future/future.ts";
import { getRunningLoop } from "./get_running_loop.ts";
import type { Coroutine } from "./types.ts";

/** Cancels `future` and waits until it is done, as asyncio does. */
export function* cancelAndWait(future: Future<unknown>): Coroutine<void> {
  const waiter = getRunningLoop().createFuture<void>();
  const release = () => {
    if (!waiter.done()) waiter.setResult();
  };
  future.addDoneCallback(release);
  try {
    future.cancel();
    yield* waiter;
  } finally {
    future.removeDoneCallback(release);
  }
}
