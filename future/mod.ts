// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Python's `concurrent.futures.Future` for Deno: a result that is set once,
 * read through promises or synchronously, with done callbacks,
 * cancellation, {@linkcode wait} and {@linkcode asCompleted}.
 *
 * @example
 * ```ts
 * import { ALL_COMPLETED, Future, wait } from "@concurrent/futures/future";
 * import assert from "node:assert/strict";
 *
 * const futures = [1, 2, 3].map((n) => Future.from(Promise.resolve(n * n)));
 * const { done } = await wait(futures, { returnWhen: ALL_COMPLETED });
 * assert.equal(done.size, 3);
 * assert.deepEqual(futures.map((f) => f.resultNow()), [1, 4, 9]);
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./future.ts";
export * from "./wait.ts";
export * from "./as_completed.ts";
export * from "./register_error_class.ts";
