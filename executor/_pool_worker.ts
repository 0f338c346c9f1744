// Copyright 2026 the @concurrent/futures authors. MIT license.
// One worker of a pool: the Worker itself, its shared task slots, the tasks
// it holds (the one it runs, and at most one queued), and its idle timer.
import { startTimer } from "../future/_timeout.ts";
import type { PoolFuture } from "./_pool_future.ts";
import type { FunctionSource } from "./_function_source.ts";
import type { TaskSpec } from "./_task.ts";
import type { FromWorker, FunctionRef, ToWorker } from "./_protocol.ts";
import { QUEUED, REVOKED, SLOTS, STARTED, tagOf } from "./_protocol.ts";

/** A submitted task, wherever it is: in the pool's queue or on a worker. */
export interface PoolTask {
  id: number;
  fn: TaskSpec;
  args: unknown[];
  batch: boolean;
  transfer: Transferable[] | undefined;
  future: PoolFuture<unknown>;
  /** The worker holding it, if any. */
  worker: PoolWorker | undefined;
  slot: number;
  tag: number;
  /** Settled by an abort while it (probably) ran: its worker must go. */
  abandoned: boolean;
}

export interface WorkerHandlers {
  message(worker: PoolWorker, message: FromWorker): void;
  error(worker: PoolWorker, message: string): void;
}

export class PoolWorker {
  readonly name: string;
  readonly held: PoolTask[] = [];
  ready = false;
  dead = false;
  /** Tasks sent to this worker, for `maxTasksPerWorker`. */
  dispatched = 0;
  #worker: Worker;
  #slots: Int32Array;
  #sent = new Set<number>();
  #stopIdle: (() => void) | undefined;

  constructor(
    name: string,
    permissions: Deno.PermissionOptions | undefined,
    handlers: WorkerHandlers,
  ) {
    this.name = name;
    const buffer = new SharedArrayBuffer(SLOTS * 4);
    this.#slots = new Int32Array(buffer);
    this.#worker = new Worker(new URL("./_worker.ts", import.meta.url), {
      type: "module",
      name,
      ...(permissions === undefined ? {} : { deno: { permissions } }),
    });
    this.#worker.onmessage = (event: MessageEvent<FromWorker>) =>
      handlers.message(this, event.data);
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      handlers.error(this, event.message);
    };
  }

  /** Sends the start-up message; throws if `initargs` cannot be cloned. */
  init(init: { fn: FunctionRef; args: unknown[] } | undefined): void {
    const slots = this.#slots.buffer as SharedArrayBuffer;
    this.#post({ t: "init", slots, init });
  }

  /**
   * Sends a task: as the one to run now when the worker holds none, else as
   * its queued one. Throws (a `DataCloneError`) and keeps nothing if the
   * arguments cannot be cloned.
   */
  send(task: PoolTask): void {
    const head = this.held.length === 0;
    const slot = head ? 0 : 1 - this.held[0].slot;
    const tag = tagOf(task.id);
    Atomics.store(this.#slots, slot, tag | (head ? STARTED : QUEUED));
    const { fn } = task;
    const ship = "code" in fn && !this.#sent.has(fn.id);
    const ref: FunctionRef = "code" in fn
      ? (ship ? { src: fn.id, code: fn.code } : { src: fn.id })
      : fn;
    try {
      this.#post({
        t: "run",
        id: task.id,
        slot,
        tag,
        fn: ref,
        args: task.args,
        batch: task.batch,
      }, task.transfer);
    } catch (error) {
      Atomics.store(this.#slots, slot, tag | REVOKED);
      throw error;
    }
    if (ship) this.#sent.add((fn as FunctionSource).id);
    task.worker = this;
    task.slot = slot;
    task.tag = tag;
    this.held.push(task);
    this.dispatched++;
    this.stopIdle();
  }

  /**
   * Takes back a task this worker holds but has not started: `true` if the
   * worker will now never start it, `false` if it already has.
   */
  revoke(task: PoolTask): boolean {
    const old = Atomics.compareExchange(
      this.#slots,
      task.slot,
      task.tag | QUEUED,
      task.tag | REVOKED,
    );
    return old === (task.tag | QUEUED) || old === (task.tag | REVOKED);
  }

  /** Marks the task as started unless the worker already did. */
  claim(task: PoolTask): void {
    Atomics.compareExchange(
      this.#slots,
      task.slot,
      task.tag | QUEUED,
      task.tag | STARTED,
    );
  }

  /** Starts the idle timer unless it runs already. */
  startIdle(ms: number, onIdle: () => void): void {
    if (this.#stopIdle !== undefined) return;
    this.#stopIdle = startTimer(ms, onIdle);
  }

  stopIdle(): void {
    this.#stopIdle?.();
    this.#stopIdle = undefined;
  }

  terminate(): void {
    this.dead = true;
    this.stopIdle();
    this.#worker.terminate();
  }

  #post(message: ToWorker, transfer?: Transferable[]): void {
    this.#worker.postMessage(message, transfer ?? []);
  }
}
