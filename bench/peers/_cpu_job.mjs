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
 * The total number of Collatz steps (n -> n / 2 if n is even, else 3n + 1,
 * until 1) of the numbers below `limit` in part `part` of `parts`: the
 * numbers are cut into blocks of `block`, and part i takes blocks i,
 * i + parts, i + 2 * parts, ... So every part holds small and large numbers
 * alike, and the parts of one job cost about the same however many there
 * are: a pool's speed-up on them measures the pool, not the order in which
 * it happens to start tasks of different costs. (Trial division, the job
 * of the CPU-bound row, is not used here: V8 15's code for it varies by up
 * to 1.8x from one call to the next, which would measure the compiler.)
 * Self-contained (no outer variables), so it can be shipped to a worker by
 * its source text. Values past 2^31 are exact doubles (below 2^53), and
 * `& 1` reads their parity right (it takes them modulo 2^32).
 *
 * @param {number} limit end of the whole range (excluded)
 * @param {number} part which part, from 0
 * @param {number} parts how many parts the job is cut into
 * @param {number} [block] numbers per block
 * @returns {number} the steps of the part's numbers
 */
export function collatzStepsInPart(limit, part, parts, block = 64) {
  let steps = 0;
  for (let lo = part * block; lo < limit; lo += parts * block) {
    const hi = Math.min(lo + block, limit);
    for (let n = Math.max(lo, 1); n < hi; n++) {
      let x = n;
      while (x !== 1) {
        x = (x & 1) === 0 ? x / 2 : 3 * x + 1;
        steps++;
      }
    }
  }
  return steps;
}

/**
 * The parts of a job of `parts` that worker `worker` of `workers` takes in
 * a static split: worker, worker + workers, worker + 2 * workers, ... (all
 * of them for one worker).
 *
 * @param {number} worker which worker, from 0
 * @param {number} workers how many workers share the job
 * @param {number} parts how many parts the job is cut into
 * @returns {number[]} the indices of its parts, in order
 */
export function shareOf(worker, workers, parts) {
  const out = [];
  for (let part = worker; part < parts; part += workers) out.push(part);
  return out;
}

/**
 * The Collatz steps of several parts of one job, summed: a serial run (all
 * parts) or one bare worker's share.
 *
 * @param {number} limit end of the whole range (excluded)
 * @param {number} parts how many parts the job is cut into
 * @param {number[]} which the indices of the parts to run
 * @returns {number} their steps
 */
export function collatzStepsInParts(limit, parts, which) {
  let steps = 0;
  for (const part of which) steps += collatzStepsInPart(limit, part, parts);
  return steps;
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
