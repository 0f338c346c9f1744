// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { Coroutine } from "./types.ts";

/**
 * Waits on a promise inside a coroutine, typed: `yield* awaitPromise(p)`
 * evaluates to the promise's value or throws its error (a plain
 * `yield promise` does the same, untyped). Virtual time waits for it.
 *
 * @typeParam T The value type.
 * @param promise Any promise-like.
 * @returns A coroutine evaluating to the value.
 *
 * @example
 * ```ts
 * import { awaitPromise, run } from "@concurrent/futures/loop";
 * import assert from "node:assert/strict";
 *
 * function* main() {
 *   const text: string = yield* awaitPromise(Promise.resolve("hi"));
 *   return text.toUpperCase();
 * }
 * assert.equal(await run(main()), "HI");
 * ```
 */
export function* awaitPromise<T>(promise: PromiseLike<T>): Coroutine<T> {
  return (yield promise) as T;
}
