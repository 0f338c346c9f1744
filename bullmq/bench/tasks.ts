// Copyright 2026 the @concurrent/futures authors. MIT license.
// The benchmark's tasks.

/** A trivial task. */
export function inc(n: number): number {
  return n + 1;
}

/** CPU-bound work. */
export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
