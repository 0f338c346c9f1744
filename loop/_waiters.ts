// Copyright 2026 the @concurrent/futures authors. MIT license.
// Shared plumbing of the locks and queues: which loop a primitive belongs to
// (asyncio's _LoopBoundMixin), waking waiters in FIFO order, and checking
// the numbers their constructors take.
//
// Waiters live in a Set: it keeps insertion order (so iteration is FIFO)
// and removes a cancelled waiter in O(1), where asyncio's deque.remove is
// O(n).

import { InvalidStateError } from "../future/errors.ts";
import type { Future } from "../future/future.ts";
import type { EventLoop } from "./event_loop.ts";
import { getRunningLoop } from "./get_running_loop.ts";
import type { Coroutine } from "./types.ts";

/**
 * The running loop, which must be `bound` (the loop the primitive waited on
 * before, if any): a waiter's future belongs to one loop, and a task of
 * another loop could never be woken by it. A primitive may move on from a
 * closed loop once nobody waits on it any more (`idle`).
 */
export function boundLoop(
  bound: EventLoop | null,
  owner: string,
  idle: boolean,
): EventLoop {
  const loop = getRunningLoop();
  if (
    bound !== null && bound !== loop && !(bound.isClosed() && idle)
  ) {
    throw new InvalidStateError(
      `This ${owner} is bound to a different event loop`,
    );
  }
  return loop;
}

/** Whether every waiter in `waiters` is cancelled (true when empty). */
export function allCancelled(waiters: Iterable<Future<unknown>>): boolean {
  for (const waiter of waiters) if (!waiter.cancelled()) return false;
  return true;
}

/**
 * Removes waiters from the front of `waiters` until one that is still
 * pending is found and resolves it with `value`; `false` if there was none.
 */
export function wakeUpNext<T>(waiters: Set<Future<T>>, value: T): boolean {
  for (const waiter of waiters) {
    waiters.delete(waiter);
    if (!waiter.done()) {
      waiter.setResult(value);
      return true;
    }
  }
  return false;
}

/** Resolves every pending waiter with `value`, in FIFO order, and empties the set. */
export function wakeUpAll<T>(waiters: Set<Future<T>>, value: T): void {
  for (const waiter of waiters) if (!waiter.done()) waiter.setResult(value);
  waiters.clear();
}

/**
 * Checks a count given to a constructor: an integer (or Infinity where
 * `infinite` allows it) of at least `min`.
 */
export function checkCount(
  value: unknown,
  min: number,
  what: string,
  infinite = false,
): number {
  if (typeof value !== "number") {
    throw new TypeError(`${what} must be a number, got ${typeof value}`);
  }
  if (
    !(Number.isInteger(value) || (infinite && value === Infinity)) ||
    value < min
  ) {
    throw new RangeError(
      `${what} must be an integer >= ${min}, got ${value}`,
    );
  }
  return value;
}

/** Something held with `acquire()` and given back with `release()`. */
interface Acquirable {
  acquire(): Coroutine<true>;
  release(): void;
}

/** Runs `body` holding `held`, and releases it however `body` ends. */
export function* runHolding<R>(
  held: Acquirable,
  body: () => Coroutine<R>,
): Coroutine<R> {
  yield* held.acquire();
  try {
    return yield* body();
  } finally {
    held.release();
  }
}

/** Acquires `held` and evaluates to a handle that releases it once. */
export function* acquireDisposable(held: Acquirable): Coroutine<Disposable> {
  yield* held.acquire();
  let holding = true;
  return {
    [Symbol.dispose]: () => {
      if (holding) {
        holding = false;
        held.release();
      }
    },
  };
}
