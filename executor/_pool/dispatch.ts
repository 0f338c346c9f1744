// Copyright 2026 the @concurrent/futures authors. MIT license.
// The dispatch policy of a pool, as pure functions over plain data: which
// tasks a worker gets next and how many, when a task travels alone, when a
// busy worker may hold more, which worker an idle one takes work back
// from and how much. `Pool` (`pool.ts`) owns the queue and the workers and
// carries these decisions out; nothing here sends, starts or settles
// anything, so each rule is tested on fake workers (tests/executor_
// dispatch_test.ts). How many tasks make a batch is `Pacing`'s (`pacing.ts`).
import type { Paced, Pacing } from "./pacing.ts";

/** What the policy reads of a task. */
export interface TaskState extends Paced {
  /** Its number, in the order tasks were submitted. */
  readonly id?: number;
  /** Whether a signal or a timeout may stop it while it runs. */
  readonly stoppable: boolean;
  /** The buffers it moves to its worker, if any. */
  readonly transfer: readonly unknown[] | undefined;
  /** Settled by a stop while it (probably) ran: its worker must go. */
  readonly abandoned: boolean;
  readonly future: { done(): boolean };
}

/** What the policy reads of a worker. */
export interface WorkerState<T extends TaskState = TaskState> {
  /** Shipped and not finished, in order; the first one runs. */
  readonly shipped: readonly T[];
  /** Whether shipped tasks can be taken back (shared slots). */
  readonly sharesMemory: boolean;
  /** Tasks shipped to it so far, for `maxTasksPerWorker`. */
  readonly dispatched: number;
  readonly dead: boolean;
  /** Whether a task it holds was asked to stop. */
  readonly stopping: boolean;
  /** Slots left for more tasks. */
  readonly room: number;
  /** When the pool last heard of progress, or it became busy (ms). */
  readonly lastProgress: number;
}

/** The pool's queue as the policy takes tasks from it. */
export interface TaskQueue<T> {
  readonly length: number;
  peek(): T | undefined;
  shift(): T | undefined;
}

/**
 * The most tasks a child process holds behind the one it runs: they cannot
 * be given back, and wait for it if it turns out far longer than usual.
 */
const MAX_CHILD_HELD = 2;

/** Whether worker `w` may be given more tasks at all. */
export function canTake(w: WorkerState, maxTasksPerWorker: number): boolean {
  return w.dispatched < maxTasksPerWorker && !w.dead;
}

/** Whether worker `w` holds nothing and may be given tasks. */
export function isIdle(w: WorkerState, maxTasksPerWorker: number): boolean {
  return w.shipped.length === 0 && canTake(w, maxTasksPerWorker);
}

/** Whether a task submitted now could start at once. */
export function hasIdle(
  workers: Iterable<WorkerState>,
  size: number,
  maxWorkers: number,
  maxTasksPerWorker: number,
): boolean {
  if (size < maxWorkers) return true;
  for (const w of workers) if (isIdle(w, maxTasksPerWorker)) return true;
  return false;
}

/** How much work waits in the pool's queue, against how many workers. */
export interface Backlog {
  /** Tasks in the pool's queue. */
  readonly queued: number;
  /** Workers of the pool. */
  readonly workers: number;
}

/**
 * Whether busy worker `w`, running its one task for `now - lastProgress`
 * ms, may hold more queued behind it (see `Pacing.prefetch`; how many is
 * `Pacing.held`). A worker that can give a task back may. A child process
 * cannot: a task queued there behind a long one would wait for it however
 * idle the other children are, and could no longer be cancelled. So a
 * child holds more only behind a task timed as neither short nor long that
 * is not late (`Pacing.prefetchBehind`), and only while the `backlog` holds
 * more tasks than there are workers, so that the last ones go to whichever
 * worker frees up first; without a `backlog`, never.
 */
export function mayPrefetch(
  w: WorkerState,
  pacing: Pacing,
  now: number,
  maxTasksPerWorker: number,
  backlog?: Backlog,
): boolean {
  const head = w.shipped[0];
  if (!canTake(w, maxTasksPerWorker) || head.abandoned) return false;
  const elapsed = now - w.lastProgress;
  if (w.sharesMemory) return pacing.prefetch(head, elapsed);
  return backlog !== undefined && backlog.queued > backlog.workers &&
    pacing.prefetchBehind(head, elapsed);
}

/**
 * Whether one of `workers`, busy with one task, may take `next` behind it:
 * only when `next` is a long task (one per message).
 */
export function canPrefetch(
  workers: Iterable<WorkerState>,
  next: Paced | undefined,
  pacing: Pacing,
  now: number,
  maxTasksPerWorker: number,
  backlog?: Backlog,
): boolean {
  if (pacing.depth(next) > 1) return false;
  for (const w of workers) {
    if (
      w.shipped.length === 1 &&
      mayPrefetch(w, pacing, now, maxTasksPerWorker, backlog)
    ) return true;
  }
  return false;
}

/**
 * How many tasks worker `w` should be shipped now, with `next` at the head
 * of the queue: up to the depth `Pacing` gives tasks like it, or behind a
 * long task it may prefetch, the few `held` gives (on a child, at most
 * `MAX_CHILD_HELD`, and no more than leaves every other worker as many in
 * the queue, so that the last tasks go to whichever worker frees up
 * first); within `maxTasksPerWorker`, its free slots and `most`. None
 * while a task it holds is being stopped: it may be killed, and whatever
 * it holds then may fail.
 */
export function quota(
  w: WorkerState,
  next: Paced | undefined,
  pacing: Pacing,
  now: number,
  maxTasksPerWorker: number,
  most = Infinity,
  backlog?: Backlog,
): number {
  if (w.stopping) return 0;
  let depth = pacing.depth(next);
  if (
    depth === 1 && w.shipped.length === 1 &&
    mayPrefetch(w, pacing, now, maxTasksPerWorker, backlog)
  ) {
    let held = pacing.held(next);
    if (!w.sharesMemory) {
      held = Math.min(
        held,
        MAX_CHILD_HELD,
        Math.max(1, Math.floor(backlog!.queued / backlog!.workers) - 1),
      );
    }
    depth = 1 + held;
  }
  return Math.max(
    0,
    Math.min(
      most,
      depth - w.shipped.length,
      maxTasksPerWorker - w.dispatched,
      w.room,
    ),
  );
}

/**
 * Whether `task` may only travel alone, to worker `w` holding nothing.
 * Without shared memory a stop kills the worker, and all it holds: a task
 * that may be stopped travels alone. Buffers transferred to a worker
 * cannot come back: a task that moves some goes only to an idle worker,
 * where no task ahead of it can hold it hostage (or make the pool kill the
 * worker, and them); and in a message of its own, since Deno detaches the
 * buffers listed for a post even when the post fails, for another task's
 * arguments.
 */
export function travelsAlone(w: WorkerState, task: TaskState): boolean {
  return w.sharesMemory ? task.transfer !== undefined : task.stoppable;
}

/**
 * Takes from `queue` the tasks worker `w` gets next, at most `n`, in
 * order: cancelled ones are dropped on the way, and the batch ends before
 * a task that must travel alone (which goes, alone, only to a worker
 * holding nothing), or after any task when `w` is a child holding one
 * that may be stopped.
 */
export function takeBatch<T extends TaskState>(
  w: WorkerState<T>,
  queue: TaskQueue<T>,
  n: number,
): T[] {
  const batch: T[] = [];
  while (n > 0 && queue.length > 0) {
    const task = queue.peek()!;
    if (task.future.done()) {
      queue.shift();
      continue;
    }
    if (travelsAlone(w, task)) {
      if (batch.length === 0 && w.shipped.length === 0) {
        batch.push(queue.shift()!);
      }
      break;
    }
    if (!w.sharesMemory && w.shipped.some((t) => t.stoppable)) break;
    batch.push(queue.shift()!);
    n--;
  }
  return batch;
}

/**
 * The workers that get a share of the queue at once after a burst of
 * submissions, and how many tasks each: those that can give tasks back
 * (shared memory), may take more, and are not stopping their head.
 */
export function topUp<W extends WorkerState>(
  workers: Iterable<W>,
  queued: number,
  maxTasksPerWorker: number,
): { takers: W[]; share: number } {
  const takers = [...workers].filter((w) =>
    w.sharesMemory && canTake(w, maxTasksPerWorker) &&
    !w.shipped[0]?.abandoned
  );
  const share = takers.length === 0 ? 0 : Math.ceil(queued / takers.length);
  return { takers, share };
}

/**
 * Which worker an idle one takes work back from: the one holding the most
 * tasks, if that is more than the one it runs.
 */
export function victim<W extends WorkerState>(
  workers: Iterable<W>,
): W | undefined {
  let most: W | undefined;
  for (const w of workers) {
    if (w.shipped.length > (most?.shipped.length ?? 1)) most = w;
  }
  return most;
}

/**
 * From which index of its `shipped` tasks are taken back from `victim`:
 * all those waiting behind its head if it is stalled on a long task (see
 * `Pacing.stallAfter`), else the back half, so that no task is held
 * hostage by the one ahead of it.
 */
export function takeBackFrom(
  victim: WorkerState,
  pacing: Pacing,
  now: number,
): number {
  const waiting = victim.shipped.length - 1;
  const stalled = now - victim.lastProgress >
    pacing.stallAfter(victim.shipped[0]);
  const take = stalled ? waiting : Math.ceil(waiting / 2);
  return victim.shipped.length - take;
}

/**
 * A busy worker that holds, behind the task it runs, a task submitted
 * before `head` (the queue's first): an idle worker takes those back
 * before it takes the queue's, so that tasks start in the order they came
 * (a worker may hold one behind a long task while no other is idle, and a
 * worker that starts a moment later must not run the tasks queued after
 * it first). Tasks are numbered in submission order (`id`).
 */
export function holdsOlder<W extends WorkerState>(
  workers: Iterable<W>,
  head: TaskState,
): W | undefined {
  const before = head.id ?? -Infinity;
  for (const w of workers) {
    const next = w.shipped[1];
    if (
      next !== undefined && w.sharesMemory && !w.dead &&
      (next.id ?? Infinity) < before
    ) return w;
  }
  return undefined;
}

/**
 * Whether idle worker `w` may take tasks back from a busy one: it must
 * share memory (a child cannot give tasks back, so it gets none that way)
 * and may take more.
 */
export function mayTakeBack(
  w: WorkerState,
  maxTasksPerWorker: number,
): boolean {
  return w.shipped.length === 0 && w.sharesMemory &&
    canTake(w, maxTasksPerWorker);
}

/**
 * After a crash of a worker that held `shipped` tasks, the index of the
 * first one that certainly never started (those before it may have run):
 * `blamed` is the index of the task the worker said it ran (-1 if none
 * named), `noneRan` that it said it ran none. A child tells nothing of what
 * it starts, and sends the results of short tasks together: any task
 * shipped to it may have run.
 */
export function firstUnstarted(
  shipped: number,
  sharesMemory: boolean,
  blamed: number,
  noneRan: boolean,
): number {
  if (noneRan) return 0;
  if (blamed >= 0) return blamed + 1;
  return sharesMemory ? 1 : shipped;
}
