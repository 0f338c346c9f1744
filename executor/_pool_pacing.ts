// Copyright 2026 the @concurrent/futures authors. MIT license.
// How much work a pool ships to a worker at a time. Tasks go in batches
// sized to keep a worker busy for about one message round trip, so that
// many small tasks cost few messages while long ones are not piled up
// behind each other. A worker that has run its current task for much
// longer than the pool's usual task counts as stalled: with shared memory,
// an idle worker takes all its waiting tasks back.

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
   * For tests: when set, every pool takes this as its usual task's length
   * (ms), so that what it ships at once does not depend on the machine.
   */
  static assume: number | undefined = undefined;

  /** The usual task's length in ms (a running average); NaN: unknown yet. */
  #measured = NaN;

  get #usual(): number {
    return Pacing.assume ?? this.#measured;
  }

  /** Folds in a result message: `count` tasks that took `busy` ms. */
  record(count: number, busy: number): void {
    if (count === 0) return;
    const each = busy / count;
    const usual = this.#measured;
    this.#measured = Number.isNaN(usual)
      ? each
      : usual + ALPHA * (each - usual);
  }

  /** Whether any task has finished yet, so that sizes mean something. */
  get known(): boolean {
    return !Number.isNaN(this.#usual);
  }

  /** Tasks per message: about one round trip's worth of work. */
  get batch(): number {
    if (!this.known) return 1;
    const size = Math.ceil(WINDOW_MS / Math.max(this.#usual, 1e-3));
    return Math.min(MAX_BATCH, Math.max(1, size));
  }

  /**
   * The most tasks a worker should hold, the running one included. Tasks
   * that take longer than a round trip gain nothing from waiting on the
   * worker, and could be held hostage there: one at a time. Shorter ones
   * get two batches, so that the worker never waits for a message.
   */
  get depth(): number {
    const batch = this.batch;
    return batch === 1 ? 1 : 2 * batch;
  }

  /**
   * Whether a worker whose task has run for `elapsed` ms may hold one more
   * queued behind it, which hides the round trip between two long tasks:
   * only if that task is no longer than usual so far (the pool may not know
   * yet), and tasks are long enough for a round trip to matter. Short
   * tasks travel in batches instead.
   */
  prefetch(elapsed: number): boolean {
    if (!this.known) return true;
    const usual = this.#usual;
    return usual >= WINDOW_MS && elapsed < usual;
  }

  /** Milliseconds of no progress after which a busy worker is stalled. */
  get stallAfter(): number {
    return this.known
      ? Math.max(STALL_FLOOR_MS, STALL_FACTOR * this.#usual)
      : STALL_FLOOR_MS;
  }
}
