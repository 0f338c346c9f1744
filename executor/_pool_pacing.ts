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
  /** The usual task's length in ms (a running average); NaN: unknown yet. */
  #usual = NaN;

  /** Folds in a result message: `count` tasks that took `busy` ms. */
  record(count: number, busy: number): void {
    if (count === 0) return;
    const each = busy / count;
    this.#usual = Number.isNaN(this.#usual)
      ? each
      : this.#usual + ALPHA * (each - this.#usual);
  }

  /** Whether any task has finished yet, so that sizes mean something. */
  get known(): boolean {
    return !Number.isNaN(this.#usual);
  }

  /**
   * Tasks per message. A worker may hold up to two batches, one running
   * and one waiting, so that it never waits for the next message.
   */
  get batch(): number {
    if (!this.known) return 1;
    const size = Math.ceil(WINDOW_MS / Math.max(this.#usual, 1e-3));
    return Math.min(MAX_BATCH, Math.max(1, size));
  }

  /** Milliseconds of no progress after which a busy worker is stalled. */
  get stallAfter(): number {
    return this.known
      ? Math.max(STALL_FLOOR_MS, STALL_FACTOR * this.#usual)
      : STALL_FLOOR_MS;
  }
}
