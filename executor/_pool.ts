// Copyright 2026 the @concurrent/futures authors. MIT license.
// The scheduling engine behind WorkerPoolExecutor: a FIFO queue of tasks,
// workers started on demand, one task running and at most one queued per
// worker, aborts that terminate only the worker they must, crash recovery.
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
import { unmarshalError } from "./_marshal.ts";
import { PoolFuture } from "./_pool_future.ts";
import { type PoolTask, PoolWorker } from "./_pool_worker.ts";
import { needsCloneCheck, refOf, type TaskSpec } from "./_task.ts";
import { Fifo } from "./_fifo.ts";

export interface PoolConfig {
  maxWorkers: number;
  initializer: TaskSpec | undefined;
  initargs: unknown[];
  maxTasksPerWorker: number;
  idleTimeout: number;
  permissions: Deno.PermissionOptions | undefined;
  name: string;
}

export class Pool {
  #config: PoolConfig;
  #workers = new Set<PoolWorker>();
  #queue = new Fifo<PoolTask>();
  #nextId = 1;
  #nextWorker = 1;
  #shut = false;
  #broken: { message: string; cause: unknown } | undefined;
  #completed = 0;
  #failed = 0;
  #waiters: (() => void)[] = [];
  #handlers = {
    message: (w: PoolWorker, m: FromWorker) => this.#onMessage(w, m),
    error: (w: PoolWorker, message: string) =>
      this.#onCrash(w, `it failed: ${message}`, undefined),
  };

  constructor(config: PoolConfig) {
    this.#config = config;
  }

  get stats(): ExecutorStats {
    let busy = 0;
    let queued = 0;
    for (const w of this.#workers) {
      if (w.held.length > 0) busy++;
      if (w.held.length > 1) queued++;
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
    if (timeout !== undefined || signal !== undefined) {
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
    this.#dispatch();
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
        const queued = w.held[1];
        if (queued !== undefined && !queued.abandoned && w.revoke(queued)) {
          w.held.splice(1, 1);
          queued.future.forceCancel();
        }
      }
    }
    this.#settleIdle();
    if (!wait || this.#workers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  terminateWorkers(): void {
    this.#shut = true;
    for (const task of this.#queue.drain()) task.future.forceCancel();
    for (const w of [...this.#workers]) {
      const [head, queued] = w.held;
      w.held.length = 0;
      this.#remove(w);
      const crash = () =>
        new WorkerCrashedError(
          `Worker "${w.name}" was terminated by terminateWorkers()`,
        );
      if (queued !== undefined) {
        if (w.revoke(queued)) queued.future.forceCancel();
        else this.#fail(queued, crash());
      }
      if (head !== undefined) this.#fail(head, crash());
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
    if (w.held[1] !== task) return false;
    if (w.revoke(task)) {
      w.held.splice(1, 1);
      task.worker = undefined;
      queueMicrotask(() => this.#dispatch());
      return true;
    }
    task.future.setRunningOrNotifyCancel();
    return false;
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
    if (w.held[1] === task) {
      if (w.revoke(task)) {
        w.held.splice(1, 1);
        task.worker = undefined;
        settle();
        return this.#dispatch();
      }
      // It started, so the task before it is done and its result is on the
      // way: the worker goes once that result is in.
      task.abandoned = true;
      return settle();
    }
    const queued = w.held[1];
    if (queued !== undefined && !w.revoke(queued)) {
      // The worker finished this task and started the queued one, so there
      // is nothing to stop: drop this result and let the next one run.
      w.held.shift();
      task.worker = undefined;
      this.#promote(w);
      return settle();
    }
    w.held.length = 0;
    this.#remove(w);
    task.worker = undefined;
    if (queued !== undefined) {
      // A bystander: back to the front of the queue, to run elsewhere.
      queued.worker = undefined;
      this.#queue.unshift(queued);
    }
    settle();
    this.#dispatch();
  }

  #onMessage(w: PoolWorker, message: FromWorker): void {
    if (w.dead) return;
    switch (message.t) {
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
        );
    }
    const task = w.held[0];
    if (task === undefined || task.id !== message.id) return; // abandoned
    w.held.shift();
    task.worker = undefined;
    if (!task.future.done()) {
      this.#completed++;
      if (message.t === "ok") task.future.setResult(message.value);
      else {
        this.#failed++;
        task.future.setException(unmarshalError(message.error));
      }
    }
    this.#promote(w);
    this.#dispatch();
  }

  /** After `w` finished its head task: the queued one becomes the head. */
  #promote(w: PoolWorker): void {
    const next = w.held[0];
    if (next !== undefined) {
      if (next.abandoned) {
        w.held.length = 0;
        this.#remove(w);
      } else {
        w.claim(next);
        // A failed cancel() may have marked it running already.
        if (next.future.state === "pending") {
          next.future.setRunningOrNotifyCancel();
        }
      }
      return;
    }
    if (w.dispatched >= this.#config.maxTasksPerWorker) this.#remove(w);
  }

  #onCrash(w: PoolWorker, how: string, cause: unknown): void {
    if (w.dead) return;
    if (!w.ready) {
      return this.#break(`worker "${w.name}" could not start: ${how}`, cause);
    }
    const [head, queued] = w.held;
    w.held.length = 0;
    this.#remove(w);
    const message = `Worker "${w.name}" died while running a task: ${how}`;
    if (queued !== undefined) {
      if (w.revoke(queued)) {
        queued.worker = undefined;
        this.#queue.unshift(queued);
      } else {
        this.#fail(queued, new WorkerCrashedError(message, { cause }));
      }
    }
    if (head !== undefined) {
      this.#fail(head, new WorkerCrashedError(message, { cause }));
    }
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
      tasks.push(...w.held);
      w.held.length = 0;
      this.#remove(w);
    }
    for (const task of tasks) this.#fail(task, this.#brokenError());
    this.#settleIdle();
  }

  #dispatch(): void {
    if (this.#broken !== undefined) return;
    while (this.#queue.length > 0) {
      const task = this.#queue.peek()!;
      if (task.future.done()) {
        this.#queue.shift();
        continue;
      }
      const w = this.#pick();
      if (w === undefined) break;
      this.#queue.shift();
      try {
        w.send(task);
      } catch (error) {
        this.#fail(task, error);
        continue;
      }
      if (w.held.length === 1) task.future.setRunningOrNotifyCancel();
    }
    this.#settleIdle();
  }

  /** An idle worker, else a new one, else one that can hold a queued task. */
  #pick(): PoolWorker | undefined {
    let holder: PoolWorker | undefined;
    const max = this.#config.maxTasksPerWorker;
    for (const w of this.#workers) {
      if (w.dispatched >= max) continue;
      if (w.held.length === 0) return w;
      if (holder === undefined && w.held.length === 1 && !w.held[0].abandoned) {
        holder = w;
      }
    }
    if (this.#workers.size < this.#config.maxWorkers) return this.#spawn();
    return holder;
  }

  #spawn(): PoolWorker | undefined {
    const { name, permissions, initializer, initargs } = this.#config;
    let w: PoolWorker;
    try {
      w = new PoolWorker(
        `${name} ${this.#nextWorker++}`,
        permissions,
        this.#handlers,
      );
    } catch (error) {
      // E.g. permissions the program itself does not have.
      this.#break("a worker could not be created", error);
      return undefined;
    }
    this.#workers.add(w);
    try {
      w.init(
        initializer && { fn: refOf(initializer), args: initargs },
      );
    } catch (error) {
      this.#break("its initargs cannot be sent to a worker", error);
      return undefined;
    }
    return w;
  }

  #remove(w: PoolWorker): void {
    if (w.dead) return;
    w.terminate();
    this.#workers.delete(w);
  }

  /**
   * Idle workers get their idle timer, or go at once after shutdown; the
   * shutdown waiters are released when the last worker is gone.
   */
  #settleIdle(): void {
    const queue = this.#queue;
    while (queue.length > 0 && queue.peek()!.future.done()) queue.shift();
    const drained = queue.length === 0 || this.#broken !== undefined;
    for (const w of this.#workers) {
      if (w.held.length > 0) continue;
      if (this.#shut && drained) this.#remove(w);
      else w.startIdle(this.#config.idleTimeout, () => this.#remove(w));
    }
    if (this.#workers.size === 0 && (this.#shut || this.#broken)) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
