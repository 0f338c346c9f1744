// Copyright 2026 the @concurrent/futures authors. MIT license.
// The engine behind both worker pools, over any transport: submitting,
// cancelling tasks, results, crashes and shutting down. Where and when
// tasks travel is `_pool_scheduler.ts`'s; stopping a task that runs,
// `_pool_stops.ts`'s.
import { InvalidStateError, WorkerCrashedError } from "../../future/errors.ts";
import { checkTimeout } from "../../future/_timeout.ts";
import type { Future } from "../../future/future.ts";
import type { ExecutorStats, RunOptions } from "../executor.ts";
import type { FromWorker } from "../_protocol.ts";
import { unmarshalError } from "../_marshal.ts";
import { PoolFuture } from "./future.ts";
import type { PaceKey } from "./pacing.ts";
import type { PoolTask, PoolWorker } from "./worker.ts";
import { needsCloneCheck, paceKey, type TaskSpec } from "../_task.ts";
import { findLostValue } from "../_lost_values.ts";
import type { PoolConfig } from "./dispatch.ts";
import { PoolStops } from "./stops.ts";
import { armStop, deliverProgress } from "../_run_options.ts";
import { stopReasonOf } from "../_stop.ts";

export type { PoolConfig };

/**
 * The pool: what callers do (submit, cancel, shut down) and what workers
 * report (results, crashes). Where tasks go is `PoolScheduler`'s; how a
 * task is stopped, `PoolStops`'.
 */
export class Pool extends PoolStops {
  #nextId = 1;

  constructor(config: PoolConfig) {
    super(config);
    this.replenish();
  }

  get stats(): ExecutorStats {
    let busy = 0;
    let queued = 0;
    for (const w of this.workers) {
      if (w.shipped.length > 0) busy++;
      for (let i = 1; i < w.shipped.length; i++) {
        if (!w.shipped[i].future.done()) queued++;
      }
    }
    for (const task of this.queue) if (!task.future.done()) queued++;
    return {
      workers: this.workers.size,
      busy,
      queued,
      completed: this.completed,
      failed: this.failed,
    };
  }

  /** @throws {InvalidStateError} After shutdown. */
  checkOpen(): void {
    if (this.shut) {
      throw new InvalidStateError(
        `Cannot submit to ${this.config.name} after shutdown`,
      );
    }
  }

  submit(
    spec: TaskSpec,
    args: unknown[],
    options: RunOptions & {
      /** `args` is a batch of single arguments (a map chunk). */
      batch?: boolean;
      /** Whether a task that has to wait is checked for cloning now. */
      precheck?: boolean;
    },
  ): Future<unknown> {
    const {
      signal,
      timeout,
      transfer,
      onProgress,
      grace = 0,
      batch = false,
      precheck = !batch,
    } = options;
    this.checkOpen();
    if (timeout !== undefined) checkTimeout(timeout, "run() timeout");
    const task: PoolTask = {
      id: this.#nextId++,
      fn: spec,
      key: paceKey(spec),
      calls: batch ? args.length : 1,
      args,
      batch,
      transfer,
      future: new PoolFuture(() => this.#revoke(task)),
      onProgress,
      stoppable: timeout !== undefined || signal !== undefined,
      timeout,
      clock: undefined,
      grace,
      stop: undefined,
      worker: undefined,
      slot: -1,
      tag: 0,
      abandoned: false,
    };
    const { future } = task;
    if (this.broken !== undefined) {
      this.fail(task, this.brokenError());
      return future;
    }
    if (signal?.aborted) {
      future.forceCancel();
      return future;
    }
    const lost = needsCloneCheck(args)
      ? findLostValue(
        args,
        "argument",
        this.config.carriesHostObjects ?? true,
        transfer,
      )
      : undefined;
    if (lost !== undefined) {
      this.fail(task, lost);
      return future;
    }
    // The signal counts from now; the timeout once the task starts.
    if (signal !== undefined) {
      armStop(
        future,
        { signal },
        (error, reason) => this.guard(() => this.abort(task, error, reason)),
      );
    }
    this.queue.push(task);
    // Only an idle (or new) worker takes a task now, or one that may hold
    // a long task queued; busy ones get more when they report progress, in
    // one batch.
    if (this.hasIdle() || this.canPrefetch()) this.dispatch();
    else if (this.pacing.depth(this.queue.peek()) > 1) {
      this.scheduleTopUp();
    }
    // A task that has to wait is checked now, so that bad arguments fail
    // its future at once rather than when a worker frees up.
    if (
      task.worker === undefined && !future.done() && precheck &&
      transfer === undefined &&
      needsCloneCheck(args)
    ) {
      try {
        structuredClone(args);
      } catch (error) {
        this.fail(task, error); // a done task is skipped by dispatch
      }
    }
    return future;
  }

  shutdown(wait: boolean, cancelFutures: boolean): Promise<void> {
    this.shut = true;
    if (cancelFutures) {
      for (const task of this.queue.drain()) task.future.forceCancel();
      for (const w of this.workers) {
        for (const task of w.revokeFrom(1)) task.future.forceCancel();
      }
    }
    this.settleIdle();
    if (!wait || this.allGone) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  terminateWorkers(): void {
    this.shut = true;
    for (const task of this.queue.drain()) task.future.forceCancel();
    for (const w of [...this.workers]) {
      for (const task of w.revokeFrom(1)) task.future.forceCancel();
      const error = new WorkerCrashedError(
        `Worker "${w.name}" was terminated by terminateWorkers()`,
      );
      // A Worker's thread ends only once its loop looks at the flag: every
      // task that started gets it, the one running may not be the head
      // (the results of those ahead of it may be held back while it runs).
      const stop = stopReasonOf(undefined, error);
      for (const task of [...w.shipped]) {
        // One left behind that has not started never will.
        if (task !== w.head && w.revoke(task)) this.fail(task, error);
        else w.requestStop(task, stop);
      }
      const tasks = w.takeAll();
      this.remove(w);
      for (const task of tasks) this.fail(task, error);
    }
    this.settleIdle();
  }

  /** `Future.cancel()` of a task that has not started (base still pending). */
  #revoke(task: PoolTask): boolean {
    const w = task.worker;
    // Still in the pool's queue: once cancelled, dispatch skips it (so a
    // mass cancel costs no more than the queue's length).
    if (w === undefined) return true;
    if (w.head !== task && w.revoke(task)) return true;
    task.future.setRunningOrNotifyCancel();
    return false;
  }

  /** Progress values of a task on `w`, for its `onProgress`. */
  #onProgress(w: PoolWorker, id: number, values: unknown[]): void {
    // The task reporting is the one running: at the head, or just behind
    // tasks whose results are on the way.
    for (const task of w.shipped) {
      if (task.id !== id) continue;
      if (task.onProgress !== undefined) {
        deliverProgress(task.onProgress, values, task.future);
      }
      return;
    }
  }

  protected override onMessage(w: PoolWorker, message: FromWorker): void {
    if (w.dead) return;
    switch (message.t) {
      case "done":
        return this.#onResults(w, message);
      case "progress":
        return this.#onProgress(w, message.id, message.values);
      case "ready":
        w.ready = true;
        return this.#advance(w);
      case "initError":
        return this.break(
          `the initializer failed in worker "${w.name}"`,
          unmarshalError(message.error),
        );
      case "crash":
        return this.onCrash(
          w,
          message.how,
          message.error && unmarshalError(message.error),
          message.id,
        );
    }
  }

  #onResults(w: PoolWorker, message: Extract<FromWorker, { t: "done" }>) {
    const { results } = message;
    let key: PaceKey | undefined;
    let calls = 0;
    for (const result of results) {
      const task = w.head;
      if (task === undefined || task.id !== result.id) continue;
      w.finishHead();
      if (calls === 0) key = task.key;
      calls += task.calls;
      if (task.future.done()) continue; // aborted: its result is dropped
      this.completed++;
      if (result.ok) task.future.setResult(result.value);
      else {
        this.failed++;
        task.future.setException(unmarshalError(result.error));
      }
    }
    // Pacing learns the time of one call (of the first task's function).
    if (calls > 0) this.pacing.record(key!, message.busy / calls);
    this.#advance(w);
    if (w.dead) return this.dispatch();
    if (w.dispatched >= this.config.maxTasksPerWorker) {
      if (w.shipped.length === 0) this.remove(w);
    } else if (w.shipped.length <= this.pacing.batch(this.queue.peek())) {
      this.fill(w);
    }
    this.dispatch();
  }

  /** After results: the new head task is marked as running. */
  #advance(w: PoolWorker): void {
    const head = w.head;
    if (head === undefined) return;
    if (head.abandoned) return this.stopHead(w);
    w.claim(head);
    // A failed cancel() may have marked it running already.
    if (head.future.state === "pending") head.future.setRunningOrNotifyCancel();
    this.startClock(head);
  }

  protected override onCrash(
    w: PoolWorker,
    how: string,
    cause: unknown,
    id?: number | null,
  ): void {
    if (w.dead) return;
    if (!w.ready) {
      return this.break(`worker "${w.name}" could not start: ${how}`, cause);
    }
    const tasks = [...w.shipped];
    // The tasks before `ran` may have run: they fail, and never run twice.
    // Those from `ran` on never started: back to the queue. A crash message
    // names the task that ran: the worker sent every result before it, and
    // runs tasks in order; or says that none ran, when an error a task left
    // behind fired while it was idle: then none of those left has started
    // (on a Worker, a slot marked started may be the pool's own claim, made
    // on shipping). Without one (SIGKILL, the OOM killer), a Worker's
    // slots still tell: `revokeFrom` takes back only tasks not started. A
    // child tells nothing of what it starts, and sends the results of short
    // tasks together: any task shipped to it may have run, so all fail
    // rather than risk running twice (Python's pool breaks altogether).
    const blamed = tasks.findIndex((task) => task.id === id);
    let ran: number;
    if (id === null) ran = 0;
    else if (blamed >= 0) ran = blamed + 1;
    else ran = w.sharesMemory ? 1 : tasks.length;
    this.requeue(w.revokeFrom(ran));
    const message = blamed >= 0 || w.sharesMemory
      ? `Worker "${w.name}" died while running a task: ${how}`
      : `Worker "${w.name}" died with this task sent to it, which may have ` +
        `run, so it does not run again: ${how}`;
    const requeue: PoolTask[] = [];
    const left = w.takeAll();
    this.remove(w);
    for (const task of left) {
      const index = tasks.indexOf(task);
      if (index >= ran && w.sharesMemory && task.transfer !== undefined) {
        this.fail(
          task,
          new WorkerCrashedError(
            `Worker "${w.name}" died holding the buffers transferred for ` +
              `this task, so it cannot run elsewhere: ${how}`,
            { cause },
          ),
        );
      } else if (index >= ran && (!w.sharesMemory || id === null)) {
        requeue.push(task);
      } else this.fail(task, new WorkerCrashedError(message, { cause }));
    }
    this.requeue(requeue);
    this.dispatch();
  }

  protected override break(message: string, cause: unknown): void {
    if (this.broken !== undefined) return;
    if (cause instanceof Error && !message.includes(cause.message)) {
      message += ` (${cause.name}: ${cause.message})`;
    }
    this.broken = { message, cause };
    const tasks = this.queue.drain();
    for (const w of [...this.workers]) {
      tasks.push(...w.takeAll());
      this.remove(w);
    }
    for (const task of tasks) this.fail(task, this.brokenError());
    this.settleIdle();
  }
}
