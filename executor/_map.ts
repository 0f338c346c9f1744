// Copyright 2026 the @concurrent/futures authors. MIT license.
// The one `map` both executors share: eager, ordered, bounded by
// `buffersize`, batched by `chunksize`, with a deadline and a signal.
import type { Future } from "../future/future.ts";
import { TimeoutError } from "../future/errors.ts";
import { checkTimeout } from "../future/_timeout.ts";
import { race } from "../future/_race.ts";
import type { MapOptions } from "./executor.ts";
import { checkPositiveInteger } from "./_task.ts";
import { Fifo } from "./_fifo.ts";
import { failed } from "../future/_failed.ts";

/** Submits one batch of items and gives a future of their results. */
export type SubmitBatch<A, R> = (items: A[]) => Future<R[]>;
/** Submits one item and gives a future of its result. */
export type SubmitOne<A, R> = (item: A) => Future<R>;

/** What `mapTasks` maps, and how it submits the work. */
export interface MapTasksOptions<A, R> {
  /** The items, each the argument of one call. */
  items: Iterable<A> | AsyncIterable<A>;
  /** The caller's `map()` options. */
  options?: MapOptions;
  /** Submits one batch of items (a chunk of up to `chunksize`). */
  submitBatch: SubmitBatch<A, R>;
  /**
   * Whether items travel in chunks of `chunksize` (default `true`);
   * `false` submits each item in a batch of its own, whatever `chunksize`
   * says (an executor that runs calls where it is, with nothing to save).
   */
  batching?: boolean;
  /**
   * Submits one item as a task of its own, used when `chunksize` is 1: it
   * costs less than a batch of one (no array around the argument, nor
   * around the result).
   */
  submitOne?: SubmitOne<A, R>;
}

/**
 * Starts mapping `items` through `submitBatch` and returns the iterator of
 * results. Bad options throw at once; the executor checks that it is open
 * before calling this.
 */
export function mapTasks<A, R>(
  map: MapTasksOptions<A, R>,
): AsyncIterableIterator<R> {
  const { items, options = {}, submitBatch, batching = true, submitOne } = map;
  const { timeout, chunksize = 1, buffersize, signal } = options;
  if (timeout !== undefined) checkTimeout(timeout, "map() timeout");
  checkPositiveInteger(chunksize, "map() chunksize");
  if (buffersize !== undefined) {
    checkPositiveInteger(buffersize, "map() buffersize");
  }
  const iterator = openIterator(items);
  return new MapIterator(
    submitBatch,
    iterator,
    batching ? chunksize : 1,
    buffersize ?? Infinity,
    timeout === undefined ? Infinity : performance.now() + timeout,
    timeout,
    signal,
    batching && chunksize === 1 ? submitOne : undefined,
  );
}

type AnyIterator<A> = Iterator<A> | AsyncIterator<A>;

/** How `map` reads its items. */
interface Input<A> {
  iterator: AnyIterator<A>;
  isAsync: boolean;
  /**
   * The items themselves when they are an array read by the built-in
   * iterator: chunks are then copied by index, element by element as that
   * iterator reads them (holes as `undefined`), without a `next()` call
   * per item.
   */
  array?: readonly A[];
}

const arrayValues = Array.prototype[Symbol.iterator];
const arrayIteratorPrototype = Object.getPrototypeOf([][Symbol.iterator]());
const arrayIteratorNext = arrayIteratorPrototype.next;

function openIterator<A>(items: Iterable<A> | AsyncIterable<A>): Input<A> {
  if (
    Array.isArray(items) && items[Symbol.iterator] === arrayValues &&
    arrayIteratorPrototype.next === arrayIteratorNext
  ) {
    return { iterator: arrayValues.call(items), isAsync: false, array: items };
  }
  if (items != null) {
    const asyncIt = (items as AsyncIterable<A>)[Symbol.asyncIterator];
    if (typeof asyncIt === "function") {
      return { iterator: asyncIt.call(items), isAsync: true };
    }
    const syncIt = (items as Iterable<A>)[Symbol.iterator];
    if (typeof syncIt === "function") {
      return { iterator: syncIt.call(items), isAsync: false };
    }
  }
  throw new TypeError(
    `map() needs an iterable or async iterable of items, got ${
      items === null ? "null" : typeof items
    }`,
  );
}

class MapIterator<A, R> implements AsyncIterableIterator<R> {
  #submit: SubmitBatch<A, R>;
  #submitOne: SubmitOne<A, R> | undefined;
  #input: AnyIterator<A>;
  #isAsync: boolean;
  /** The input array, read by index (`Input.array`), and where. */
  #array: readonly A[] | undefined;
  #index = 0;
  #chunksize: number;
  #buffersize: number;
  #deadline: number;
  #timeout: number | undefined;
  #signal: AbortSignal | undefined;
  /**
   * Submitted batches whose results are not yielded yet, in order: futures
   * of arrays, or of single results with `#submitOne`.
   */
  #pending = new Fifo<Future<R[]> | Future<R>>();
  /** Results of the batch being yielded, from `#readyAt` on. */
  #ready: R[] = [];
  #readyAt = 0;
  #batch: A[] = [];
  #inputDone = false;
  #inputError: { error: unknown } | undefined = undefined;
  #pulling = false;
  #closed = false;
  /** Wakes a `next()` waiting for the async input to produce a batch. */
  #wake: (() => void) | undefined = undefined;
  /** Serialises `next()` calls made without awaiting the previous one. */
  #last: Promise<unknown> = Promise.resolve();
  #onAbort = () => this.#close();

  constructor(
    submit: SubmitBatch<A, R>,
    input: Input<A>,
    chunksize: number,
    buffersize: number,
    deadline: number,
    timeout: number | undefined,
    signal: AbortSignal | undefined,
    submitOne: SubmitOne<A, R> | undefined,
  ) {
    this.#submit = submit;
    this.#submitOne = submitOne;
    this.#input = input.iterator;
    this.#isAsync = input.isAsync;
    this.#array = input.array;
    this.#chunksize = chunksize;
    this.#buffersize = buffersize;
    this.#deadline = deadline;
    this.#timeout = timeout;
    this.#signal = signal;
    // Already aborted: the first next() closes the map and throws the reason.
    if (signal?.aborted) return;
    signal?.addEventListener("abort", this.#onAbort, { once: true });
    this.#fill();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<R> {
    return this;
  }

  /** next() and return() calls that have not settled yet. */
  #inFlight = 0;
  /** Whether a next() rejected: the map is over. */
  #failed = false;

  next(): Promise<IteratorResult<R>> {
    // A result that is ready, with no earlier next() still pending, needs
    // neither the chain nor the async step: one resolved promise per item.
    if (this.#inFlight === 0 && !this.#signal?.aborted) {
      const ready = this.#nextReady();
      if (ready !== undefined) return Promise.resolve(ready);
    }
    return this.#queue(() => {
      // After an error every later call is done, as after an async
      // generator threw.
      if (this.#failed) return { done: true, value: undefined };
      return this.#step().catch((error) => {
        this.#failed = true;
        throw error;
      });
    });
  }

  return(): Promise<IteratorResult<R>> {
    return this.#queue(() => {
      this.#close();
      return { done: true, value: undefined };
    });
  }

  /** Runs `step` after every earlier call, in order, as async generators do. */
  #queue(
    step: () => IteratorResult<R> | Promise<IteratorResult<R>>,
  ): Promise<IteratorResult<R>> {
    this.#inFlight++;
    const result = this.#last.then(step);
    const settled = () => {
      this.#inFlight--;
    };
    this.#last = result.then(settled, settled);
    return result;
  }

  async #step(): Promise<IteratorResult<R>> {
    while (true) {
      if (this.#signal?.aborted) {
        this.#close();
        throw this.#signal.reason;
      }
      const ready = this.#nextReady();
      if (ready !== undefined) return ready;
      if (this.#closed) return { done: true, value: undefined };
      const head = this.#pending.peek();
      if (head !== undefined) {
        let results: R[];
        try {
          // A result that is ready is yielded even past the deadline, as
          // Python's Future.result(timeout) returns a done future's value.
          results = this.#values(
            head.done()
              ? head.resultNow()
              : await this.#within<R[] | R>(head.result()),
          );
        } catch (error) {
          this.#close();
          throw error;
        }
        this.#pending.shift();
        this.#ready = results;
        this.#readyAt = 0;
        this.#fill();
        continue;
      }
      if (this.#inputError !== undefined) {
        this.#close();
        throw this.#inputError.error;
      }
      if (this.#inputDone) {
        this.#close();
        return { done: true, value: undefined };
      }
      // Only an async input can leave nothing submitted and not be done.
      try {
        await this.#within(
          new Promise<void>((resolve) => this.#wake = resolve),
        );
      } catch (error) {
        this.#close();
        throw error;
      }
    }
  }

  /**
   * The next result that needs no waiting: from the batch being yielded,
   * else from the batches after it that are already done, taken in turn,
   * so that their items are yielded without an async step each (with
   * `chunksize` 1, a batch is one item). A failed or cancelled batch stays
   * pending, to throw in its turn. Not with a `buffersize`: a batch taken
   * early would stop counting against it before it is yielded.
   */
  #nextReady(): IteratorResult<R> | undefined {
    while (true) {
      if (this.#readyAt < this.#ready.length) {
        return { done: false, value: this.#ready[this.#readyAt++] };
      }
      if (this.#buffersize !== Infinity) return undefined;
      const next = this.#pending.peek();
      if (
        next === undefined || !next.done() || next.cancelled() || failed(next)
      ) {
        return undefined;
      }
      this.#pending.shift();
      if (this.#submitOne !== undefined) {
        return { done: false, value: next.resultNow() as R };
      }
      this.#ready = next.resultNow() as R[];
      this.#readyAt = 0;
    }
  }

  /** The results of a batch, from what its future gave. */
  #values(settled: R[] | R): R[] {
    return this.#submitOne === undefined ? settled as R[] : [settled as R];
  }

  /** Races `promise` against the deadline and the signal. */
  #within<T>(promise: Promise<T>): Promise<T> {
    const signal = this.#signal;
    if (this.#deadline === Infinity && signal === undefined) return promise;
    const timeout = this.#deadline === Infinity
      ? undefined
      : Math.ceil(this.#deadline - performance.now());
    return race(promise, { timeout, signal }, () => this.#timeoutError());
  }

  #timeoutError(): TimeoutError {
    return new TimeoutError(
      `map() results were not ready within ${this.#timeout} ms`,
    );
  }

  /** Reads input and submits batches while the buffer has room. */
  #fill(): void {
    while (
      !this.#closed && !this.#inputDone && !this.#pulling &&
      this.#pending.length < this.#buffersize
    ) {
      if (this.#isAsync) {
        this.#pulling = true;
        let next: Promise<IteratorResult<A>>;
        try {
          next = Promise.resolve((this.#input as AsyncIterator<A>).next());
        } catch (error) {
          next = Promise.reject(error);
        }
        next.then((r) => {
          this.#pulling = false;
          if (this.#closed) return;
          this.#take(r);
          this.#fill();
        }, (error) => {
          this.#pulling = false;
          this.#failInput(error);
        }).finally(() => {
          const wake = this.#wake;
          this.#wake = undefined;
          wake?.();
        });
        return;
      }
      if (this.#array !== undefined) {
        this.#takeChunk(this.#array);
        continue;
      }
      let r: IteratorResult<A>;
      try {
        r = (this.#input as Iterator<A>).next();
      } catch (error) {
        this.#failInput(error);
        return;
      }
      this.#take(r);
    }
  }

  /**
   * Takes the next chunk of an array input, reading it as the array's
   * iterator would: the length before each element (so items added while
   * the map runs are mapped too, and an array cut short by an element's
   * getter ends there), then submits it. An element's getter that throws
   * ends the input there: the items read before it are submitted first.
   */
  #takeChunk(array: readonly A[]): void {
    const chunk: A[] = [];
    let index = this.#index;
    try {
      while (chunk.length < this.#chunksize && index < array.length) {
        chunk.push(array[index++]);
      }
    } catch (error) {
      this.#batch = chunk;
      return this.#failInput(error);
    }
    this.#index = index;
    if (chunk.length === 0) return this.#take({ done: true, value: undefined });
    this.#batch = chunk;
    this.#flush();
  }

  #take(r: IteratorResult<A>): void {
    if (r.done) {
      this.#inputDone = true;
      this.#flush();
      return;
    }
    this.#batch.push(r.value);
    if (this.#batch.length >= this.#chunksize) this.#flush();
  }

  #flush(): void {
    if (this.#batch.length === 0) return;
    try {
      if (this.#submitOne !== undefined) {
        const item = this.#batch[0];
        this.#batch.length = 0; // one item at a time: the array is reused
        this.#pending.push(this.#submitOne(item));
      } else {
        const batch = this.#batch;
        this.#batch = [];
        this.#pending.push(this.#submit(batch));
      }
    } catch (error) {
      // The executor was shut down while the map still read its input:
      // what was submitted is yielded, then this error.
      this.#inputDone = true;
      this.#inputError ??= { error };
    }
  }

  #failInput(error: unknown): void {
    this.#inputDone = true;
    this.#inputError = { error };
    if (!this.#closed) this.#flush();
  }

  /** Stops reading input and cancels every batch that has not started. */
  #close(): void {
    if (this.#closed && this.#pending.length === 0) return;
    this.#closed = true;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    for (const future of this.#pending.drain()) future.cancel();
    this.#ready = [];
    this.#readyAt = 0;
    if (!this.#inputDone) {
      this.#inputDone = true;
      try {
        const r = this.#input.return?.();
        if (r instanceof Promise) r.catch(() => {});
      } catch {
        // The input's own cleanup failing must not hide the map's outcome.
      }
    }
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
