// Copyright 2026 the @concurrent/futures authors. MIT license.
// The pool's side of one worker: its transport, the tasks shipped to it and
// not finished (in the order it runs them), their shared slots when the
// worker shares memory, and its idle timer.
import { startTimer } from "../../future/_timeout.ts";
import type { PoolFuture } from "./future.ts";
import type { TaskSpec } from "../_task.ts";
import type { PaceKey } from "./pacing.ts";
import type { FunctionRef, RunTask } from "../_protocol.ts";
import {
  MAX_SHIPPED,
  QUEUED,
  REVOKED,
  STARTED,
  STOP_AREA_OFFSET,
  STOPPED,
  tagOf,
} from "../_protocol.ts";
import { STOP_AREA_BYTES, type StopReason, writeStop } from "../_stop.ts";
import type {
  Transport,
  TransportFactory,
  TransportHandlers,
} from "../_transport.ts";

/** A submitted task, wherever it is: in the pool's queue or on a worker. */
export interface PoolTask {
  id: number;
  fn: TaskSpec;
  /** What the pool learns this task's usual length under. */
  key: PaceKey;
  /** How many calls of its function it makes (a map chunk's length). */
  calls: number;
  args: unknown[];
  batch: boolean;
  transfer: Transferable[] | undefined;
  future: PoolFuture<unknown>;
  /** Receives its progress values, while the future is pending. */
  onProgress: ((value: unknown) => void) | undefined;
  /** Whether a signal or a timeout may stop it while it runs. */
  stoppable: boolean;
  /** Milliseconds of running time it may take (`RunOptions.timeout`). */
  timeout: number | undefined;
  /** Disarms its timeout, armed once it started (the head of a worker). */
  clock: (() => void) | undefined;
  /** Milliseconds it gets to end by itself once stopped. */
  grace: number;
  /** Why it was stopped, once it was. */
  stop: StopReason | undefined;
  /** The worker it was shipped to, until it finishes or comes back. */
  worker: PoolWorker | undefined;
  slot: number;
  tag: number;
  /** Settled by an abort while it (probably) ran: its worker must go. */
  abandoned: boolean;
}

export { MAX_SHIPPED };

export class PoolWorker {
  readonly name: string;
  /** Whether shipped tasks can be taken back (shared slots). */
  readonly sharesMemory: boolean;
  /** Shipped and not finished, in order; the first one runs. */
  readonly shipped: PoolTask[] = [];
  ready = false;
  dead = false;
  /** Tasks shipped to this worker, for `maxTasksPerWorker`. */
  dispatched = 0;
  /** When the pool last heard of progress, or the worker became busy. */
  lastProgress = performance.now();
  #transport: Transport;
  #slots: Int32Array | undefined;
  #freeSlots: number[] = [];
  #shipments = 0;
  #sent = new Set<number>();
  #stopIdle: (() => void) | undefined;
  /**
   * Shipped tasks asked to stop, each with the end of its grace timer
   * while that runs.
   */
  #stops = new Map<PoolTask, (() => void) | undefined>();

  /** Starts the worker; throws if it cannot even be created. */
  constructor(
    name: string,
    factory: TransportFactory,
    handlers: TransportHandlers,
  ) {
    this.name = name;
    this.#transport = factory(name, handlers);
    this.sharesMemory = this.#transport.sharesMemory;
    if (this.sharesMemory) {
      const shared = new SharedArrayBuffer(STOP_AREA_OFFSET + STOP_AREA_BYTES);
      this.#slots = new Int32Array(shared, 0, MAX_SHIPPED);
      for (let i = MAX_SHIPPED - 1; i >= 0; i--) this.#freeSlots.push(i);
    }
  }

  /** The task it runs (or is about to), if any. */
  get head(): PoolTask | undefined {
    return this.shipped[0];
  }

  /** Sends the start-up message; throws if `initargs` cannot be cloned. */
  init(init: { fn: FunctionRef; args: unknown[] } | undefined): void {
    const slots = this.#slots?.buffer as SharedArrayBuffer | undefined;
    this.#transport.post({ t: "init", slots, init });
  }

  /**
   * Ships tasks in one message, to run after those it holds. Throws (a
   * `DataCloneError`) and keeps nothing if one cannot be sent. The first
   * task shipped to an empty worker that is ready is marked started at
   * once; one shipped to a worker still starting can be taken back until
   * it starts (`revoke`).
   */
  ship(tasks: PoolTask[]): void {
    const start = this.shipped.length === 0;
    const message: RunTask[] = new Array(tasks.length);
    let transfer: Transferable[] | undefined;
    const fresh: number[] = [];
    let built = 0;
    try {
      for (; built < tasks.length; built++) {
        const task = tasks[built];
        const { fn } = task;
        let ref: FunctionRef;
        if ("code" in fn) {
          const ship = !this.#sent.has(fn.id) && !fresh.includes(fn.id);
          if (ship) fresh.push(fn.id);
          ref = ship ? { src: fn.id, code: fn.code } : { src: fn.id };
        } else ref = fn;
        const tag = tagOf(++this.#shipments);
        task.tag = tag;
        const slot = this.#slots === undefined ? -1 : this.#freeSlots.pop()!;
        task.slot = slot;
        if (slot >= 0) {
          Atomics.store(
            this.#slots!,
            slot,
            tag | (start && built === 0 && this.ready ? STARTED : QUEUED),
          );
        }
        if (task.transfer !== undefined) {
          (transfer ??= []).push(...task.transfer);
        }
        message[built] = {
          id: task.id,
          slot,
          tag,
          fn: ref,
          args: task.args,
          batch: task.batch,
        };
        if (task.onProgress !== undefined) message[built].progress = true;
        if (task.stoppable) message[built].stoppable = true;
      }
      this.#transport.post({ t: "run", tasks: message }, transfer);
    } catch (error) {
      // Every slot taken goes back, or the worker runs out of them.
      const last = Math.min(built, tasks.length - 1);
      for (let i = 0; i <= last; i++) this.#freeSlot(tasks[i]);
      throw error;
    }
    for (const id of fresh) this.#sent.add(id);
    for (const task of tasks) {
      task.worker = this;
      this.shipped.push(task);
    }
    this.dispatched += tasks.length;
    if (this.shipped.length === tasks.length) {
      this.lastProgress = performance.now();
    }
    this.stopIdle();
  }

  /**
   * Takes back a shipped task that has not started: `true` if the worker
   * will now never start it (it is no longer held here), `false` if it has
   * started or cannot be taken back (no shared memory).
   */
  revoke(task: PoolTask): boolean {
    if (this.#slots === undefined || task.worker !== this) return false;
    const old = Atomics.compareExchange(
      this.#slots,
      task.slot,
      task.tag | QUEUED,
      task.tag | REVOKED,
    );
    if (old !== (task.tag | QUEUED)) return false;
    this.shipped.splice(this.shipped.indexOf(task), 1);
    this.#release(task);
    return true;
  }

  /**
   * Takes back every task from index `from` on that has not started (and
   * can move: not one whose buffers were transferred to this worker).
   * Returns those taken back, in order.
   */
  revokeFrom(from: number): PoolTask[] {
    if (this.#slots === undefined) return [];
    const taken: PoolTask[] = [];
    for (const task of this.shipped.slice(from)) {
      if (task.transfer === undefined && this.revoke(task)) taken.push(task);
    }
    return taken;
  }

  /**
   * Marks a shipped task as started unless the worker already did; `false`
   * if it was taken back. Once it is, `revoke` can no longer win.
   */
  claim(task: PoolTask): boolean {
    if (this.#slots === undefined) return true;
    const old = Atomics.compareExchange(
      this.#slots,
      task.slot,
      task.tag | QUEUED,
      task.tag | STARTED,
    );
    return old !== (task.tag | REVOKED);
  }

  /**
   * Whether a shipped task has started (or was stopped), as far as the
   * pool can tell: without shared memory it cannot, and says `false`.
   */
  hasStarted(task: PoolTask): boolean {
    if (this.#slots === undefined || task.slot < 0) return false;
    return Atomics.load(this.#slots, task.slot) !== (task.tag | QUEUED);
  }

  /**
   * Asks a running task to stop: its stop flag goes up where it shares
   * memory (the reason left beside it first), and a "stop" message
   * follows for code that awaits. The flag moves only from its own
   * shipment's `STARTED`, so a task that has ended is not concerned.
   */
  requestStop(task: PoolTask, reason: StopReason): void {
    if (task.worker === this && !this.#stops.has(task)) {
      this.#stops.set(task, undefined);
    }
    const slots = this.#slots;
    if (slots !== undefined && task.slot >= 0) {
      writeStop(
        slots.buffer as SharedArrayBuffer,
        STOP_AREA_OFFSET,
        task.tag,
        reason,
      );
      Atomics.compareExchange(
        slots,
        task.slot,
        task.tag | STARTED,
        task.tag | STOPPED,
      );
    }
    try {
      this.#transport.post({ t: "stop", id: task.id, reason });
    } catch {
      // The reason was checked; a worker that is gone needs no message.
    }
  }

  /** Whether a task it holds was asked to stop: it gets no more tasks. */
  get stopping(): boolean {
    return this.#stops.size > 0;
  }

  /** Whether `task` was asked to stop here. */
  isStopping(task: PoolTask): boolean {
    return this.#stops.has(task);
  }

  /** Whether the grace of stopped `task` still runs. */
  inGrace(task: PoolTask): boolean {
    return this.#stops.get(task) !== undefined;
  }

  /**
   * Calls `onExpiry` in `ms` unless stopped `task` finishes (or leaves
   * this worker) first.
   */
  startGrace(task: PoolTask, ms: number, onExpiry: () => void): void {
    if (!this.#stops.has(task)) return;
    this.#stops.get(task)?.();
    const end = startTimer(ms, () => {
      if (this.#stops.get(task) === end) this.#stops.set(task, undefined);
      onExpiry();
    });
    this.#stops.set(task, end);
  }

  /** Forgets the stop of a task that is no longer here. */
  #forgetStop(task: PoolTask): void {
    if (this.#stops.size === 0) return;
    this.#stops.get(task)?.();
    this.#stops.delete(task);
  }

  #forgetStops(): void {
    for (const end of this.#stops.values()) end?.();
    this.#stops.clear();
  }

  /** The head task finished (its result is in); returns it. */
  finishHead(): PoolTask {
    const task = this.shipped.shift()!;
    this.#release(task);
    this.lastProgress = performance.now();
    return task;
  }

  /** Everything shipped and not finished, now no longer held here. */
  takeAll(): PoolTask[] {
    const tasks = this.shipped.splice(0);
    for (const task of tasks) this.#release(task);
    return tasks;
  }

  #release(task: PoolTask): void {
    task.worker = undefined;
    this.#forgetStop(task);
    this.#freeSlot(task);
  }

  #freeSlot(task: PoolTask): void {
    if (task.slot >= 0) this.#freeSlots.push(task.slot);
    task.slot = -1;
  }

  /** Slots left for more tasks. */
  get room(): number {
    return this.#slots === undefined ? MAX_SHIPPED : this.#freeSlots.length;
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

  /**
   * Stops the worker for good. Returns a promise that settles once it is
   * gone, when the transport can tell (a child process is reaped).
   */
  kill(): Promise<void> | undefined {
    this.dead = true;
    this.stopIdle();
    this.#forgetStops();
    this.#transport.kill();
    return this.#transport.closed;
  }
}
