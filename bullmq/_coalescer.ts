// Copyright 2026 the @concurrent/futures authors. MIT license.
// Short jobs of the same module task that reach the worker program together
// go to its local pool in one message. A message to a pool worker costs
// about as much CPU as a trivial task's whole BullMQ round trip; sent one by
// one, short tasks would spend most of the worker's CPU on messaging.
//
// Calls that share a message run one after the other on one pool worker,
// so only tasks much shorter than a message qualify. Every call of a module
// task goes through here and is timed on the pool worker; a task shares
// messages while the median of its last few timings is under SHORT_MS (a
// median, so that a call that the machine's load happened to slow down does
// not change the verdict). Its first call always runs alone.
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

/** Call time (ms) on a pool worker under which calls share messages. */
const SHORT_MS = 0.2;
/** Timings kept per task. */
const RECENT = 5;
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

/** A task's last call times on a pool worker, in ms, oldest first. */
type Timing = number[];

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
  #runner: TaskFunction<
    [string, string, unknown[][], number],
    Promise<Outcome[]>
  >;
  #maxBatch: number;
  #maxBytes: number;
  #timings = new Map<string, Timing>();
  #forming = new Map<string, Batch>();
  #formingCalls = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(pool: LocalPool, maxBatch: number, maxBytes: number) {
    this.#pool = pool;
    this.#runner = moduleTask<typeof import("./_batch_runner.ts"), "runBatch">(
      new URL("./_batch_runner.ts", import.meta.url),
      "runBatch",
    );
    this.#maxBatch = maxBatch;
    this.#maxBytes = maxBytes;
  }

  /**
   * Runs a call of module task `name` of `url`, timed: alone, or together
   * with the other calls of that task that arrive before the end of this
   * turn of the event loop (or until `maxBatch` calls, or `active` calls in
   * all, wait here) when the task is short.
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
  ): Promise<CallOutcome> {
    const key = `${name} ${url}`;
    let timing = this.#timings.get(key);
    if (timing === undefined) {
      if (this.#timings.size >= MAX_TASKS) this.#timings.clear();
      timing = [];
      this.#timings.set(key, timing);
    }
    const short = timing.length > 0 && median(timing) < SHORT_MS;
    let batch = short ? this.#forming.get(key) : undefined;
    if (batch === undefined) {
      batch = { url, name, timing, calls: [], settle: [], signal };
      if (short) this.#forming.set(key, batch);
    }
    const { promise, resolve } = Promise.withResolvers<Outcome>();
    batch.calls.push(args);
    batch.settle.push(resolve);
    if (!short) {
      this.#send(batch);
    } else {
      this.#formingCalls++;
      if (batch.calls.length >= this.#maxBatch) this.#send(batch);
      else if (this.#formingCalls >= active) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), 0);
    }
    return promise.then((outcome) =>
      outcome.ok
        ? { ok: true, value: outcome.value }
        : { ok: false, error: outcome.error }
    );
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const batch of this.#forming.values()) this.#send(batch);
  }

  #send(batch: Batch): void {
    if (this.#forming.get(`${batch.name} ${batch.url}`) === batch) {
      this.#forming.delete(`${batch.name} ${batch.url}`);
      this.#formingCalls -= batch.calls.length;
    }
    // Calls that share a message are short: a stop request for one of them
    // would come too late anyway.
    const signal = batch.calls.length === 1 ? batch.signal : undefined;
    this.#pool.run(this.#runner, [
      batch.url,
      batch.name,
      batch.calls,
      this.#maxBytes,
    ], { signal }).result().then(
      (outcomes) => {
        record(batch.timing, median(outcomes.map((o) => o.ms)));
        outcomes.forEach((o, i) => batch.settle[i](o));
      },
      (error) => {
        // The pool worker died, or the call was stopped: every call of the
        // message fails, and the task counts as a slow one.
        record(batch.timing, Infinity);
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

function record(timing: Timing, ms: number): void {
  timing.push(ms);
  if (timing.length > RECENT) timing.shift();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}
