// Copyright 2026 the @concurrent/futures authors. MIT license.
// Unit tests of the pool's dispatch policy (executor/_pool/dispatch.ts), on
// fake workers and tasks: plain objects, no Worker, no timer.
import assert from "node:assert/strict";
import {
  canPrefetch,
  canTake,
  firstUnstarted,
  hasIdle,
  holdsOlder,
  mayTakeBack,
  quota,
  takeBackFrom,
  takeBatch,
  type TaskState,
  topUp,
  travelsAlone,
  victim,
  type WorkerState,
} from "../executor/_pool/dispatch.ts";
import { Pacing } from "../executor/_pool/pacing.ts";
import { Fifo } from "../executor/_fifo.ts";

interface FakeTask extends TaskState {
  name: string;
  done: boolean;
}

function task(name: string, extra: Partial<FakeTask> = {}): FakeTask {
  const t: FakeTask = {
    name,
    key: "f",
    calls: 1,
    stoppable: false,
    transfer: undefined,
    abandoned: false,
    done: false,
    future: { done: () => t.done },
    ...extra,
  };
  return t;
}

function worker(
  extra: Partial<WorkerState<FakeTask>> = {},
): WorkerState<FakeTask> {
  return {
    shipped: [],
    sharesMemory: true,
    dispatched: 0,
    dead: false,
    stopping: false,
    room: 1024,
    lastProgress: 0,
    ...extra,
  };
}

function queueOf(...tasks: FakeTask[]): Fifo<FakeTask> {
  const queue = new Fifo<FakeTask>();
  for (const t of tasks) queue.push(t);
  return queue;
}

const names = (tasks: FakeTask[]) => tasks.map((t) => t.name);
const short = () => new Pacing({ assumeMs: 0.1 }); // batches of 10
const long = () => new Pacing({ assumeMs: 10 }); // one at a time

Deno.test("dispatch: a worker takes tasks until maxTasksPerWorker, never once dead", () => {
  assert.equal(canTake(worker({ dispatched: 2 }), 3), true);
  assert.equal(canTake(worker({ dispatched: 3 }), 3), false);
  assert.equal(canTake(worker({ dead: true }), Infinity), false);
  const busy = worker({ shipped: [task("a")] });
  assert.equal(hasIdle([busy], 1, 2, Infinity), true); // room for a new one
  assert.equal(hasIdle([busy], 1, 1, Infinity), false);
  assert.equal(hasIdle([busy, worker()], 2, 2, Infinity), true);
});

Deno.test("dispatch: quota fills a worker two batches deep, within its limits", () => {
  const pacing = short();
  const next = task("n");
  assert.equal(quota(worker(), next, pacing, 0, Infinity), 20);
  const holding = worker({ shipped: [task("a"), task("b")] });
  assert.equal(quota(holding, next, pacing, 0, Infinity), 18);
  assert.equal(quota(holding, next, pacing, 0, Infinity, 5), 5); // most
  assert.equal(quota(worker({ dispatched: 7 }), next, pacing, 0, 10), 3);
  assert.equal(quota(worker({ room: 4 }), next, pacing, 0, Infinity), 4);
  // A worker stopping a task gets nothing: it may be killed.
  assert.equal(quota(worker({ stopping: true }), next, pacing, 0, Infinity), 0);
  // Never negative.
  const full = worker({ shipped: Array.from({ length: 30 }, () => task("x")) });
  assert.equal(quota(full, next, pacing, 0, Infinity), 0);
});

Deno.test("dispatch: a long task goes alone, one more prefetched behind a running one on time", () => {
  const pacing = long();
  const next = task("n");
  assert.equal(quota(worker(), next, pacing, 0, Infinity), 1);
  const running = worker({ shipped: [task("a")], lastProgress: 100 });
  assert.equal(quota(running, next, pacing, 105, Infinity), 1); // on time
  assert.equal(quota(running, next, pacing, 111, Infinity), 0); // overdue
  assert.equal(canPrefetch([running], next, pacing, 105, Infinity), true);
  assert.equal(canPrefetch([running], next, pacing, 111, Infinity), false);
  // A child cannot give a task back: it holds no long task queued.
  const child = worker({
    shipped: [task("a")],
    lastProgress: 100,
    sharesMemory: false,
  });
  assert.equal(quota(child, next, pacing, 105, Infinity), 0);
  // Nor does a worker whose task was stopped.
  const abandoned = worker({
    shipped: [task("a", { abandoned: true })],
    lastProgress: 100,
  });
  assert.equal(quota(abandoned, next, pacing, 105, Infinity), 0);
  // Short tasks are batched, never prefetched one by one.
  assert.equal(canPrefetch([running], next, short(), 105, Infinity), false);
});

Deno.test("dispatch: behind a running task of a few ms, a worker on time gets about 8 ms more in one go", () => {
  const pacing = new Pacing({ assumeMs: 2 });
  const next = task("n");
  // An idle worker gets one, which starts at once.
  assert.equal(quota(worker(), next, pacing, 0, Infinity), 1);
  // Running it, on time: 4 more (8 ms of 2 ms tasks), in one message.
  const running = worker({
    shipped: [task("a")],
    lastProgress: 100,
    dispatched: 1,
  });
  assert.equal(quota(running, next, pacing, 101, Infinity), 4);
  assert.equal(quota(running, next, pacing, 101, Infinity, 3), 3); // most
  assert.equal(quota(running, next, pacing, 101, 3), 2); // maxTasksPerWorker
  // Late: its task has run longer than usual; nothing more.
  assert.equal(quota(running, next, pacing, 103, Infinity), 0);
  // Still holding some: no more until it is down to the one it runs.
  const holding = worker({
    shipped: [task("a"), task("b")],
    lastProgress: 100,
  });
  assert.equal(quota(holding, next, pacing, 101, Infinity), 0);
});

Deno.test("dispatch: a child holds at most 2 behind its task, and no more than leaves each other worker as many in the queue", () => {
  const child = (pacing: Pacing) => (queued: number, workers = 2) =>
    quota(
      worker({ shipped: [task("a")], lastProgress: 100, sharesMemory: false }),
      task("n"),
      pacing,
      100.5, // on time
      Infinity,
      Infinity,
      { queued, workers },
    );
  // 1 ms tasks: a Worker would hold 8; a child, which cannot give them
  // back, 2.
  const ms1 = child(new Pacing({ assumeMs: 1 }));
  assert.equal(ms1(100), 2);
  assert.equal(ms1(5), 1); // 5 / 2 - 1, at least one while it outnumbers
  assert.equal(ms1(2), 0); // the last ones: to whoever frees up first
  assert.equal(ms1(24, 8), 2);
  assert.equal(ms1(16, 8), 1);
  // 5 ms tasks: 8 ms of work is one.
  assert.equal(child(new Pacing({ assumeMs: 5 }))(100), 1);
});

Deno.test("dispatch: takeBatch takes in order and drops cancelled tasks", () => {
  const cancelled = task("b", { done: true });
  const queue = queueOf(task("a"), cancelled, task("c"), task("d"));
  assert.deepEqual(names(takeBatch(worker(), queue, 2)), ["a", "c"]);
  assert.deepEqual(names([...queue]), ["d"]);
  assert.deepEqual(names(takeBatch(worker(), queue, 0)), []);
  assert.deepEqual(names([...queue]), ["d"]);
});

Deno.test("dispatch: a task that moves buffers travels alone, to a worker holding nothing", () => {
  const moving = task("m", { transfer: [new ArrayBuffer(1)] });
  assert.equal(travelsAlone(worker(), moving), true);
  assert.equal(travelsAlone(worker(), task("s", { stoppable: true })), false);
  // Ends the batch before it.
  let queue = queueOf(task("a"), moving, task("c"));
  assert.deepEqual(names(takeBatch(worker(), queue, 10)), ["a"]);
  // Alone to an idle worker.
  assert.deepEqual(names(takeBatch(worker(), queue, 10)), ["m"]);
  assert.deepEqual(names([...queue]), ["c"]);
  // Never to a busy one.
  queue = queueOf(moving);
  const busy = worker({ shipped: [task("x")] });
  assert.deepEqual(names(takeBatch(busy, queue, 10)), []);
  assert.equal(queue.length, 1);
});

Deno.test("dispatch: on a child, a task that may be stopped travels alone and nothing joins it", () => {
  const child = () => worker({ sharesMemory: false });
  const stoppable = task("s", { stoppable: true });
  assert.equal(travelsAlone(child(), stoppable), true);
  // A transfer is copied to a child: no reason to travel alone.
  const moving = task("m", { transfer: [new ArrayBuffer(1)] });
  assert.equal(travelsAlone(child(), moving), false);
  let queue = queueOf(task("a"), stoppable, task("c"));
  assert.deepEqual(names(takeBatch(child(), queue, 10)), ["a"]);
  assert.deepEqual(names(takeBatch(child(), queue, 10)), ["s"]);
  // Nothing is shipped behind a stoppable task on a child.
  const holding = worker({ sharesMemory: false, shipped: [stoppable] });
  queue = queueOf(task("c"));
  assert.deepEqual(names(takeBatch(holding, queue, 10)), []);
  // On a Worker it may be (a stop there kills nothing else).
  const shared = worker({ shipped: [stoppable] });
  assert.deepEqual(names(takeBatch(shared, queue, 10)), ["c"]);
});

Deno.test("dispatch: a burst is shared among the workers that can give tasks back", () => {
  const a = worker({ shipped: [task("1")] });
  const b = worker();
  const child = worker({ sharesMemory: false });
  const worn = worker({ dispatched: 5 });
  const stopping = worker({ shipped: [task("2", { abandoned: true })] });
  const { takers, share } = topUp([a, b, child, worn, stopping], 9, 5);
  assert.deepEqual(takers, [a, b]);
  assert.equal(share, 5); // ceil(9 / 2)
  assert.deepEqual(topUp([child], 9, 5), { takers: [], share: 0 });
});

Deno.test("dispatch: an idle worker takes back half of what waits behind the busiest, all of it if stalled", () => {
  const pacing = long(); // stalled after 40 ms without progress
  const one = worker({ shipped: [task("a")] });
  const busiest = worker({
    shipped: ["h", "1", "2", "3", "4", "5"].map((n) => task(n)),
    lastProgress: 0,
  });
  const two = worker({ shipped: [task("b"), task("c")] });
  assert.equal(victim([one, busiest, two]), busiest);
  assert.equal(victim([one, worker()]), undefined); // none holds a waiting task
  // 5 wait behind the head: the back 3 (ceil(5 / 2)) from index 3.
  assert.equal(takeBackFrom(busiest, pacing, 10), 3);
  // Stalled: all 5, from index 1.
  assert.equal(takeBackFrom(busiest, pacing, 41), 1);
  assert.equal(mayTakeBack(worker(), Infinity), true);
  assert.equal(mayTakeBack(worker({ sharesMemory: false }), Infinity), false);
  assert.equal(mayTakeBack(one, Infinity), false);
  assert.equal(mayTakeBack(worker({ dispatched: 3 }), 3), false);
});

Deno.test("dispatch: after a crash, the tasks from firstUnstarted on never started", () => {
  // The worker named the task that ran (index 1): those after it did not.
  assert.equal(firstUnstarted(4, true, 1, false), 2);
  assert.equal(firstUnstarted(4, false, 1, false), 2);
  // It said none ran.
  assert.equal(firstUnstarted(4, true, -1, true), 0);
  // It said nothing: a Worker's head may have run (its slots tell the
  // rest); on a child any task may have.
  assert.equal(firstUnstarted(4, true, -1, false), 1);
  assert.equal(firstUnstarted(4, false, -1, false), 4);
});

Deno.test("holdsOlder: a busy worker holding a task submitted before the queue's head", () => {
  const numbered = (id: number) => task(`t${id}`, { id });
  const head = numbered(5);
  const holdsNewer = worker({ shipped: [numbered(1), numbered(6)] });
  const holdsOne = worker({ shipped: [numbered(2)] });
  const holdsOlderTask = worker({ shipped: [numbered(3), numbered(4)] });
  assert.equal(holdsOlder([holdsNewer, holdsOne], head), undefined);
  assert.equal(
    holdsOlder([holdsNewer, holdsOne, holdsOlderTask], head),
    holdsOlderTask,
  );
  // A child process cannot give tasks back; a dead worker has none to give.
  const child = worker({
    shipped: [numbered(3), numbered(4)],
    sharesMemory: false,
  });
  const dead = worker({ shipped: [numbered(3), numbered(4)], dead: true });
  assert.equal(holdsOlder([child, dead], head), undefined);
});
