// Copyright 2026 the @concurrent/futures authors. MIT license.
// The scheduling engine behind both worker pools, over any transport: a
// FIFO queue of tasks, workers started on demand (or kept, `minWorkers`),
// tasks shipped in adaptive batches, taken back from a busy worker by an
// idle one (with shared memory), aborts that stop only the worker they
// must, crash recovery.
import {
  BrokenExecutorError,
  InvalidStateError,
  TimeoutError,
  WorkerCrashedError,
} from "../future/errors.ts";
import { checkTimeout, startTimer } from "../future/_timeout.ts";
import type { Future } from "../future/future.ts";
import type { ExecutorStats, RunOptions } from "./executor.ts";
import type { FromWorker } from "./_protocol.ts";
import type { TransportFactory } from "./_transport.ts";
import { unmarshalError } from "./_marshal.ts";
import { PoolFuture } from "./_pool_future.ts";
import { type PoolTask, PoolWorker } from "./_pool_worker.ts";
import { Pacing } from "./_pool_pacing.ts";
import { needsCloneCheck, refOf, type TaskSpec } from "./_task.ts";
import { Fifo } from "./_fifo.ts";

export interface PoolConfig {
  maxWorkers: number;
  minWorkers: number;
  initializer: TaskSpec | undefined;
  initargs: unknown[];
  maxTasksPerWorker: number;
  idleTimeout: number;
  transport: TransportFactory;
  name: string;
}

export class Pool {
  #config: PoolConfig;
  #workers = new Set<PoolWorker>();
  #queue = new Fifo<PoolTask>();
  #pacing = new Pacing();
  #nextId = 1;
  #nextWorker = 1;
  #shut = false;
  #broken: { message: string; cause: unknown } | undefined;
  #completed = 0;
  #failed = 0;
  #waiters: (() => void)[] = [];
  #closing = new Set<Promise<void>>();
  #topUpScheduled = false;

  constructor(config: PoolConfig) {
    this.#config = config;
    this.#replenish();
  }

  get stats(): ExecutorStats {
    let busy = 0;
    let queued = 0;
    for (const w of this.#workers) {
      if (w.shipped.length > 0) busy++;
      for (let i = 1; i < w.shipped.length; i++) {
        if (!w.shipped[i].future.done()) queued++;
      }
    }
    for (const task of this.#queue) if (!task.future.done()) queued++;
    return {
      workers: this.#workers.size,
      busy,
      queued,
      completed: this.#completed,
      failed: this.#failed,
    };
  }

  /** @throws {InvalidStateError} After shutdown. */
  checkOpen(): void {
    if (this.#shut) {
      throw new InvalidStateError(
        `Cannot submit to ${this.#config.name} after shutdown`,
      );
    }
  }

  submit(
    spec: TaskSpec,
    args: unknown[],
    options: RunOptions & { batch?: boolean },
  ): Future<unknown> {
    const { signal, timeout, transfer, batch = false } = options;
    this.checkOpen();
    if (timeout !== undefined) checkTimeout(timeout, "run() timeout");
    const task: PoolTask = {
      id: this.#nextId++,
      fn: spec,
      args,
      batch,
      transfer,
      future: new PoolFuture(() => this.#revoke(task)),
      stoppable: timeout !== undefined || signal !== undefined,
      worker: undefined,
      slot: -1,
      tag: 0,
      abandoned: false,
    };
    const { future } = task;
    if (this.#broken !== undefined) {
      this.#fail(task, this.#brokenError());
      return future;
    }
    if (signal?.aborted) {
      future.forceCancel();
      return future;
    }
    if (task.stoppable) {
      const stop = timeout === undefined ? () => {} : startTimer(
        timeout,
        () =>
          this.#abort(
            task,
            new TimeoutError(
              `The task did not finish within ${timeout} ms`,
            ),
          ),
      );
      const onAbort = () => this.#abort(task, undefined);
      signal?.addEventListener("abort", onAbort, { once: true });
      future.addDoneCallback(() => {
        stop();
        signal?.removeEventListener("abort", onAbort);
      });
    }
    this.#queue.push(task);
    // Only an idle (or new) worker takes a task now, or one that may hold
    // a long task queued; busy ones get more when they report progress, in
    // one batch.
    if (this.#hasIdle() || this.#canPrefetch()) this.#dispatch();
    else if (this.#pacing.depth > 1) this.#scheduleTopUp();
    // A task that has to wait is checked now, so that bad arguments fail
    // its future at once rather than when a worker frees up.
    if (
      task.worker === undefined && !future.done() && !batch &&
      transfer === undefined &&
      needsCloneCheck(args)
    ) {
      try {
        structuredClone(args);
      } catch (error) {
        this.#fail(task, error); // a done task is skipped by #dispatch
      }
    }
    return future;
  }

  shutdown(wait: boolean, cancelFutures: boolean): Promise<void> {
    this.#shut = true;
    if (cancelFutures) {
      for (const task of this.#queue.drain()) task.future.forceCancel();
      for (const w of this.#workers) {
        for (const task of w.revokeFrom(1)) task.future.forceCancel();
      }
    }
    this.#settleIdle();
    if (!wait || (this.#workers.size === 0 && this.#closing.size === 0)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  terminateWorkers(): void {
    this.#shut = true;
    for (const task of this.#queue.drain()) task.future.forceCancel();
    for (const w of [...this.#workers]) {
      for (const task of w.revokeFrom(1)) task.future.forceCancel();
      const tasks = w.takeAll();
      this.#remove(w);
      for (const task of tasks) {
        this.#fail(
          task,
          new WorkerCrashedError(
            `Worker "${w.name}" was terminated by terminateWorkers()`,
          ),
        );
      }
    }
    this.#settleIdle();
  }

  #brokenError(): BrokenExecutorError {
    const { message, cause } = this.#broken!;
    return new BrokenExecutorError(
      `${this.#config.name} is broken: ${message}`,
      { cause },
    );
  }

  /** Fails a task's future, counting it, unless it is done already. */
  #fail(task: PoolTask, error: unknown): void {
    if (task.future.done()) return;
    this.#completed++;
    this.#failed++;
    task.future.setException(error);
  }

  /** `Future.cancel()` of a task that has not started (base still pending). */
  #revoke(task: PoolTask): boolean {
    const w = task.worker;
    // Still in the pool's queue: once cancelled, #dispatch skips it (so a
    // mass cancel costs no more than the queue's length).
    if (w === undefined) return true;
    if (w.head !== task && w.revoke(task)) return true;
    task.future.setRunningOrNotifyCancel();
    return false;
  }

  /** Puts tasks taken back from a worker at the front of the queue. */
  #requeue(tasks: PoolTask[]): void {
    for (let i = tasks.length - 1; i >= 0; i--) this.#queue.unshift(tasks[i]);
  }

  /** An abort (`error` undefined) or a timeout of a task, wherever it is. */
  #abort(task: PoolTask, error: TimeoutError | undefined): void {
    const { future } = task;
    if (future.done()) return;
    const settle = () => {
      if (error === undefined) future.forceCancel();
      else this.#fail(task, error);
    };
    const w = task.worker;
    if (w === undefined) return settle();
    if (w.head !== task) {
      if (w.revoke(task)) {
        settle();
        return this.#dispatch();
      }
      // It started, so the tasks before it are done and their results on
      // the way: the worker goes once they are in.
      task.abandoned = true;
      return settle();
    }
    this.#stopHead(w);
    settle();
    this.#dispatch();
  }

  /**
   * The head task of `w` was settled while it may run: the tasks behind it
   * go back to the queue and the worker is killed, unless one of them has
   * started, which means the head has ended already.
   */
  #stopHead(w: PoolWorker): void {
    const head = w.head!;
    head.abandoned = true;
    this.#requeue(w.revokeFrom(1));
    if (w.shipped.length > 1 && w.sharesMemory) return;
    const rest = w.takeAll();
    this.#remove(w);
    for (const task of rest) {
      if (task === head) continue;
      // Only without shared memory: a task shipped behind one that had to
      // stop (stoppable tasks travel alone, so this is a last resort).
      this.#fail(
        task,
        new WorkerCrashedError(
          `Worker "${w.name}" was killed to stop a task ahead of this one`,
        ),
      );
    }
  }

  #onMessage(w: PoolWorker, message: FromWorker): void {
    if (w.dead) return;
    switch (message.t) {
      case "done":
        return this.#onResults(w, message);
      case "ready":
        w.ready = true;
        return;
      case "initError":
        return this.#break(
          `the initializer failed in worker "${w.name}"`,
          unmarshalError(message.error),
        );
      case "crash":
        return this.#onCrash(
          w,
          message.how,
          message.error && unmarshalError(message.error),
          message.id,
        );
    }
  }

  #onResults(w: PoolWorker, message: Extract<FromWorker, { t: "done" }>) {
    const { results } = message;
    this.#pacing.record(results.length, message.busy);
    for (const result of results) {
      const task = w.head;
      if (task === undefined || task.id !== result.id) continue;
      w.finishHead();
      if (task.future.done()) continue; // aborted: its result is dropped
      this.#completed++;
      if (result.ok) task.future.setResult(result.value);
      else {
        this.#failed++;
        task.future.setException(unmarshalError(result.error));
      }
    }
    this.#advance(w);
    if (w.dead) return this.#dispatch();
    if (w.dispatched >= this.#config.maxTasksPerWorker) {
      if (w.shipped.length === 0) this.#remove(w);
    } else if (w.shipped.length <= this.#pacing.batch) {
      this.#fill(w);
    }
    this.#dispatch();
  }

  /** After results: the new head task is marked as running. */
  #advance(w: PoolWorker): void {
    const head = w.head;
    if (head === undefined) return;
    if (head.abandoned) return this.#stopHead(w);
    w.claim(head);
    // A failed cancel() may have marked it running already.
    if (head.future.state === "pending") head.future.setRunningOrNotifyCancel();
  }

  #onCrash(w: PoolWorker, how: string, cause: unknown, id?: number): void {
    if (w.dead) return;
    if (!w.ready) {
      return this.#break(`worker "${w.name}" could not start: ${how}`, cause);
    }
    const tasks = [...w.shipped];
    let blamed = tasks.findIndex((task) => task.id === id);
    if (blamed < 0) blamed = 0;
    // Those behind the one that ran never started: back to the queue.
    this.#requeue(w.revokeFrom(blamed + 1));
    const message = `Worker "${w.name}" died while running a task: ${how}`;
    const requeue: PoolTask[] = [];
    const left = w.takeAll();
    this.#remove(w);
    for (const task of left) {
      const index = tasks.indexOf(task);
      if (!w.sharesMemory && index > blamed) requeue.push(task);
      else this.#fail(task, new WorkerCrashedError(message, { cause }));
    }
    this.#requeue(requeue);
    this.#dispatch();
  }

  #break(message: string, cause: unknown): void {
    if (this.#broken !== undefined) return;
    if (cause instanceof Error && !message.includes(cause.message)) {
      message += ` (${cause.name}: ${cause.message})`;
    }
    this.#broken = { message, cause };
    const tasks = this.#queue.drain();
    for (const w of [...this.#workers]) {
      tasks.push(...w.takeAll());
      this.#remove(w);
    }
    for (const task of tasks) this.#fail(task, this.#brokenError());
    this.#settleIdle();
  }

  /** Whether a task submitted now could start at once. */
  #hasIdle(): boolean {
    if (this.#workers.size < this.#config.maxWorkers) return true;
    for (const w of this.#workers) {
      if (w.shipped.length === 0 && this.#canTake(w)) return true;
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
  #scheduleTopUp(): void {
    if (this.#topUpScheduled) return;
    this.#topUpScheduled = true;
    queueMicrotask(() => {
      this.#topUpScheduled = false;
      if (this.#broken !== undefined) return;
      const takers = [...this.#workers].filter((w) =>
        w.sharesMemory && this.#canTake(w) && !w.head?.abandoned
      );
      if (takers.length === 0) return;
      const share = Math.ceil(this.#queue.length / takers.length);
      for (const w of takers) this.#fill(w, share);
      this.#settleIdle();
    });
  }

  /** Whether a busy worker may take one more task behind its current one. */
  #canPrefetch(): boolean {
    if (this.#pacing.depth > 1) return false;
    const now = performance.now();
    for (const w of this.#workers) {
      if (w.shipped.length === 1 && this.#mayPrefetch(w, now)) return true;
    }
    return false;
  }

  /**
   * Only a worker that can give a task back holds a long one queued: a
   * child process cannot, so a task queued there behind a long one would
   * wait for it however idle the other children are, and could no longer
   * be cancelled. A child gets its next long task when it is free.
   */
  #mayPrefetch(w: PoolWorker, now: number): boolean {
    return w.sharesMemory && this.#canTake(w) && !w.head!.abandoned &&
      this.#pacing.prefetch(now - w.lastProgress);
  }

  #canTake(w: PoolWorker): boolean {
    return w.dispatched < this.#config.maxTasksPerWorker && !w.dead;
  }

  /** Gives queued tasks to idle workers, starting new ones as allowed. */
  #dispatch(): void {
    if (this.#broken !== undefined) return;
    const queue = this.#queue;
    for (const w of this.#workers) {
      while (queue.length > 0 && queue.peek()!.future.done()) queue.shift();
      if (queue.length === 0) break;
      if (w.shipped.length === 0 && this.#canTake(w)) this.#fill(w);
    }
    while (queue.length > 0 && this.#workers.size < this.#config.maxWorkers) {
      while (queue.length > 0 && queue.peek()!.future.done()) queue.shift();
      if (queue.length === 0) break;
      const w = this.#spawn();
      if (w === undefined) return;
      this.#fill(w);
    }
    if (queue.length > 0 && this.#pacing.depth === 1) {
      const now = performance.now();
      for (const w of this.#workers) {
        if (queue.length === 0) break;
        if (w.shipped.length === 1 && this.#mayPrefetch(w, now)) this.#fill(w);
      }
    }
    if (queue.length === 0) this.#takeBack();
    this.#settleIdle();
  }

  /**
   * Ships `w` as many queued tasks as it should hold (see `Pacing`), at
   * most `most`.
   */
  #fill(w: PoolWorker, most = Infinity): void {
    let depth = this.#pacing.depth;
    if (
      depth === 1 && w.shipped.length === 1 &&
      this.#mayPrefetch(w, performance.now())
    ) depth = 2;
    let n = Math.min(
      most,
      depth - w.shipped.length,
      this.#config.maxTasksPerWorker - w.dispatched,
      w.room,
    );
    const queue = this.#queue;
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
      batch.push(queue.shift()!);
      n--;
    }
    if (batch.length > 0) this.#ship(w, batch);
  }

  /** Sends tasks to `w`; those that cannot be sent fail, alone. */
  #ship(w: PoolWorker, tasks: PoolTask[]): void {
    const wasIdle = w.shipped.length === 0;
    try {
      w.ship(tasks);
    } catch (error) {
      if (tasks.length === 1) return this.#fail(tasks[0], error);
      for (const task of tasks) this.#ship(w, [task]);
      return;
    }
    if (!w.sharesMemory) {
      // A task shipped to a child process counts as running.
      for (const task of tasks) task.future.setRunningOrNotifyCancel();
    } else if (wasIdle) tasks[0].future.setRunningOrNotifyCancel();
  }

  /**
   * With the queue empty, an idle worker takes back tasks waiting behind
   * a busy one: all of them if that one is stalled on a long task, else
   * the back half, so no task is held hostage by the one ahead of it.
   */
  #takeBack(): void {
    for (const thief of this.#workers) {
      if (thief.shipped.length > 0 || !thief.sharesMemory) continue;
      if (!this.#canTake(thief)) continue;
      let victim: PoolWorker | undefined;
      for (const w of this.#workers) {
        if (w.shipped.length > (victim?.shipped.length ?? 1)) victim = w;
      }
      if (victim === undefined) return;
      const waiting = victim.shipped.length - 1;
      const stalled = performance.now() - victim.lastProgress >
        this.#pacing.stallAfter;
      const take = stalled ? waiting : Math.ceil(waiting / 2);
      const taken = victim.revokeFrom(victim.shipped.length - take);
      if (taken.length === 0) continue;
      this.#requeue(taken);
      this.#fill(thief);
    }
  }

  #spawn(): PoolWorker | undefined {
    const { name, transport, initializer, initargs } = this.#config;
    let w: PoolWorker;
    try {
      w = new PoolWorker(`${name} ${this.#nextWorker++}`, transport, {
        message: (m) => this.#onMessage(w, m),
        exit: (how, cause) => this.#onCrash(w, how, cause),
      });
    } catch (error) {
      // E.g. permissions the program itself does not have.
      this.#break("a worker could not be created", error);
      return undefined;
    }
    this.#workers.add(w);
    try {
      w.init(initializer && { fn: refOf(initializer), args: initargs });
    } catch (error) {
      this.#break("its initargs cannot be sent to a worker", error);
      return undefined;
    }
    return w;
  }

  /** Starts workers up to `minWorkers`, unless the pool is closing. */
  #replenish(): void {
    while (
      !this.#shut && this.#broken === undefined &&
      this.#workers.size < this.#config.minWorkers
    ) {
      if (this.#spawn() === undefined) return;
    }
  }

  #remove(w: PoolWorker): void {
    if (w.dead) return;
    const closed = w.kill();
    this.#workers.delete(w);
    if (closed !== undefined) {
      // shutdown() resolves once no worker is left, not even a dying one.
      this.#closing.add(closed);
      const gone = () => {
        this.#closing.delete(closed);
        this.#settleIdle();
      };
      closed.then(gone, gone);
    }
    this.#replenish();
  }

  /**
   * Idle workers get their idle timer (beyond `minWorkers`), or go at once
   * after shutdown; the shutdown waiters are released when the last
   * worker is gone.
   */
  #settleIdle(): void {
    const queue = this.#queue;
    while (queue.length > 0 && queue.peek()!.future.done()) queue.shift();
    const drained = queue.length === 0 || this.#broken !== undefined;
    for (const w of this.#workers) {
      if (w.shipped.length > 0) continue;
      if (
        (this.#shut && drained) ||
        w.dispatched >= this.#config.maxTasksPerWorker
      ) this.#remove(w);
      else if (this.#workers.size > this.#config.minWorkers) {
        w.startIdle(this.#config.idleTimeout, () => {
          if (this.#workers.size > this.#config.minWorkers) this.#remove(w);
        });
      }
    }
    if (
      this.#workers.size === 0 && this.#closing.size === 0 &&
      (this.#shut || this.#broken)
    ) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
