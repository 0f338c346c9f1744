// Copyright 2026 the @concurrent/futures authors. MIT license.
// The machinery of an EventLoop, asyncio's BaseEventLoop._run_once: a FIFO
// queue of ready callbacks run in rounds, a heap of timers, the virtual
// clock, and the pauses in which the host (promise callbacks, timers, I/O,
// worker messages) gets its turn (docs/architecture.md, "The loop's round").

import { MAX_TIMER_DELAY } from "../future/_timeout.ts";
import { InvalidStateError } from "../future/errors.ts";
import type { EventLoop } from "./event_loop.ts";
import type { TimerHandle } from "./timer_handle.ts";
import { heapify, heapPop, heapPush } from "./_heap.ts";
import { state } from "./_state.ts";

/** Something the ready queue runs: a callback handle or a task step. */
export interface Runnable {
  _run(): void;
}

// A macrotask: setImmediate where the runtime has one (Deno, Node, Bun),
// else a MessageChannel message (browsers), which, unlike setTimeout(0),
// is not clamped to 4 ms once nested.
const macrotask: (callback: () => void) => void = (() => {
  const immediate = (globalThis as {
    setImmediate?: (callback: () => void) => unknown;
  }).setImmediate;
  if (typeof immediate === "function") {
    return (callback) => void immediate(callback);
  }
  const callbacks: (() => void)[] = [];
  let channel: MessageChannel | undefined;
  return (callback) => {
    if (channel === undefined) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => callbacks.shift()!();
    }
    callbacks.push(callback);
    channel.port2.postMessage(null);
  };
})();

// How long the loop runs callbacks before it lets the host run promise
// callbacks, timers, I/O and worker messages.
const SLICE_MS = 10;
// Compact the timer heap when more than this many and more than half of its
// entries are cancelled (asyncio's _MIN_SCHEDULED_TIMER_HANDLES).
const MIN_COMPACT = 100;

/** The ready queue, the timers and the clock of one loop. */
export class Scheduler {
  /** Handles and tasks to run in the next round. */
  ready: Runnable[] = [];
  /** How many promises or foreign futures the loop's tasks wait on. */
  outside = 0;
  stopping = false;
  closed = false;
  #loop: EventLoop;
  #spare: Runnable[] = [];
  #timers: TimerHandle[] = [];
  #cancelledTimers = 0;
  #seq = 0;
  #virtual: boolean;
  #now = 0;
  #wake: (() => void) | null = null;

  constructor(loop: EventLoop, virtual: boolean) {
    this.#loop = loop;
    this.#virtual = virtual;
  }

  time(): number {
    return this.#virtual ? this.#now : performance.now();
  }

  /** Queues a handle or task step for the next round. */
  schedule(runnable: Runnable): void {
    this.ready.push(runnable);
    if (this.#wake !== null) this.#wake();
  }

  nextSeq(): number {
    return this.#seq++;
  }

  addTimer(handle: TimerHandle): void {
    if (this.closed) throw new InvalidStateError("The event loop is closed");
    heapPush(this.#timers, handle);
    if (this.#wake !== null) this.#wake();
  }

  timerCancelled(): void {
    this.#cancelledTimers++;
  }

  outsideDone(): void {
    this.outside--;
    if (this.#wake !== null) this.#wake();
  }

  stop(): void {
    this.stopping = true;
    if (this.#wake !== null) this.#wake();
  }

  /** Drops every pending callback and timer (for close()). */
  clear(): void {
    this.closed = true;
    this.ready.length = 0;
    for (const timer of this.#timers) timer.cancel();
    this.#timers.length = 0;
    this.#cancelledTimers = 0;
  }

  /**
   * Runs rounds for up to SLICE_MS; returns true once the loop stops, false
   * when it must wait for the host (idle, or time to let it in).
   */
  runSlice(): boolean {
    const previous = state.running;
    state.running = this.#loop;
    const end = performance.now() + SLICE_MS;
    try {
      for (;;) {
        this.#runOnce();
        if (this.stopping) return true;
        if (this.ready.length === 0) {
          const when = this.#nextDeadline();
          if (when === Infinity) return false;
          if (this.#virtual) {
            if (this.outside > 0) return false;
            if (when > this.#now) this.#now = when;
          } else if (when > performance.now()) {
            return false;
          }
        }
        if (performance.now() >= end) return false;
      }
    } finally {
      state.running = previous;
    }
  }

  /** Waits for the host: a macrotask when busy, else a wake-up or timer. */
  pause(): Promise<void> {
    const when = this.#nextDeadline();
    const due = this.#virtual
      ? when !== Infinity && this.outside === 0
      : when <= performance.now();
    if (this.ready.length > 0 || this.stopping || due) {
      return new Promise((resolve) => macrotask(resolve));
    }
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      this.#wake = () => {
        this.#wake = null;
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      if (!this.#virtual && when !== Infinity) {
        const delay = Math.ceil(when - performance.now());
        timer = setTimeout(
          this.#wake,
          Math.min(MAX_TIMER_DELAY, Math.max(0, delay)),
        );
      }
    });
  }

  /** The earliest live deadline, or Infinity; drops cancelled timers. */
  #nextDeadline(): number {
    const timers = this.#timers;
    if (
      this.#cancelledTimers > MIN_COMPACT &&
      this.#cancelledTimers * 2 > timers.length
    ) {
      let kept = 0;
      for (const timer of timers) {
        if (timer._cancelled) timer._scheduled = false;
        else timers[kept++] = timer;
      }
      timers.length = kept;
      heapify(timers);
      this.#cancelledTimers = 0;
    }
    while (timers.length > 0 && timers[0]._cancelled) {
      heapPop(timers)._scheduled = false;
      this.#cancelledTimers--;
    }
    return timers.length > 0 ? timers[0]._when : Infinity;
  }

  /** One round: due timers join the ready queue, then the queue runs. */
  #runOnce(): void {
    const timers = this.#timers;
    if (timers.length > 0 && this.#nextDeadline() <= this.time()) {
      const now = this.time();
      while (timers.length > 0 && timers[0]._when <= now) {
        const timer = heapPop(timers);
        timer._scheduled = false;
        if (timer._cancelled) this.#cancelledTimers--;
        else this.ready.push(timer);
      }
    }
    const batch = this.ready;
    if (batch.length === 0) return;
    this.ready = this.#spare;
    for (let i = 0; i < batch.length; i++) batch[i]._run();
    batch.length = 0;
    this.#spare = batch;
  }
}
