// Copyright 2026 the @concurrent/futures authors. MIT license.
// Plain JavaScript shared with Node.js, typed by JSDoc: no TypeScript
// annotations are possible here.
// deno-lint-ignore-file explicit-module-boundary-types
// Worker module for piscina and tinypool: both call a named export with one
// argument.
import { collatzStepsInPart, countPrimes } from "./_cpu_job.mjs";

/**
 * The trivial task: returns its argument.
 *
 * @param {unknown} x anything
 * @returns {unknown} x
 */
export function identity(x) {
  return x;
}

/**
 * The CPU-bound task on one range.
 *
 * @param {[number, number]} range [lo, hi)
 * @returns {number} primes in the range
 */
export function primes([lo, hi]) {
  return countPrimes(lo, hi);
}

/**
 * One part of the speed-up sweep's job.
 *
 * @param {[number, number, number]} task [limit, part, parts]
 * @returns {number} the steps of the part
 */
export function part([limit, i, parts]) {
  return collatzStepsInPart(limit, i, parts);
}

export default identity;
