// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * The types of the generator event loop: coroutines and what `yield*` waits
 * on.
 *
 * @module
 */
import type { Future } from "../future/future.ts";

/**
 * A coroutine: a generator whose body delegates with `yield*` (Python's
 * `yield from`) and returns a `T`. The loop drives it; what it yields is for
 * the loop only.
 *
 * @typeParam T What the coroutine evaluates to.
 *
 * @example
 * ```ts
 * import { run, sleep, type Coroutine } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* answer(): Coroutine<number> {
 *   yield* sleep(10);
 *   return 42;
 * }
 * assert.equal(await run(answer(), { virtualTime: true }), 42);
 * ```
 */
export type Coroutine<T> = Generator<unknown, T, unknown>;

/**
 * Anything the module functions (`wait`, `gather`, `waitFor`, ...) accept:
 * a future (a task included), a coroutine, which they wrap in a task, or a
 * promise, which they wait on.
 *
 * @typeParam T What it evaluates to.
 *
 * @example
 * ```ts
 * import { gather, run, sleep, type Awaitable } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * const work: Awaitable<number>[] = [sleep(5, 1), Promise.resolve(2)];
 * assert.deepEqual(await run(gather(work), { virtualTime: true }), [1, 2]);
 * ```
 */
export type Awaitable<T> = Future<T> | Coroutine<T> | PromiseLike<T>;

/**
 * What an {@linkcode Awaitable} evaluates to under `yield*`.
 *
 * @typeParam A The awaitable type.
 *
 * @example
 * ```ts
 * import type { AwaitedOf, Coroutine } from "@concurrent/futures/loop";
 * import type { Future } from "@concurrent/futures";
 *
 * const n: AwaitedOf<Future<number>> = 1;
 * const s: AwaitedOf<Coroutine<string>> = "s";
 * const b: AwaitedOf<Promise<boolean>> = true;
 * console.log(n, s, b);
 * ```
 */
export type AwaitedOf<A> = A extends Future<infer T> ? T
  : A extends Generator<unknown, infer T, unknown> ? T
  : A extends PromiseLike<infer T> ? Awaited<T>
  : never;
