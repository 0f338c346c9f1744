// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Python's `concurrent.futures` and generator-era `asyncio` for Deno.
 *
 * - {@linkcode Future}, {@linkcode wait} and {@linkcode asCompleted}: a
 *   result set once, read through promises, with cancellation and done
 *   callbacks.
 * - Executors run tasks in parallel in child processes or on Deno Workers,
 *   or bound async work.
 * - `asyncio`: an event loop for `function*` coroutines, where `yield*` is
 *   Python's `yield from`.
 *
 * @example A future resolved by a timer
 * ```ts
 * import { Future } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * const future = new Future<string>();
 * setTimeout(() => future.setResult("ready"), 10);
 * assert.equal(await future.result(1000), "ready");
 * ```
 *
 * @module
 */
export * from "./future/mod.ts";
export * from "./executor/mod.ts";
export * as asyncio from "./loop/mod.ts";
