// Copyright 2026 the @concurrent/futures authors. MIT license.
// How a pool stops a task on an abort or a timeout: at once if it has not
// started; if it runs, by its stop flag and a "stop" message, with a grace
// before its worker is killed, and what that worker holds then.
import { type TimeoutError, WorkerCrashedError } from "../../future/errors.ts";
import type { PoolTask, PoolWorker } from "./worker.ts";
import { stopReasonOf } from "../_stop.ts";
import { armStop } from "../_run_options.ts";

/** What stopping needs of the pool that owns the tasks and the workers. */
export interface StopHost {
  /** Runs a handler of a timer or a signal; a bug there breaks the pool. */
  guard(handler: () => void): void;
  /** Fails a task's future, counting it, unless it is done already. */
  fail(task: PoolTask, error: unknown): void;
  /** Puts tasks taken back from a worker, none started, back in front. */
  requeue(tasks: PoolTask[]): void;
  /** Kills worker `w` and forgets it (a new one may replace it). */
  remove(w: PoolWorker): void;
  /** Gives queued tasks to workers now. */
  dispatch(): void;
  /** Gives queued tasks to workers in a later turn (a storm of stops). */
  scheduleDispatch(): void;
  /** A task was stopped: no worker starts while stops keep coming. */
  noteStop(): void;
}

/**
 * The stopping of tasks on an abort or a timeout: the timeout's clock, the
 * stop flag and message, the grace, and the killing of a worker.
 */
export class PoolStops {
  readonly #pool: StopHost;

  constructor(pool: StopHost) {
    this.#pool = pool;
  }

  /**
   * Arms the timeout of `task`, which has just started: it is the head of
   * a ready worker (shipped to it idle, or the results ahead of it are in;
   * a worker sends those before it starts a task that may be stopped). The
   * timer runs on this thread, so it fires even while the worker is stuck
   * in synchronous code.
   */
  startClock(task: PoolTask): void {
    if (task.timeout === undefined || task.clock !== undefined) return;
    if (task.future.done()) return;
    task.clock = armStop(
      task.future,
      { timeout: task.timeout },
      (error) => this.#pool.guard(() => this.abort(task, error)),
    );
  }

  /**
   * An abort (`error` undefined, the signal's `reason`) or a timeout of a
   * task, wherever it is: the future settles now.
   */
  abort(
    task: PoolTask,
    error: TimeoutError | undefined,
    reason?: unknown,
  ): void {
    const { future } = task;
    if (future.done()) return;
    this.#pool.noteStop();
    const settle = () => {
      if (error === undefined) future.forceCancel();
      else this.#pool.fail(task, error);
    };
    const w = task.worker;
    if (w === undefined) return settle();
    // Not started: behind the head, or the head of a worker still
    // starting, which is then kept for the next task rather than killed.
    if ((w.head !== task || !w.ready) && w.revoke(task)) {
      settle();
      // A new head runs as far as its future can tell, as when shipped.
      const head = w.head;
      if (head?.future.state === "pending") {
        head.future.setRunningOrNotifyCancel();
      }
      return this.#pool.scheduleDispatch();
    }
    task.stop = stopReasonOf(error, reason);
    task.abandoned = true;
    // Settled first: onProgress hears nothing more, whatever happens next.
    settle();
    if (w.head === task) this.stopHead(w);
    else if (w.sharesMemory) this.#stopStarted(w, task);
    // A child holds no stoppable task behind another: not reached there.
    this.#pool.scheduleDispatch();
  }

  /**
   * Stops `task`, which started on `w` behind tasks whose results are not
   * in yet (they may be held back in the worker while it runs): its own
   * slot's flag goes up now, and its grace starts. Those behind it go
   * back to the queue. The worker is killed, if it must be, only once the
   * task is the head, when the results ahead of it are in (`stopHead`).
   */
  #stopStarted(w: PoolWorker, task: PoolTask): void {
    this.#pool.requeue(w.revokeFrom(w.shipped.indexOf(task) + 1));
    w.requestStop(task, task.stop!);
    if (task.grace > 0) w.startGrace(task, task.grace, this.#expiry(w, task));
  }

  /** What to do when the grace of stopped `task` on `w` is over. */
  #expiry(w: PoolWorker, task: PoolTask): () => void {
    return () =>
      this.#pool.guard(() => {
        if (w.head !== task || w.dead) return; // killed once it is the head
        this.#kill(w, task);
        this.#pool.dispatch();
      });
  }

  /**
   * The head task of `w` was settled while it may run: the tasks behind it
   * go back to the queue, and it is asked to stop. If it ends within its
   * `grace` (counted from the stop), the worker stays; otherwise the
   * worker is killed. Unless a task behind it has started, which means the
   * head has ended already.
   */
  stopHead(w: PoolWorker): void {
    const head = w.head!;
    this.#pool.requeue(w.revokeFrom(1));
    // `revokeFrom` leaves tasks whose buffers were transferred to this
    // worker: their slots say whether they started. One that has not is
    // revoked all the same, never to start, and fails: it cannot move.
    while (w.shipped.length > 1) {
      const task = w.shipped[1];
      if (!w.revoke(task)) break;
      this.#pool.fail(
        task,
        new WorkerCrashedError(
          `Worker "${w.name}" holds the buffers transferred for this task, ` +
            `and had to stop the task ahead of it: it cannot run elsewhere`,
        ),
      );
    }
    // Only a task behind it that really started means the head has ended.
    if (w.shipped.length > 1 && w.hasStarted(w.shipped[1])) return;
    if (!w.isStopping(head)) {
      w.requestStop(head, head.stop!);
      if (head.grace > 0) {
        return w.startGrace(head, head.grace, this.#expiry(w, head));
      }
    } else if (w.inGrace(head)) return; // stopped before it was the head
    this.#kill(w, head);
  }

  /**
   * Kills `w` to end its head task, which is settled already. What it
   * holds that has not started goes back to the queue, or fails if its
   * buffers were transferred there; the rest fails.
   */
  #kill(w: PoolWorker, head: PoolTask): void {
    this.#pool.requeue(w.revokeFrom(1));
    for (const task of w.shipped.slice(1)) {
      if (!w.revoke(task)) continue;
      this.#pool.fail(
        task,
        new WorkerCrashedError(
          `Worker "${w.name}" holds the buffers transferred for this task, ` +
            `and had to be killed to stop a task ahead of it`,
        ),
      );
    }
    const rest = w.takeAll();
    this.#pool.remove(w);
    for (const task of rest) {
      if (task === head) continue;
      // Those that could not move: shipped to a process behind the head
      // (stoppable tasks travel alone, so this is a last resort).
      this.#pool.fail(
        task,
        new WorkerCrashedError(
          `Worker "${w.name}" was killed to stop a task ahead of this one`,
        ),
      );
    }
  }
}
