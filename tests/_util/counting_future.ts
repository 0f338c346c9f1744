// Copyright 2026 the @concurrent/futures authors. MIT license.
import { type DoneCallback, Future } from "../../future/mod.ts";

/** A Future that counts the done callbacks still registered on it. */
export class CountingFuture<T> extends Future<T> {
  registered = 0;

  override addDoneCallback(fn: DoneCallback<T>): void {
    if (!this.done()) this.registered++;
    super.addDoneCallback(fn);
  }

  override removeDoneCallback(fn: DoneCallback<T>): number {
    const removed = super.removeDoneCallback(fn);
    this.registered -= removed;
    return removed;
  }
}
