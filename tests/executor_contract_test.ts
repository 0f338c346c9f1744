// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import {
  AsyncPoolExecutor,
  type Executor,
  type ExecutorStats,
  ProcessPoolExecutor,
  type TaskContext,
  TimeoutError,
  WorkerPoolExecutor,
} from "../mod.ts";
import {
  assertExecutorMembers,
  EXECUTOR_MEMBERS,
  membersOf,
} from "./_util/executor_members.ts";

// Child processes are Deno's (the portable suite runs this file elsewhere).
const isDeno = typeof Deno.version?.deno === "string";
const CLASSES = isDeno
  ? [WorkerPoolExecutor, ProcessPoolExecutor, AsyncPoolExecutor]
  : [WorkerPoolExecutor, AsyncPoolExecutor];

Deno.test("every executor has each member of Executor, of the same kind", () => {
  for (const Class of CLASSES) assertExecutorMembers(Class);
  // The three expose the same interface members; extra ones are their own.
  const shared = CLASSES.map((Class) =>
    [...membersOf(Class)].filter(([key]) =>
      Object.hasOwn(EXECUTOR_MEMBERS, key)
    )
  );
  assert.deepEqual(shared[0].length, Reflect.ownKeys(EXECUTOR_MEMBERS).length);
  for (const members of shared) {
    assert.deepEqual(new Map(members), new Map(shared[0]));
  }
});

Deno.test("code written against Executor runs tasks with run() and reads stats on every executor", async () => {
  async function square(
    ex: Executor,
    n: number,
  ): Promise<[number, ExecutorStats]> {
    const value = await ex.run((x: number) => x * x, [n], { timeout: 10_000 })
      .result();
    // Ends when stopped, so that no executor waits for it at shutdown.
    const slow = ex.run(
      function (this: TaskContext) {
        return new Promise((resolve) =>
          this.signal.addEventListener("abort", resolve)
        );
      },
      [],
      { timeout: 1 },
    );
    await assert.rejects(slow.result(), TimeoutError);
    return [value, ex.stats];
  }
  for (const Class of CLASSES) {
    await using ex: Executor = new Class({ maxWorkers: 1 });
    const [value, stats] = await square(ex, 7);
    assert.equal(value, 49, Class.name);
    assert.deepEqual(
      Object.keys(stats).sort(),
      ["busy", "completed", "failed", "queued", "workers"],
    );
    assert.ok(stats.completed >= 1, Class.name);
  }
});
