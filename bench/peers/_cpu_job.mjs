// Copyright 2026 the @concurrent/futures authors. MIT license.
// Plain JavaScript shared with Node.js, typed by JSDoc: no TypeScript
// annotations are possible here.
// deno-lint-ignore-file explicit-module-boundary-types
// The CPU-bound job shared by every JavaScript contestant (Deno and Node), so
// that all of them run the very same code. python_side.py has a line-for-line
// port.

/**
 * Counts the primes in [lo, hi) by trial division. Self-contained (no outer
 * variables), so it can be shipped to a worker by its source text.
 *
 * @param {number} lo first number of the range
 * @param {number} hi end of the range (excluded)
 * @returns {number} how many primes the range holds
 */
export function countPrimes(lo, hi) {
  let count = 0;
  for (let n = Math.max(lo, 2); n < hi; n++) {
    if (n < 4) {
      count++;
      continue;
    }
    if (n % 2 === 0) continue;
    let prime = true;
    for (let d = 3; d * d <= n; d += 2) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/**
 * Splits [0, limit) into `chunks` ranges of (nearly) equal length.
 *
 * @param {number} limit end of the whole range
 * @param {number} chunks number of ranges
 * @returns {Array<[number, number]>} the ranges, in order
 */
export function ranges(limit, chunks) {
  const out = [];
  for (let i = 0; i < chunks; i++) {
    out.push([
      Math.floor((limit * i) / chunks),
      Math.floor((limit * (i + 1)) / chunks),
    ]);
  }
  return out;
}

/**
 * A deterministic pseudo-random sleep schedule (a 32-bit LCG), identical in
 * python_side.py, so every contestant sleeps the very same durations.
 *
 * @param {number} n how many durations
 * @param {number} maxMs the largest duration (included)
 * @returns {number[]} whole milliseconds in [0, maxMs]
 */
export function sleepSchedule(n, maxMs) {
  const out = new Array(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x % (maxMs + 1);
  }
  return out;
}
