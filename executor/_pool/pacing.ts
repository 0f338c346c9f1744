// Copyright 2026 the @concurrent/futures authors. MIT license.
// How much work a pool ships to a worker at a time, learnt per function as
// the time of one call (a map chunk of n items costs n calls). Tasks go in
// batches sized to keep a worker busy for about one message round trip, so
// that many small tasks cost few messages; a function the pool has not
// timed yet goes one task at a time. Longer tasks each travel with a result
// of their own, but a worker on time may hold a few milliseconds' worth
// queued behind the one it runs, shipped together: it goes from one to the
// next without waiting for a message, and the pool sends one message for
// several tasks. A worker that has run its current task for much longer
// than usual counts as stalled: with shared memory, an idle worker takes
// all its waiting tasks back.

/** What pacing is learnt for: a function. */
export type PaceKey = number | string;

/** What pacing needs to know of a task. */
export interface Paced {
  key: PaceKey;
  /** How many calls of its function it makes (a map chunk's length). */
  calls: number;
}

/** How long a batch should keep a worker busy, in ms. */
const WINDOW_MS = 1;
/** The most tasks in one message. */
const MAX_BATCH = 256;
/** A task running this many times the usual task's length is a long one. */
const STALL_FACTOR = 4;
/** ... but never before this many ms: the message round trip's noise. */
const STALL_FLOOR_MS = 2;
/**
 * The longest usual task a child process may hold more behind: past this,
 * a round trip is a negligible share of a task.
 */
const CHILD_PREFETCH_MAX_MS = 50;
/**
 * About how much work (ms) a worker holds queued behind the long task it
 * runs. Each message to a worker costs both threads a turn of their event
 * loops (some 50 to 150 microseconds of Deno's own code while it is cold),
 * so a few tasks of 1 to 8 ms per message save most of those turns. They
 * cost no balance: a task queued on a Worker that frees up late is taken
 * back by an idle one. A child process cannot give tasks back, and what it
 * holds waits for the task it runs however long that turns out: it holds 2
 * at most, and no more than leaves each other worker as many in the queue
 * (`quota`).
 */
const HOLD_MS = 8;
/** The most tasks a worker holds queued behind the one it runs. */
const MAX_HELD = 8;
/** Weight of the newest measure of one task in the running average. */
const ALPHA = 0.25;
/**
 * The same for a measure below the average: a function's first calls run
 * before the JIT compiler has optimized it, and the pool would otherwise
 * ship small batches, one round trip each, long after the calls got fast.
 */
const ALPHA_DOWN = 0.5;

/** How a pool paces its tasks: configuration, for tests. */
export interface PacingOptions {
  /**
   * Take this as the length (ms) of every task, rather than what is
   * measured, so that what the pool ships at once does not depend on the
   * machine: e.g. 0.001, and short tasks always travel together.
   */
  assumeMs?: number;
}

/**
 * The key under which a pool's options carry `PacingOptions`: not a public
 * option (tests of batching set it).
 */
export const PACING: unique symbol = Symbol("pacing");

/** The pacing of one pool: what it has learnt, and the policy it applies. */
export class Pacing {
  readonly #assume: number | undefined;
  /** Each function's usual time per call in ms (a running average). */
  #measured = new Map<PaceKey, number>();

  constructor(options: PacingOptions = {}) {
    this.#assume = options.assumeMs;
  }

  /** The usual length of this task in ms; NaN while unknown. */
  #usual(task: Paced | undefined): number {
    if (this.#assume !== undefined) return this.#assume;
    if (task === undefined) return NaN;
    return (this.#measured.get(task.key) ?? NaN) * task.calls;
  }

  /**
   * Folds in calls of function `key` that took `ms` each, measured over
   * `tasks` tasks (one message's results): each task weighs as one measure,
   * so a batch of many tasks moves the average as far as as many messages
   * of one would.
   */
  record(key: PaceKey, ms: number, tasks = 1): void {
    const usual = this.#measured.get(key);
    if (usual === undefined) return void this.#measured.set(key, ms);
    const alpha = ms < usual ? ALPHA_DOWN : ALPHA;
    const weight = 1 - (1 - alpha) ** tasks;
    this.#measured.set(key, usual + weight * (ms - usual));
  }

  /** Tasks like this one per message: about one round trip's worth. */
  batch(task: Paced | undefined): number {
    const usual = this.#usual(task);
    if (Number.isNaN(usual)) return 1;
    const size = Math.ceil(WINDOW_MS / Math.max(usual, 1e-3));
    return Math.min(MAX_BATCH, Math.max(1, size));
  }

  /**
   * The most tasks like this one a worker should hold, the running one
   * included. Tasks that take longer than a round trip gain nothing from
   * waiting on the worker, and could be held hostage there: one at a
   * time. Shorter ones get two batches, so that the worker never waits
   * for a message.
   */
  depth(task: Paced | undefined): number {
    const batch = this.batch(task);
    return batch === 1 ? 1 : 2 * batch;
  }

  /**
   * Whether a worker whose current task has run for `elapsed` ms may hold
   * more queued behind it (`held`), which hides the round trip between two
   * long tasks: only if that task is no longer than usual so far (the
   * pool may not know yet), and tasks are long enough for a round trip to
   * matter. Short tasks travel in batches instead.
   */
  prefetch(task: Paced, elapsed: number): boolean {
    const usual = this.#usual(task);
    if (Number.isNaN(usual)) return true;
    return usual >= WINDOW_MS && elapsed < usual;
  }

  /**
   * Whether a worker that cannot give tasks back (a child process) may
   * hold more behind the task it runs (`held`): only behind a task whose
   * function is timed, between a round trip and `CHILD_PREFETCH_MAX_MS`
   * long, and not late. The tasks queued there (two at most, `quota`)
   * wait about that long when the task ahead runs as usual, and most
   * round trips between tasks are saved (Python's pool queues one task
   * more than it has workers).
   */
  prefetchBehind(task: Paced, elapsed: number): boolean {
    const usual = this.#usual(task);
    return usual >= WINDOW_MS && usual <= CHILD_PREFETCH_MAX_MS &&
      elapsed < usual;
  }

  /**
   * How many tasks like this one a worker on time may hold queued behind
   * the long task it runs (when `prefetch` or `prefetchBehind` allow one):
   * about `HOLD_MS` of work, at least one, at most `MAX_HELD`; one while
   * the function is not timed. (A child process, which cannot give tasks
   * back, holds fewer: `quota`.)
   */
  held(task: Paced | undefined): number {
    const usual = this.#usual(task);
    if (Number.isNaN(usual)) return 1;
    return Math.min(MAX_HELD, Math.max(1, Math.floor(HOLD_MS / usual)));
  }

  /** Milliseconds of no progress after which a busy worker is stalled. */
  stallAfter(task: Paced): number {
    const usual = this.#usual(task);
    return Number.isNaN(usual)
      ? STALL_FLOOR_MS
      : Math.max(STALL_FLOOR_MS, STALL_FACTOR * usual);
  }
}
