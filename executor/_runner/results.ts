// Copyright 2026 the @concurrent/futures authors. MIT license.
// The results a runner sends back: several to a message, each copied if it
// waits while another task runs; one that moves buffers alone; one that
// cannot be sent fails with its own error.
import type { TaskResult } from "../_protocol.ts";
import {
  cloneableError,
  marshalError,
  type MarshalledError,
} from "../_marshal.ts";
import type { WorkerEndpoint } from "../_transport.ts";
import { isPrimitive, snapshot } from "../_snapshot.ts";
import { explainTaskError } from "./functions.ts";

/** A thrown value as data a message can carry, whatever it is. */
export function marshalFailure(thrown: unknown): MarshalledError {
  try {
    return cloneableError(marshalError(explainTaskError(thrown)));
  } catch (failure) {
    // A hostile error (a throwing getter, a revoked proxy) still reports.
    return marshalError(
      new TypeError(`The task's error could not be read: ${failure}`),
    );
  }
}

function cloneFailure(error: unknown): MarshalledError {
  const message = error instanceof Error ? error.message : String(error);
  return marshalFailure(
    new DOMException(
      `The task's result could not be cloned: ${message}`,
      "DataCloneError",
    ),
  );
}

/** The results of a runner not sent yet, and how they go. */
export class Outbox {
  #endpoint: WorkerEndpoint;
  #results: TaskResult[] = [];
  /** How many of the results are copies a later task can no longer change. */
  #held = 0;
  /** The arrays of a batch's results, built by the runner: dense, plain. */
  #built = new WeakSet<object>();
  /** The time the tasks of the results took, in ms, for the pool's pacing. */
  #busy = 0;
  /** When a message last went out. */
  lastSent = 0;

  constructor(endpoint: WorkerEndpoint) {
    this.#endpoint = endpoint;
  }

  /** How many results wait. */
  get length(): number {
    return this.#results.length;
  }

  /**
   * Adds the outcome of a task that took `took` ms. One that moves buffers
   * goes at once, alone, after those before it: Deno detaches the buffers
   * listed for a post even when the post fails, so it must not share its
   * message with a result that cannot be sent.
   */
  add(result: TaskResult, took: number, transfer: Transferable[]): void {
    if (transfer.length > 0) {
      this.flush();
      return this.#postAlone(result, took, transfer);
    }
    this.#busy += took;
    this.#results.push(result);
  }

  /** Marks `value` as an array of a batch's results that the runner built. */
  built(value: unknown[]): void {
    this.#built.add(value);
  }

  /**
   * Before another task runs, the results waiting to be sent become
   * copies: that task may change what an earlier one returned (a shared
   * cache, a reused buffer), and the caller must get each value as it was
   * when its task ended. Primitives need no copy; errors were copied when
   * they were marshalled.
   */
  hold(): void {
    const results = this.#results;
    for (let i = this.#held; i < results.length; i++) {
      const result = results[i];
      if (!result.ok || isPrimitive(result.value)) continue;
      const { id, value } = result;
      try {
        const dense = this.#built.has(value as object);
        results[i] = { id, ok: true, value: snapshot(value, dense) };
      } catch (error) {
        results[i] = { id, ok: false, error: cloneFailure(error) };
      }
    }
    this.#held = results.length;
  }

  /** Sends the results that wait, in one message if it can. */
  flush(): void {
    const out = this.#results;
    if (out.length === 0) return;
    const busy = this.#busy;
    this.#results = [];
    this.#held = 0;
    this.#busy = 0;
    this.lastSent = performance.now();
    try {
      this.#endpoint.post({ t: "done", results: out, busy });
    } catch {
      // One result cannot be sent: send them one by one, so that it alone
      // fails, with its own error.
      for (const result of out) this.#postAlone(result, busy / out.length);
    }
  }

  #postAlone(result: TaskResult, took: number, transfer?: Transferable[]) {
    this.lastSent = performance.now();
    try {
      this.#endpoint.post(
        { t: "done", results: [result], busy: took },
        transfer,
      );
    } catch (error) {
      this.#endpoint.post({
        t: "done",
        results: [{ id: result.id, ok: false, error: cloneFailure(error) }],
        busy: took,
      });
    }
  }
}
