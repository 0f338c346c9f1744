// Copyright 2026 the @concurrent/futures authors. MIT license.
// Unit tests of a child process's prefetch (executor/_pool/dispatch.ts,
// `mayPrefetch` with a backlog), on fake workers and tasks.
import assert from "node:assert/strict";
import {
  canPrefetch,
  mayPrefetch,
  quota,
  type TaskState,
  type WorkerState,
} from "../executor/_pool/dispatch.ts";
import { Pacing } from "../executor/_pool/pacing.ts";

const task = (extra: Partial<TaskState> = {}): TaskState => ({
  key: "f",
  calls: 1,
  stoppable: false,
  transfer: undefined,
  abandoned: false,
  future: { done: () => false },
  ...extra,
});

/** A child process running one task since t = 100 ms. */
const child = (extra: Partial<WorkerState> = {}): WorkerState => ({
  shipped: [task()],
  sharesMemory: false,
  dispatched: 1,
  dead: false,
  stopping: false,
  room: 1024,
  lastProgress: 100,
  ...extra,
});

const long = { queued: 5, workers: 2 };
const pacing = (ms: number) => new Pacing({ assumeMs: ms });

Deno.test("dispatch: a child holds one more behind a timed task on time, while the queue outnumbers the workers", () => {
  const next = task();
  assert.equal(mayPrefetch(child(), pacing(10), 105, Infinity, long), true);
  assert.equal(
    quota(child(), next, pacing(10), 105, Infinity, Infinity, long),
    1,
  );
  assert.equal(
    canPrefetch([child()], next, pacing(10), 105, Infinity, long),
    true,
  );
  // Without a backlog (the caller does not say), never: as before.
  assert.equal(mayPrefetch(child(), pacing(10), 105, Infinity), false);
  assert.equal(quota(child(), next, pacing(10), 105, Infinity), 0);
});

Deno.test("dispatch: a child holds nothing more behind a late, short, long, untimed or stopped task, nor for the last tasks", () => {
  // Late: it has run longer than usual.
  assert.equal(mayPrefetch(child(), pacing(10), 111, Infinity, long), false);
  // Short tasks travel in batches; long ones lose nothing to a round trip.
  assert.equal(mayPrefetch(child(), pacing(0.5), 100.1, Infinity, long), false);
  assert.equal(mayPrefetch(child(), pacing(51), 105, Infinity, long), false);
  // A function never timed.
  assert.equal(mayPrefetch(child(), new Pacing(), 100, Infinity, long), false);
  // The last tasks, no more than the workers, go to whoever frees up first.
  const last = { queued: 2, workers: 2 };
  assert.equal(mayPrefetch(child(), pacing(10), 105, Infinity, last), false);
  // A task being stopped, a worker at maxTasksPerWorker, a dead one.
  const stopped = child({ shipped: [task({ abandoned: true })] });
  assert.equal(mayPrefetch(stopped, pacing(10), 105, Infinity, long), false);
  assert.equal(mayPrefetch(child(), pacing(10), 105, 1, long), false);
  assert.equal(
    mayPrefetch(child({ dead: true }), pacing(10), 105, Infinity, long),
    false,
  );
  // A worker stopping its task gets nothing, prefetch or not.
  const stopping = child({ stopping: true });
  assert.equal(
    quota(stopping, task(), pacing(10), 105, Infinity, Infinity, long),
    0,
  );
});
