// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * A generator-coroutine event loop, Python's generator-era `asyncio`.
 *
 * @module
 */
export {};
