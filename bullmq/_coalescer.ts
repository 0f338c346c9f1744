// Copyright 2026 the @concurrent/futures authors. MIT license.
// Short jobs of the same module task that reach the worker program together
// go to its local pool in one message. A message to a pool worker costs
// about as much CPU as a trivial task's whole BullMQ round trip; sent one by
// one, short tasks would spend most of the worker's CPU on messaging.
//
// Calls that share a message run one after the other on one pool worker,
// so only tasks much shorter than a message qualify. Each task is timed on
// the pool worker: its first call runs alone; while its calls take under
// SHORT_MS on average, they share messages; a call over SLOW_MS, or a
// higher average, sends it back to running alone, where every RETIME-th call
// is timed again (a cold first call does not condemn a task for good).
import {
  type Executor,
  type Future,
  moduleTask,
  type RunOptions,
  type TaskFunction,
} from "@concurrent/futures";
import {
  cloneableError,
  marshalError,
  type MarshalledError,
} from "@concurrent/futures/_internal";
import type { Encoded } from "./_codec.ts";
import type { Outcome } from "./_batch_runner.ts";

/** Average call time (ms) on a pool worker under which calls share messages. */
const SHORT_MS = 0.2;
/** One call this slow (ms) stops its task from sharing messages at once. */
const SLOW_MS = 2;
/** How often a task that runs alone is timed again. */
const RETIME = 32;
/** Tasks whose timings are kept. */
const MAX_TASKS = 1024;

/** What the worker program needs of its local pool (either kind). */
export interface LocalPool extends Executor {
  run<A extends unknown[], R>(
    fn: TaskFunction<A, R>,
    args: A,
    options?: RunOptions,
  ): Future<Awaited<R>>;
}

/** The outcome of a call, as the worker program reports it. */
export type CallOutcome =
  | { ok: true; value: Encoded }
  | { ok: false; error: MarshalledError };

interface Timing {
  /** Average call time on a pool worker, ms; NaN until the first is back. */
  average: number;
  /** Calls run alone since the last timed one. */
  untimed: number;
}

interface Batch {
  url: string;
  name: string;
  timing: Timing;
  calls: unknown[][];
  settle: ((outcome: Outcome) => void)[];
  /** The signal of the first call: a call sent alone can be stopped. */
  signal: AbortSignal | undefined;
}

export class Coalescer {
  #pool: LocalPool;
  #runner: TaskFunction<[string, string, unknown[][]], Promise<Outcome[]>>;
  #maxBatch: number;
  #timings = new Map<string, Timing>();
  #forming = new Map<string, Batch>();
  #formingCalls = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(pool: LocalPool, maxBatch: number) {
    this.#pool = pool;
    this.#runner = moduleTask<typeof import("./_batch_runner.ts"), "runBatch">(
      new URL("./_batch_runner.ts", import.meta.url),
      "runBatch",
    );
    this.#maxBatch = maxBatch;
  }

  /**
   * Runs a call of module task `name` of `url` here (timed, maybe sharing a
   * message), or returns `undefined`: the caller runs it alone.
   *
   * @param signal Stops the call, if it is sent alone.
   * @param active The jobs the worker program holds: once that many calls
   * wait here, no other can arrive, and they are sent at once.
   */
  run(
    url: string,
    name: string,
    args: unknown[],
    signal: AbortSignal | undefined,
    active: number,
  ): Promise<CallOutcome> | undefined {
    const key = `${name} ${url}`;
    let timing = this.#timings.get(key);
    if (timing === undefined) {
      if (this.#timings.size >= MAX_TASKS) this.#timings.clear();
      timing = { average: NaN, untimed: 0 };
      this.#timings.set(key, timing);
    }
    const short = timing.average < SHORT_MS;
    if (!short && !Number.isNaN(timing.average) && ++timing.untimed < RETIME) {
      return undefined;
    }
    let batch = this.#forming.get(key);
    if (batch === undefined) {
      batch = { url, name, timing, calls: [], settle: [], signal };
      this.#forming.set(key, batch);
    }
    const { promise, resolve } = Promise.withResolvers<Outcome>();
    batch.calls.push(args);
    batch.settle.push(resolve);
    this.#formingCalls++;
    if (!short || batch.calls.length >= this.#maxBatch) {
      this.#send(key, batch);
    } else if (this.#formingCalls >= active) {
      this.#flush();
    } else {
      this.#timer ??= setTimeout(() => this.#flush(), 0);
    }
    return promise.then((outcome) => {
      const { average } = timing;
      timing.untimed = 0;
      timing.average = Number.isNaN(average) || outcome.ms > SLOW_MS
        ? outcome.ms
        : 0.75 * average + 0.25 * outcome.ms;
      return outcome.ok
        ? { ok: true, value: outcome.value }
        : { ok: false, error: outcome.error };
    });
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const [key, batch] of this.#forming) this.#send(key, batch);
  }

  #send(key: string, batch: Batch): void {
    this.#forming.delete(key);
    this.#formingCalls -= batch.calls.length;
    // Calls that share a message are short: a stop request for one of them
    // would come too late anyway.
    const signal = batch.calls.length === 1 ? batch.signal : undefined;
    this.#pool.run(this.#runner, [batch.url, batch.name, batch.calls], {
      signal,
    }).result().then(
      (outcomes) => outcomes.forEach((o, i) => batch.settle[i](o)),
      (error) => {
        // The pool worker died (or the pool broke): every call fails,
        // and the task runs alone from now on.
        const failed: Outcome = {
          ok: false,
          error: cloneableError(marshalError(error)),
          ms: Infinity,
        };
        for (const settle of batch.settle) settle(failed);
      },
    );
  }
}
