// Copyright 2026 the @concurrent/futures authors. MIT license.
// EventLoop.runInExecutor: the executor's future is outside work, so
// virtual time waits for it; the caller gets a future of the loop, chained
// to it both ways (asyncio's wrap_future).

import type { Future } from "../future/future.ts";
import type { Executor, TaskFunction } from "../executor/executor.ts";
import { AsyncPoolExecutor } from "../executor/async_pool_executor.ts";
import type { EventLoop } from "./event_loop.ts";
import { chainOutside } from "./_outside.ts";

export function runInExecutor<A extends unknown[], R>(
  loop: EventLoop,
  executor: Executor | null,
  fn: TaskFunction<A, R>,
  args: A,
): Future<Awaited<R>> {
  if (executor === null) {
    executor = loop._defaultExecutor ??= new AsyncPoolExecutor();
  }
  const source = executor.submit(fn, ...args);
  const future = loop.createFuture<Awaited<R>>();
  chainOutside(loop, source, future);
  return future;
}
