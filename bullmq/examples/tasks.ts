// Copyright 2026 the @concurrent/futures authors. MIT license.
// The tasks of the "Many machines" walkthrough. Workers import this module
// by its URL, so it must exist at the same path on every worker machine
// (or be served over https:).

/** CPU-bound work. */
export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** Which machine and process ran the call. */
export function whoAmI(): string {
  return `${Deno.hostname()} pid ${Deno.pid}`;
}
