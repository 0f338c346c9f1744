// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Executors: run tasks in parallel on Deno Workers, or bound async work on
 * the current thread.
 *
 * @module
 */
export {};
