// Copyright 2026 the @concurrent/futures authors. MIT license.
// Where and when a pool's tasks travel: a FIFO queue, workers started on
// demand (or kept, `minWorkers`), tasks shipped in adaptive batches
// (`_pool_pacing.ts`), taken back from a busy worker by an idle one when
// workers share memory, idle workers closed.
import { BrokenExecutorError } from "../../future/errors.ts";
import type { FromWorker } from "../_protocol.ts";
import type { TransportFactory } from "../_transport.ts";
import { type PoolTask, PoolWorker } from "./worker.ts";
import { Pacing } from "./pacing.ts";
import { refOf, type TaskSpec } from "../_task.ts";
import { Fifo } from "../_fifo.ts";

export interface PoolConfig {
  maxWorkers: number;
  minWorkers: number;
  initializer: TaskSpec | undefined;
  initargs: unknown[];
  maxTasksPerWorker: number;
  idleTimeout: number;
  transport: TransportFactory;
  name: string;
  /** Whether the transport carries Blob, File and CryptoKey (default true). */
  carriesHostObjects?: boolean;
}

/** The queue and the workers of a pool, and the policy that joins them. */
export abstract class PoolScheduler {
  protected config: PoolConfig;
  protected workers = new Set<PoolWorker>();
  protected queue = new Fifo<PoolTask>();
  protected pacing = new Pacing();
  protected shut = false;
  protected broken: { message: string; cause: unknown } | undefined;
  protected completed = 0;
  protected failed = 0;
  protected waiters: (() => void)[] = [];
  #nextWorker = 1;
  #closing = new Set<Promise<void>>();
  #topUpScheduled = false;
  #dispatchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(config: PoolConfig) {
    this.config = config;
  }

  /** Whether no worker is left, not even one still dying. */
  protected get allGone(): boolean {
    return this.workers.size === 0 && this.#closing.size === 0;
  }

  /** A message from worker `w`. */
  protected abstract onMessage(w: PoolWorker, message: FromWorker): void;
  /**
   * Worker `w` is gone without being killed, running task `id`, or none
   * (`null`); `undefined` when it did not say.
   */
  protected abstract onCrash(
    w: PoolWorker,
    how: string,
    cause: unknown,
    id?: number | null,
  ): void;
  /** The pool can run nothing more: every task fails. */
  protected abstract break(message: string, cause: unknown): void;
  /** `task` has started (the head of a ready worker): its timeout runs. */
  protected abstract startClock(task: PoolTask): void;

  protected brokenError(): BrokenExecutorError {
    const { message, cause } = this.broken!;
    return new BrokenExecutorError(
      `${this.config.name} is broken: ${message}`,
      { cause },
    );
  }

  /** Fails a task's future, counting it, unless it is done already. */
  protected fail(task: PoolTask, error: unknown): void {
    if (task.future.done()) return;
    this.completed++;
    this.failed++;
    task.future.setException(error);
  }

  /**
   * Puts tasks taken back from a worker, none of which started, at the
   * front of the queue: pending again (a child's were marked running).
   */
  protected requeue(tasks: PoolTask[]): void {
    for (let i = tasks.length - 1; i >= 0; i--) {
      const task = tasks[i];
      task.future.resetRunning();
      // Time spent queued does not count: the clock starts again.
      task.clock?.();
      task.clock = undefined;
      this.queue.unshift(task);
    }
  }

  /** Whether a task submitted now could start at once. */
  protected hasIdle(): boolean {
    if (this.workers.size < this.config.maxWorkers) return true;
    for (const w of this.workers) {
      if (w.shipped.length === 0 && this.canTake(w)) return true;
    }
    return false;
  }

  /**
   * After the tasks submitted in this turn of the event loop, workers that
   * can give tasks back (shared memory) get their share of the queue at
   * once, in one message each, rather than when they next report: a burst
   * of short tasks then costs one round trip. A child process gets more
   * only when it reports, so that nothing is shipped behind a task that
   * turns out long.
   */
  protected scheduleTopUp(): void {
    if (this.#topUpScheduled) return;
    this.#topUpScheduled = true;
    queueMicrotask(() =>
      this.guard(() => {
        this.#topUpScheduled = false;
        if (this.broken !== undefined) return;
        const takers = [...this.workers].filter((w) =>
          w.sharesMemory && this.canTake(w) && !w.head?.abandoned
        );
        if (takers.length === 0) return;
        const share = Math.ceil(this.queue.length / takers.length);
        for (const w of takers) this.fill(w, share);
        this.settleIdle();
      })
    );
  }

  /** Whether a busy worker may take one more task behind its current one. */
  protected canPrefetch(): boolean {
    if (this.pacing.depth(this.queue.peek()) > 1) return false;
    const now = performance.now();
    for (const w of this.workers) {
      if (w.shipped.length === 1 && this.mayPrefetch(w, now)) return true;
    }
    return false;
  }

  /**
   * Only a worker that can give a task back holds a long one queued: a
   * child process cannot, so a task queued there behind a long one would
   * wait for it however idle the other children are, and could no longer
   * be cancelled. A child gets its next long task when it is free.
   */
  protected mayPrefetch(w: PoolWorker, now: number): boolean {
    return w.sharesMemory && this.canTake(w) && !w.head!.abandoned &&
      this.pacing.prefetch(w.head!, now - w.lastProgress);
  }

  protected canTake(w: PoolWorker): boolean {
    return w.dispatched < this.config.maxTasksPerWorker && !w.dead;
  }

  /**
   * `dispatch()` in a later turn of the event loop, after a stop: a storm
   * of stops (one signal aborting hundreds of tasks, or hundreds of
   * deadlines passing together) settles the futures before anything
   * moves, so tasks about to be stopped are neither shipped nor given
   * workers that would be killed for them at once, and the caller's
   * timers are not held up by a worker started for each stop.
   */
  protected scheduleDispatch(): void {
    if (this.#dispatchTimer !== undefined) return;
    this.#dispatchTimer = setTimeout(() => {
      this.#dispatchTimer = undefined;
      this.guard(() => this.dispatch());
    }, 0);
  }

  /** Gives queued tasks to idle workers, starting new ones as allowed. */
  protected dispatch(): void {
    if (this.broken !== undefined) return;
    const queue = this.queue;
    for (const w of this.workers) {
      while (queue.length > 0 && queue.peek()!.future.done()) queue.shift();
      if (queue.length === 0) break;
      if (w.shipped.length === 0 && this.canTake(w)) this.fillIdle(w);
    }
    while (queue.length > 0 && this.workers.size < this.config.maxWorkers) {
      while (queue.length > 0 && queue.peek()!.future.done()) queue.shift();
      if (queue.length === 0) break;
      const w = this.spawn();
      if (w === undefined) return;
      this.fillIdle(w);
    }
    if (queue.length > 0 && this.pacing.depth(queue.peek()) === 1) {
      const now = performance.now();
      for (const w of this.workers) {
        if (queue.length === 0) break;
        if (w.shipped.length === 1 && this.mayPrefetch(w, now)) this.fill(w);
      }
    }
    if (queue.length === 0) this.takeBack();
    this.settleIdle();
  }

  /**
   * Ships `w` as many queued tasks as it should hold (see `Pacing`), at
   * most `most`.
   */
  protected fill(w: PoolWorker, most = Infinity): void {
    // A worker whose task was asked to stop may be killed: whatever it
    // holds then may fail. It gets more once the stop is over.
    if (w.stopping) return;
    let depth = this.pacing.depth(this.queue.peek());
    if (
      depth === 1 && w.shipped.length === 1 &&
      this.mayPrefetch(w, performance.now())
    ) depth = 2;
    let n = Math.min(
      most,
      depth - w.shipped.length,
      this.config.maxTasksPerWorker - w.dispatched,
      w.room,
    );
    const queue = this.queue;
    const batch: PoolTask[] = [];
    while (n > 0 && queue.length > 0) {
      const task = queue.peek()!;
      if (task.future.done()) {
        queue.shift();
        continue;
      }
      // Without shared memory a stop kills the worker, and all it holds:
      // a task that may be stopped travels alone.
      if (!w.sharesMemory && task.stoppable) {
        if (batch.length === 0 && w.shipped.length === 0) {
          batch.push(queue.shift()!);
        }
        break;
      }
      if (!w.sharesMemory && w.shipped.some((t) => t.stoppable)) break;
      // Buffers transferred to a worker cannot come back: a task that moves
      // some goes only to an idle worker, where no task ahead of it can
      // hold it hostage (or make the pool kill the worker, and them). And
      // in a message of its own: Deno detaches the buffers listed for a
      // post even when the post fails, for another task's arguments.
      if (w.sharesMemory && task.transfer !== undefined) {
        if (batch.length === 0 && w.shipped.length === 0) {
          batch.push(queue.shift()!);
        }
        break;
      }
      batch.push(queue.shift()!);
      n--;
    }
    if (batch.length > 0) this.ship(w, batch);
  }

  /**
   * Fills idle worker `w` until it holds a task or the queue is empty: a
   * task that cannot be sent fails and leaves the worker idle, and nothing
   * else would give it the next one.
   */
  protected fillIdle(w: PoolWorker): void {
    while (w.shipped.length === 0 && this.queue.length > 0) this.fill(w);
  }

  /** Sends tasks to `w`; those that cannot be sent fail, alone. */
  protected ship(w: PoolWorker, tasks: PoolTask[]): void {
    const wasIdle = w.shipped.length === 0;
    try {
      w.ship(tasks);
    } catch (error) {
      if (tasks.length === 1) return this.fail(tasks[0], error);
      for (const task of tasks) this.ship(w, [task]);
      return;
    }
    if (!w.sharesMemory) {
      // A task shipped to a child process counts as running.
      for (const task of tasks) task.future.setRunningOrNotifyCancel();
    } else if (wasIdle) tasks[0].future.setRunningOrNotifyCancel();
    // A ready worker starts the first one at once; one still starting,
    // once ready (`Pool`'s "ready").
    if (wasIdle && w.ready) this.startClock(tasks[0]);
  }

  /**
   * With the queue empty, an idle worker takes back tasks waiting behind
   * a busy one: all of them if that one is stalled on a long task, else
   * the back half, so no task is held hostage by the one ahead of it.
   */
  protected takeBack(): void {
    for (const thief of this.workers) {
      if (thief.shipped.length > 0 || !thief.sharesMemory) continue;
      if (!this.canTake(thief)) continue;
      let victim: PoolWorker | undefined;
      for (const w of this.workers) {
        if (w.shipped.length > (victim?.shipped.length ?? 1)) victim = w;
      }
      if (victim === undefined) return;
      const waiting = victim.shipped.length - 1;
      const stalled = performance.now() - victim.lastProgress >
        this.pacing.stallAfter(victim.head!);
      const take = stalled ? waiting : Math.ceil(waiting / 2);
      const taken = victim.revokeFrom(victim.shipped.length - take);
      if (taken.length === 0) continue;
      this.requeue(taken);
      this.fillIdle(thief);
    }
  }

  protected spawn(): PoolWorker | undefined {
    const { name, transport, initializer, initargs } = this.config;
    let w: PoolWorker;
    try {
      w = new PoolWorker(`${name} ${this.#nextWorker++}`, transport, {
        message: (m) => this.guard(() => this.onMessage(w, m)),
        exit: (how, cause) => this.guard(() => this.onCrash(w, how, cause)),
      });
    } catch (error) {
      // E.g. permissions the program itself does not have.
      this.break("a worker could not be created", error);
      return undefined;
    }
    this.workers.add(w);
    try {
      w.init(initializer && { fn: refOf(initializer), args: initargs });
    } catch (error) {
      this.break("its initargs cannot be sent to a worker", error);
      return undefined;
    }
    return w;
  }

  /**
   * Runs an engine handler called by a transport, a timer or a promise. A
   * bug there must not become an uncaught error of the user's program
   * (which kills it): the pool breaks instead, every task fails with the
   * bug as the cause, and no future is left waiting.
   */
  protected guard(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      try {
        this.break("an internal error of the pool", error);
      } catch {
        // Breaking failed too: the tasks it reached are failed already.
      }
    }
  }

  /** Starts workers up to `minWorkers`, unless the pool is closing. */
  protected replenish(): void {
    while (
      !this.shut && this.broken === undefined &&
      this.workers.size < this.config.minWorkers
    ) {
      if (this.spawn() === undefined) return;
    }
  }

  protected remove(w: PoolWorker): void {
    if (w.dead) return;
    const closed = w.kill();
    this.workers.delete(w);
    if (closed !== undefined) {
      // shutdown() resolves once no worker is left, not even a dying one.
      this.#closing.add(closed);
      const gone = () => {
        this.#closing.delete(closed);
        this.guard(() => this.settleIdle());
      };
      closed.then(gone, gone);
    }
    this.replenish();
  }

  /**
   * Idle workers get their idle timer (beyond `minWorkers`), or go at once
   * after shutdown; the shutdown waiters are released when the last
   * worker is gone.
   */
  protected settleIdle(): void {
    const queue = this.queue;
    while (queue.length > 0 && queue.peek()!.future.done()) queue.shift();
    const drained = queue.length === 0 || this.broken !== undefined;
    for (const w of this.workers) {
      if (w.shipped.length > 0) continue;
      if (
        (this.shut && drained) ||
        w.dispatched >= this.config.maxTasksPerWorker
      ) this.remove(w);
      else if (this.workers.size > this.config.minWorkers) {
        w.startIdle(this.config.idleTimeout, () =>
          this.guard(() => {
            if (this.workers.size > this.config.minWorkers) this.remove(w);
          }));
      }
    }
    if (
      this.allGone &&
      (this.shut || this.broken)
    ) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
