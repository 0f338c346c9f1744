// Copyright 2026 the @concurrent/futures authors. MIT license.
import { failed } from "../future/_failed.ts";
import { CancelledError } from "../future/errors.ts";
import { Future } from "../future/future.ts";
import type { EventLoop } from "./event_loop.ts";
import type { Awaitable, AwaitedOf } from "./types.ts";
import { futureOn, listAwaitables } from "./_awaitables.ts";
import { LazyFuture } from "./_lazy_future.ts";

/** Options for {@linkcode gather}. */
export interface GatherOptions {
  /**
   * Put the errors of failed children in the result list instead of
   * failing the gather with the first one. @default {false}
   */
  returnExceptions?: boolean;
}

/**
 * Runs awaitables concurrently and gives a future of their results, in the
 * order given (Python's `asyncio.gather`). Made inside a running loop, its
 * children (a task for each coroutine) start on it at once; made outside
 * any loop, they start on the loop that first runs or awaits the gather, so
 * `loop.runUntilComplete(gather(coros))` and `run(gather(coros))` work.
 *
 * The first failure fails the gather at once, while the other children
 * keep running; with `returnExceptions` the errors take their places in
 * the list instead. `cancel()` cancels every child that is not done; the
 * gather then ends failed with a `CancelledError` (so it is not
 * `cancelled()`, and a later `cancel()` returns `false`), as CPython's does.
 *
 * @typeParam A The tuple (or array) of awaitables.
 * @param aws Coroutines, futures or promises; one given twice runs once.
 * @param options `returnExceptions`.
 * @returns A future of the list of results; `yield*` it in a coroutine.
 * @throws {TypeError} If `aws` is not an iterable of awaitables.
 *
 * @example
 * ```ts
 * import { gather, run, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* main() {
 *   const [a, b] = yield* gather([sleep(200, "a"), sleep(100, 2)]);
 *   return `${a}${b}`;
 * }
 * assert.equal(await run(main(), { virtualTime: true }), "a2");
 * ```
 *
 * @example Collecting errors
 * ```ts
 * import { gather, run } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* fail(): Generator<unknown, number, unknown> {
 *   throw new RangeError("no");
 * }
 * const results = await run(gather([fail(), Promise.resolve(1)], {
 *   returnExceptions: true,
 * }));
 * assert.ok(results[0] instanceof RangeError);
 * assert.equal(results[1], 1);
 * ```
 *
 * @example Cancelling a gather
 * ```ts
 * import { CancelledError } from "@concurrent/futures";
 * import { createTask, gather, run, sleep } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* main() {
 *   const child = createTask(sleep(1000));
 *   const all = gather([child, sleep(2000)]);
 *   yield* sleep(10);
 *   assert.equal(all.cancel(), true);
 *   yield* sleep(0);
 *   assert.equal(child.cancelled(), true);
 *   assert.ok(all.exceptionNow() instanceof CancelledError);
 *   assert.equal(all.cancel(), false);
 * }
 * await run(main(), { virtualTime: true });
 * ```
 */
export function gather<const A extends readonly Awaitable<unknown>[]>(
  aws: A,
  options?: GatherOptions & { returnExceptions?: false },
): Future<{ -readonly [K in keyof A]: AwaitedOf<A[K]> }>;
/**
 * Runs an iterable of awaitables concurrently and gives a future of their
 * results in order.
 *
 * @typeParam T The value type.
 * @param aws Coroutines, futures or promises.
 * @param options `returnExceptions`.
 * @returns A future of the list of results.
 */
export function gather<T>(
  aws: Iterable<Awaitable<T>>,
  options?: GatherOptions & { returnExceptions?: false },
): Future<T[]>;
/**
 * Runs awaitables concurrently and gives a future of their results in
 * order, with the errors of failed children in their places.
 *
 * @param aws Coroutines, futures or promises.
 * @param options `{ returnExceptions: true }`.
 * @returns A future of the list of results and errors.
 */
export function gather(
  aws: Iterable<Awaitable<unknown>>,
  options: GatherOptions & { returnExceptions: true },
): Future<unknown[]>;
export function gather(
  aws: Iterable<Awaitable<unknown>>,
  options: GatherOptions = {},
): Future<unknown[]> {
  const list = listAwaitables(aws, "gather()");
  return new GatheringFuture(list, options.returnExceptions === true);
}

/**
 * The future of a gather (CPython's `_GatheringFuture`): its children are
 * the futures of the distinct awaitables, one per argument in order.
 */
class GatheringFuture extends LazyFuture<unknown[]> {
  #args: Awaitable<unknown>[];
  #returnExceptions: boolean;
  #children: Future<unknown>[] = [];
  #cancelRequested = false;

  constructor(args: Awaitable<unknown>[], returnExceptions: boolean) {
    super();
    this.#args = args;
    this.#returnExceptions = returnExceptions;
    if (args.length === 0) this.setResult([]);
    else this._bindIfRunning();
  }

  override cancel(message?: string): boolean {
    if (this.done()) return false;
    let cancelled = false;
    if (!this._bound()) {
      // No child has started: coroutines and promises are dropped, futures
      // cancelled, and the gather ends at once.
      for (const aw of new Set(this.#args)) {
        if (!(aw instanceof Future) || aw.cancel(message)) cancelled = true;
      }
      if (cancelled) this.setException(new CancelledError(message));
      return cancelled;
    }
    for (const child of this.#children) {
      if (child.cancel(message)) cancelled = true;
    }
    if (cancelled) this.#cancelRequested = true;
    return cancelled;
  }

  protected override _start(loop: EventLoop): void {
    const byArg = new Map<Awaitable<unknown>, Future<unknown>>();
    for (const aw of this.#args) {
      let future = byArg.get(aw);
      if (future === undefined) {
        future = futureOn(aw, loop);
        byArg.set(aw, future);
      }
      this.#children.push(future);
    }
    const total = byArg.size;
    let finished = 0;
    const onDone = (child: Future<unknown>) => {
      finished++;
      if (this.done()) {
        if (!child.cancelled()) child.exceptionNow(); // marks it retrieved
        return;
      }
      if (!this.#returnExceptions) {
        if (child.cancelled()) {
          this.setException(cancelledErrorOf(child));
          return;
        }
        if (failed(child)) {
          this.setException(child.exceptionNow());
          return;
        }
      }
      if (finished < total) return;
      const results = this.#children.map((f) => {
        if (f.cancelled()) return cancelledErrorOf(f);
        return failed(f) ? f.exceptionNow() : f.resultNow();
      });
      if (this.#cancelRequested) this.setException(cancelledErrorOf(child));
      else this.setResult(results);
    };
    for (const future of byArg.values()) future.addDoneCallback(onDone);
  }
}

function cancelledErrorOf(future: Future<unknown>): CancelledError {
  try {
    future.resultNow();
  } catch (error) {
    if (error instanceof CancelledError) return error;
  }
  return new CancelledError();
}
