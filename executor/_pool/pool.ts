// Copyright 2026 the @concurrent/futures authors. MIT license.
// The engine behind both worker pools, over any transport: one `Pool` owns
// the queue, the workers and the stops, and carries out the decisions of
// `dispatch.ts` (pure policies) and `pacing.ts`. docs/architecture.md, "The
// worker pool engine", explains the design; this is the map.
//
// The life of a task, caller side (executor/_pool/) then worker side
// (executor/_runner/), in the order the functions run:
//
//   WorkerPoolExecutor.run / submit / map    (worker_pool_executor.ts; the
//     ProcessPoolExecutor's are alike; map chunks go through `mapTasks`,
//     ../_map.ts)
//   -> Pool.submit: a PoolTask with its PoolFuture (future.ts), its signal
//      armed (`armStop`, ../_run_options.ts), pushed on the Fifo queue
//   -> Pool.#dispatch (or #scheduleTopUp after a burst): idle workers first,
//      new ones started by #spawn (PoolWorker, worker.ts, over the
//      TransportFactory of worker_transport.ts or process_transport.ts)
//   -> Pool.#fill: how many (`quota`) and which (`takeBatch`), dispatch.ts,
//      sized by Pacing.depth (pacing.ts)
//   -> Pool.#ship -> PoolWorker.ship: a slot each, one "run" message
//      (../_protocol.ts) posted by the Transport
//   -> [worker] the entry, _runner/worker.ts (a Worker) or
//      _runner/process_child.ts (a child, over process_endpoint.ts), calls
//      startRunner (_runner/runner.ts), whose listener queues the tasks
//      (TaskFunctions.receive, _runner/functions.ts) and calls pump
//   -> [worker] pump -> claim (the slot moves QUEUED -> STARTED, or the
//      task was taken back) -> execute -> TaskFunctions.resolve (revive or
//      import), contextFor (a RunningTaskContext, ../_task_context.ts),
//      invoke (the task's function itself)
//   -> [worker] Outbox.add, Outbox.hold (_runner/results.ts), then
//      Outbox.flush: results go back together in one "done" message once
//      the worker has run what it holds, FLUSH_MS have passed, or before a
//      task that awaits, may be stopped, or is not known to be short
//   -> Pool.#onMessage -> Pool.#onResults: PoolWorker.finishHead, the
//      future settled, Pacing.record learns the time per call
//   -> Pool.#advance: the next head is claimed (PoolWorker.claim), marked
//      running, its timeout clock started (PoolStops.startClock, stops.ts)
//   -> Pool.#fill again for this worker, and Pool.#dispatch for the rest.
//
// Off the main path: a cancel() is Pool.#revoke (PoolWorker.revoke); an
// abort or a timeout is PoolStops.abort -> stopHead (a "stop" message and
// the stop flag, ../_stop.ts, then a grace, then the worker killed); a
// worker gone is Pool.#onCrash (`firstUnstarted` says which tasks ran); an
// idle worker takes work back from a busy one in Pool.#takeBack (`victim`,
// `takeBackFrom`); idle workers go in Pool.#settleIdle.
import {
  BrokenExecutorError,
  InvalidStateError,
  WorkerCrashedError,
} from "../../future/errors.ts";
import { checkTimeout } from "../../future/_timeout.ts";
import type { Future } from "../../future/future.ts";
import type { ExecutorStats, RunOptions } from "../executor.ts";
import type { FromWorker } from "../_protocol.ts";
import { unmarshalError } from "../_marshal.ts";
import { PoolFuture } from "./future.ts";
import { type PaceKey, Pacing, type PacingOptions } from "./pacing.ts";
import { type PoolTask, PoolWorker } from "./worker.ts";
import { needsCloneCheck, paceKey, refOf, type TaskSpec } from "../_task.ts";
import { findLostValue } from "../_lost_values.ts";
import { PoolStops } from "./stops.ts";
import { armStop, deliverProgress } from "../_run_options.ts";
import { stopReasonOf } from "../_stop.ts";
import type { TransportFactory } from "../_transport.ts";
import { Fifo } from "../_fifo.ts";
import {
  type Backlog,
  canPrefetch,
  firstUnstarted,
  hasIdle,
  holdsOlder,
  isIdle,
  mayPrefetch,
  mayTakeBack,
  quota,
  takeBackFrom,
  takeBatch,
  topUp,
  victim,
} from "./dispatch.ts";

/**
 * Stops this close together (ms) make a storm: workers start once it has
 * passed.
 */
const STORM_QUIET_MS = 5;
/** The longest a storm of stops holds back starting a worker, in ms. */
const STORM_MAX_MS = 100;

/** What a pool is made of, its options checked (`options.ts`). */
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
  /** How the pool paces its tasks (tests). */
  pacing?: PacingOptions;
}

/**
 * The pool: the queue, the workers and the stops, what callers do (submit,
 * cancel, shut down) and what workers report (results, crashes).
 */
export class Pool {
  readonly #config: PoolConfig;
  readonly #workers = new Set<PoolWorker>();
  readonly #queue = new Fifo<PoolTask>();
  readonly #pacing: Pacing;
  readonly #stops: PoolStops;
  #shut = false;
  #broken: { message: string; cause: unknown } | undefined;
  #completed = 0;
  #failed = 0;
  #waiters: (() => void)[] = [];
  #nextId = 1;
  #nextWorker = 1;
  /** Workers killed and not gone yet (a child process not reaped). */
  #closing = new Set<Promise<void>>();
  #topUpScheduled = false;
  #dispatchTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the last stop happened (`performance.now()`). */
  #lastStop = -Infinity;
  /** Since when starting a worker has been held back by stops. */
  #heldSince: number | undefined;

  constructor(config: PoolConfig) {
    this.#config = config;
    this.#pacing = new Pacing(config.pacing);
    this.#stops = new PoolStops({
      guard: (handler) => this.#guard(handler),
      fail: (task, error) => this.#fail(task, error),
      requeue: (tasks) => this.#requeue(tasks),
      remove: (w) => this.#remove(w),
      dispatch: () => this.#dispatch(),
      scheduleDispatch: () => this.#scheduleDispatch(),
      noteStop: () => this.#lastStop = performance.now(),
    });
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

  // ---- What callers do ------------------------------------------------

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
    if (this.#broken !== undefined) {
      this.#fail(task, this.#brokenError());
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
        this.#config.carriesHostObjects ?? true,
        transfer,
      )
      : undefined;
    if (lost !== undefined) {
      this.#fail(task, lost);
      return future;
    }
    // The signal counts from now; the timeout once the task starts.
    if (signal !== undefined) {
      armStop(
        future,
        { signal },
        (error, reason) =>
          this.#guard(() => this.#stops.abort(task, error, reason)),
      );
    }
    this.#queue.push(task);
    // Only an idle (or new) worker takes a task now, or one that may hold
    // a long task queued; busy ones get more when they report progress, in
    // one batch.
    const { maxWorkers, maxTasksPerWorker } = this.#config;
    if (
      hasIdle(this.#workers, this.#workers.size, maxWorkers, maxTasksPerWorker)
    ) this.#dispatch();
    else if (
      canPrefetch(
        this.#workers,
        this.#queue.peek(),
        this.#pacing,
        performance.now(),
        maxTasksPerWorker,
        this.#backlog(),
      )
    ) this.#dispatch();
    else if (this.#pacing.depth(this.#queue.peek()) > 1) {
      this.#scheduleTopUp();
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
        this.#fail(task, error); // a done task is skipped by dispatch
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
    if (!wait || this.#allGone) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  terminateWorkers(): void {
    this.#shut = true;
    for (const task of this.#queue.drain()) task.future.forceCancel();
    for (const w of [...this.#workers]) {
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
        if ((task !== w.head || !w.ready) && w.revoke(task)) {
          this.#fail(task, error);
        } else w.requestStop(task, stop);
      }
      const tasks = w.takeAll();
      this.#remove(w);
      for (const task of tasks) this.#fail(task, error);
    }
    this.#settleIdle();
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

  // ---- Where and when tasks travel (the policy is dispatch.ts') -------

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
    queueMicrotask(() =>
      this.#guard(() => {
        this.#topUpScheduled = false;
        if (this.#broken !== undefined) return;
        const { takers, share } = topUp(
          this.#workers,
          this.#queue.length,
          this.#config.maxTasksPerWorker,
        );
        if (takers.length === 0) return;
        for (const w of takers) this.#fill(w, share);
        this.#settleIdle();
      })
    );
  }

  /**
   * `#dispatch()` in a later turn of the event loop, after a stop: a storm
   * of stops (one signal aborting hundreds of tasks, or hundreds of
   * deadlines passing together) settles the futures before anything
   * moves, so tasks about to be stopped are neither shipped nor given
   * workers that would be killed for them at once, and the caller's
   * timers are not held up by a worker started for each stop.
   */
  #scheduleDispatch(delay = 0): void {
    if (this.#dispatchTimer !== undefined) return;
    this.#dispatchTimer = setTimeout(() => {
      this.#dispatchTimer = undefined;
      this.#guard(() => {
        this.#replenish();
        this.#dispatch();
      });
    }, delay);
  }

  /**
   * Whether starting a worker must wait for a storm of stops to pass; if
   * so, a dispatch is scheduled for when it may. After a stop (`noteStop`)
   * no worker starts until stops have been quiet for `STORM_QUIET_MS`:
   * starting a Worker holds this thread for milliseconds (tens on a loaded
   * machine), and while deadlines pass together, the queued tasks a new
   * worker would take are the next to be stopped. Never longer than
   * `STORM_MAX_MS` in all, so that endless stops cannot starve the queue.
   */
  #holdSpawn(): boolean {
    const now = performance.now();
    const wait = this.#lastStop + STORM_QUIET_MS - now;
    if (wait <= 0 || now - (this.#heldSince ??= now) >= STORM_MAX_MS) {
      this.#heldSince = undefined;
      return false;
    }
    this.#scheduleDispatch(Math.ceil(wait));
    return true;
  }

  /** Gives queued tasks to idle workers, starting new ones as allowed. */
  #dispatch(): void {
    if (this.#broken !== undefined) return;
    const queue = this.#queue;
    const { maxWorkers, maxTasksPerWorker } = this.#config;
    for (const w of this.#workers) {
      while (queue.length > 0 && queue.peek()!.future.done()) queue.shift();
      if (queue.length === 0) break;
      if (!isIdle(w, maxTasksPerWorker)) continue;
      if (mayTakeBack(w, maxTasksPerWorker)) this.#takeBackOlder();
      this.#fillIdle(w);
    }
    while (queue.length > 0 && this.#workers.size < maxWorkers) {
      while (queue.length > 0 && queue.peek()!.future.done()) queue.shift();
      if (queue.length === 0 || this.#holdSpawn()) break;
      const w = this.#spawn();
      if (w === undefined) return;
      if (mayTakeBack(w, maxTasksPerWorker)) this.#takeBackOlder();
      this.#fillIdle(w);
    }
    // Long tasks (one per message): a busy worker that may hold more gets
    // them now, in one message, hiding the round trip between two of them.
    if (queue.length > 0 && this.#pacing.depth(queue.peek()) === 1) {
      const now = performance.now();
      for (const w of this.#workers) {
        if (queue.length === 0) break;
        if (
          w.shipped.length === 1 &&
          mayPrefetch(w, this.#pacing, now, maxTasksPerWorker, this.#backlog())
        ) this.#fill(w);
      }
    }
    if (queue.length === 0) this.#takeBack();
    this.#settleIdle();
  }

  /** The queue against the workers, for a child's prefetch. */
  #backlog(): Backlog {
    return { queued: this.#queue.length, workers: this.#workers.size };
  }

  /**
   * Ships `w` as many queued tasks as it should hold (`quota`), at most
   * `most`, those `takeBatch` picks.
   */
  #fill(w: PoolWorker, most = Infinity): void {
    const n = quota(
      w,
      this.#queue.peek(),
      this.#pacing,
      performance.now(),
      this.#config.maxTasksPerWorker,
      most,
      this.#backlog(),
    );
    if (n === 0) return;
    const batch = takeBatch(w, this.#queue, n);
    if (batch.length > 0) this.#ship(w, batch);
  }

  /**
   * Fills idle worker `w` until it holds a task or the queue is empty: a
   * task that cannot be sent fails and leaves the worker idle, and nothing
   * else would give it the next one.
   */
  #fillIdle(w: PoolWorker): void {
    while (w.shipped.length === 0 && this.#queue.length > 0) this.#fill(w);
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
    // A ready worker starts the first one at once; one still starting,
    // once ready ("ready", `#advance`).
    if (wasIdle && w.ready) this.#stops.startClock(tasks[0]);
  }

  /**
   * With the queue empty, an idle worker takes back tasks waiting behind
   * a busy one (`victim`, `takeBackFrom`).
   */
  #takeBack(): void {
    for (const thief of this.#workers) {
      if (!mayTakeBack(thief, this.#config.maxTasksPerWorker)) continue;
      const from = victim(this.#workers);
      if (from === undefined) return;
      const index = takeBackFrom(from, this.#pacing, performance.now());
      const taken = from.revokeFrom(index);
      if (taken.length === 0) continue;
      this.#requeue(taken);
      this.#fillIdle(thief);
    }
  }

  /**
   * Before an idle worker takes the queue's head, takes back the tasks a
   * busy worker holds that came before it (`holdsOlder`).
   */
  #takeBackOlder(): void {
    const from = holdsOlder(this.#workers, this.#queue.peek()!);
    if (from !== undefined) this.#requeue(from.revokeFrom(1));
  }

  /**
   * Puts tasks taken back from a worker, none of which started, at the
   * front of the queue: pending again (a child's were marked running).
   */
  #requeue(tasks: PoolTask[]): void {
    for (let i = tasks.length - 1; i >= 0; i--) {
      const task = tasks[i];
      task.future.resetRunning();
      // Time spent queued does not count: the clock starts again.
      task.clock?.();
      task.clock = undefined;
      this.#queue.unshift(task);
    }
  }

  // ---- What workers report --------------------------------------------

  /** A message from worker `w`. */
  #onMessage(w: PoolWorker, message: FromWorker): void {
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
    let key: PaceKey | undefined;
    let calls = 0;
    let tasks = 0;
    for (const result of results) {
      const task = w.head;
      if (task === undefined || task.id !== result.id) continue;
      w.finishHead();
      if (calls === 0) key = task.key;
      calls += task.calls;
      tasks++;
      if (task.future.done()) continue; // aborted: its result is dropped
      this.#completed++;
      if (result.ok) task.future.setResult(result.value);
      else {
        this.#failed++;
        task.future.setException(unmarshalError(result.error));
      }
    }
    // Pacing learns the time of one call (of the first task's function).
    if (calls > 0) this.#pacing.record(key!, message.busy / calls, tasks);
    this.#advance(w);
    if (w.dead) return this.#dispatch();
    if (w.dispatched >= this.#config.maxTasksPerWorker) {
      if (w.shipped.length === 0) this.#remove(w);
    } else if (w.shipped.length <= this.#pacing.batch(this.#queue.peek())) {
      this.#fill(w);
    }
    this.#dispatch();
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

  /** After results: the new head task is marked as running. */
  #advance(w: PoolWorker): void {
    const head = w.head;
    if (head === undefined) return;
    if (head.abandoned) return this.#stops.stopHead(w);
    w.claim(head);
    // A failed cancel() may have marked it running already.
    if (head.future.state === "pending") head.future.setRunningOrNotifyCancel();
    this.#stops.startClock(head);
  }

  /**
   * Worker `w` is gone without being killed, running task `id`, or none
   * (`null`); `undefined` when it did not say.
   */
  #onCrash(w: PoolWorker, how: string, cause: unknown, id?: number | null) {
    if (w.dead) return;
    if (!w.ready) {
      return this.#break(`worker "${w.name}" could not start: ${how}`, cause);
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
    // child tells nothing of what it starts: all fail rather than risk
    // running twice (Python's pool breaks altogether).
    const blamed = tasks.findIndex((task) => task.id === id);
    const ran = firstUnstarted(
      tasks.length,
      w.sharesMemory,
      blamed,
      id === null,
    );
    this.#requeue(w.revokeFrom(ran));
    const message = blamed >= 0 || w.sharesMemory
      ? `Worker "${w.name}" died while running a task: ${how}`
      : `Worker "${w.name}" died with this task sent to it, which may have ` +
        `run, so it does not run again: ${how}`;
    const requeue: PoolTask[] = [];
    const left = w.takeAll();
    this.#remove(w);
    for (const task of left) {
      const index = tasks.indexOf(task);
      if (index >= ran && w.sharesMemory && task.transfer !== undefined) {
        this.#fail(
          task,
          new WorkerCrashedError(
            `Worker "${w.name}" died holding the buffers transferred for ` +
              `this task, so it cannot run elsewhere: ${how}`,
            { cause },
          ),
        );
      } else if (index >= ran && (!w.sharesMemory || id === null)) {
        requeue.push(task);
      } else this.#fail(task, new WorkerCrashedError(message, { cause }));
    }
    this.#requeue(requeue);
    this.#dispatch();
  }

  // ---- Workers' lives, failures, the end ------------------------------

  #spawn(): PoolWorker | undefined {
    const { name, transport, initializer, initargs } = this.#config;
    let w: PoolWorker;
    try {
      w = new PoolWorker(`${name} ${this.#nextWorker++}`, transport, {
        message: (m) => this.#guard(() => this.#onMessage(w, m)),
        exit: (how, cause) => this.#guard(() => this.#onCrash(w, how, cause)),
      });
    } catch (error) {
      // E.g. permissions the program itself does not have.
      this.#break("a worker could not be created", error);
      return undefined;
    }
    this.#workers.add(w);
    try {
      // initargs cross as a task's arguments do: never silently different.
      const lost = initializer &&
        findLostValue(
          initargs,
          "initializer argument",
          this.#config.carriesHostObjects ?? true,
        );
      if (lost !== undefined) throw lost;
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
      if (this.#holdSpawn() || this.#spawn() === undefined) return;
    }
  }

  /** Kills worker `w` and forgets it; a new one may replace it. */
  #remove(w: PoolWorker): void {
    if (w.dead) return;
    const closed = w.kill();
    this.#workers.delete(w);
    if (closed !== undefined) {
      // shutdown() resolves once no worker is left, not even a dying one.
      this.#closing.add(closed);
      const gone = () => {
        this.#closing.delete(closed);
        this.#guard(() => this.#settleIdle());
      };
      closed.then(gone, gone);
    }
    this.#replenish();
  }

  /** Whether no worker is left, not even one still dying. */
  get #allGone(): boolean {
    return this.#workers.size === 0 && this.#closing.size === 0;
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
    const { minWorkers, maxTasksPerWorker, idleTimeout } = this.#config;
    for (const w of this.#workers) {
      if (w.shipped.length > 0) continue;
      if ((this.#shut && drained) || w.dispatched >= maxTasksPerWorker) {
        this.#remove(w);
      } else if (this.#workers.size > minWorkers) {
        w.startIdle(idleTimeout, () =>
          this.#guard(() => {
            if (this.#workers.size > minWorkers) this.#remove(w);
          }));
      }
    }
    if (this.#allGone && (this.#shut || this.#broken)) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /**
   * Runs an engine handler called by a transport, a timer or a promise. A
   * bug there must not become an uncaught error of the user's program
   * (which kills it): the pool breaks instead, every task fails with the
   * bug as the cause, and no future is left waiting.
   */
  #guard(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      try {
        this.#break("an internal error of the pool", error);
      } catch {
        // Breaking failed too: the tasks it reached are failed already.
      }
    }
  }

  /** Fails a task's future, counting it, unless it is done already. */
  #fail(task: PoolTask, error: unknown): void {
    if (task.future.done()) return;
    this.#completed++;
    this.#failed++;
    task.future.setException(error);
  }

  #brokenError(): BrokenExecutorError {
    const { message, cause } = this.#broken!;
    return new BrokenExecutorError(
      `${this.#config.name} is broken: ${message}`,
      { cause },
    );
  }

  /** The pool can run nothing more: every task fails. */
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
}
