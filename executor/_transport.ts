// Copyright 2026 the @concurrent/futures authors. MIT license.
// What the pool engine needs of a worker, whatever carries its messages: a
// Deno Worker (shared memory, postMessage) or a child process (a private
// channel, V8 serialization, SIGKILL). The engine speaks the protocol of
// `_protocol.ts` over either one.
import type { FromWorker, ToWorker } from "./_protocol.ts";

/** How a transport reports to the engine. Neither is called after `kill()`. */
export interface TransportHandlers {
  /** Each message from the worker, in the order it was sent. */
  message(message: FromWorker): void;
  /**
   * The worker is gone without being killed: it crashed, exited, closed
   * itself or ran out of memory. `how` says which, for error messages
   * ("it exited with code 3", "it was killed by SIGSEGV", ...).
   */
  exit(how: string, cause?: unknown): void;
}

/** The main-thread end of one worker. */
export interface Transport {
  /**
   * Whether the worker shares memory with the pool, so that a
   * `SharedArrayBuffer` in `init` is the same memory on both sides (the
   * task slots). A child process shares none: a task shipped to it counts
   * as running.
   */
  readonly sharesMemory: boolean;
  /**
   * Sends one message. Throws synchronously, sending nothing, when the
   * message cannot be serialized (an error named `DataCloneError`).
   * `transfer` moves buffers where the transport can (Workers); others copy.
   */
  post(message: ToWorker, transfer?: Transferable[]): void;
  /** Stops the worker for good (terminate, or SIGKILL); idempotent. */
  kill(): void;
  /**
   * Settles once the worker is gone, where the transport can tell (a child
   * process is reaped): the pool's `shutdown()` waits for it. `undefined`
   * where a kill is immediate (a Worker).
   */
  readonly closed?: Promise<void>;
}

/** Starts a worker named `name`; throws if it cannot even be created. */
export type TransportFactory = (
  name: string,
  handlers: TransportHandlers,
) => Transport;

/** The worker-side end: what the task runner needs of its channel. */
export interface WorkerEndpoint {
  /** Like `Transport.post`, from the worker to the pool. */
  post(message: FromWorker, transfer?: Transferable[]): void;
  /** Registers the one handler of messages from the pool, in order. */
  listen(handler: (message: ToWorker) => void): void;
}
