// Copyright 2026 the @concurrent/futures authors. MIT license.
// How much work a pool ships to a worker at a time, learnt per kind of task
// (a function, or a map chunk of it). Tasks go in batches sized to keep a
// worker busy for about one message round trip, so that many small tasks
// cost few messages while long ones are not piled up behind each other; a
// kind of task the pool has not timed yet goes one at a time. A worker that
// has run its current task for much longer than usual counts as stalled:
// with shared memory, an idle worker takes all its waiting tasks back.

/** What pacing is learnt for: one per function, and per map chunk of it. */
export type PaceKey = number | string;

/** How long a batch should keep a worker busy, in ms. */
const WINDOW_MS = 1;
/** The most tasks in one message. */
const MAX_BATCH = 256;
/** A task running this many times the usual task's length is a long one. */
const STALL_FACTOR = 4;
/** ... but never before this many ms: the message round trip's noise. */
const STALL_FLOOR_MS = 2;
/** Weight of the newest measure in the running average. */
const ALPHA = 0.25;

export class Pacing {
  /**
   * For tests: when set, every pool takes this as the length (ms) of every
   * task, so that what it ships at once does not depend on the machine.
   */
  static assume: number | undefined = undefined;

  /** Each kind's usual length in ms (a running average). */
  #measured = new Map<PaceKey, number>();

  /** The usual length of a task of this kind; NaN while unknown. */
  #usual(key: PaceKey | undefined): number {
    if (Pacing.assume !== undefined) return Pacing.assume;
    return key === undefined ? NaN : this.#measured.get(key) ?? NaN;
  }

  /** Folds in one finished task of this kind, which took `ms`. */
  record(key: PaceKey, ms: number): void {
    const usual = this.#measured.get(key);
    this.#measured.set(
      key,
      usual === undefined ? ms : usual + ALPHA * (ms - usual),
    );
  }

  /** Tasks of this kind per message: about one round trip's worth. */
  batch(key: PaceKey | undefined): number {
    const usual = this.#usual(key);
    if (Number.isNaN(usual)) return 1;
    const size = Math.ceil(WINDOW_MS / Math.max(usual, 1e-3));
    return Math.min(MAX_BATCH, Math.max(1, size));
  }

  /**
   * The most tasks of this kind a worker should hold, the running one
   * included. Tasks that take longer than a round trip gain nothing from
   * waiting on the worker, and could be held hostage there: one at a
   * time. Shorter ones get two batches, so that the worker never waits
   * for a message.
   */
  depth(key: PaceKey | undefined): number {
    const batch = this.batch(key);
    return batch === 1 ? 1 : 2 * batch;
  }

  /**
   * Whether a worker whose task (of kind `key`) has run for `elapsed` ms
   * may hold one more queued behind it, which hides the round trip between
   * two long tasks: only if that task is no longer than usual so far (the
   * pool may not know yet), and tasks are long enough for a round trip to
   * matter. Short tasks travel in batches instead.
   */
  prefetch(key: PaceKey, elapsed: number): boolean {
    const usual = this.#usual(key);
    if (Number.isNaN(usual)) return true;
    return usual >= WINDOW_MS && elapsed < usual;
  }

  /** Milliseconds of no progress after which a busy worker is stalled. */
  stallAfter(key: PaceKey): number {
    const usual = this.#usual(key);
    return Number.isNaN(usual)
      ? STALL_FLOOR_MS
      : Math.max(STALL_FLOOR_MS, STALL_FACTOR * usual);
  }
}
