// Copyright 2026 the @concurrent/futures authors. MIT license.
// Type tests: `deno check` (and `deno test`) must accept tasks that ignore
// `this` and tasks that declare `this: TaskContext` on every executor, and
// reject a task that declares another `this`. The pools are only
// type-checked here; `checkTypes` is never called.
import assert from "node:assert/strict";
import {
  AsyncPoolExecutor,
  type Executor,
  type Future,
  moduleTask,
  type ProcessPoolExecutor,
  type TaskContext,
  type WorkerPoolExecutor,
} from "../mod.ts";

function withContext(this: TaskContext, n: number): string {
  this.throwIfCancelled();
  this.progress(n);
  return String(n);
}
async function asyncWithContext(this: TaskContext, n: number) {
  await Promise.resolve();
  this.transfer(new ArrayBuffer(n));
  return this.signal.aborted;
}
function plain(n: number): number {
  return n + 1;
}
interface Other {
  other: number;
}
function otherThis(this: Other, n: number): number {
  return this.other + n;
}
interface Tasks {
  withContext: typeof withContext;
  plain: typeof plain;
  otherThis: typeof otherThis;
  notAFunction: number;
}
const url = new URL("data:text/javascript,");

type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends
  (<T>() => T extends Y ? 1 : 2) ? true : false;
function expectType<T>(_value: T): void {}
function same<X, Y>(_proof: Equal<X, Y>): void {}

function checkTypes(
  worker: WorkerPoolExecutor,
  process: ProcessPoolExecutor,
  local: AsyncPoolExecutor,
  any: Executor,
): void {
  for (const ex of [worker, process, local]) {
    const a = ex.submit(withContext, 1);
    same<typeof a, Future<string>>(true);
    const b = ex.run(asyncWithContext, [2], { onProgress: (v) => v, grace: 5 });
    same<typeof b, Future<boolean>>(true);
    const c = ex.submit(plain, 3);
    same<typeof c, Future<number>>(true);
    expectType<Future<number>>(ex.run((x: number) => x, [4]));
    expectType<AsyncIterableIterator<string>>(ex.map(withContext, [1, 2]));
    expectType<AsyncIterableIterator<number>>(ex.map(plain, [1, 2]));

    const viaModule = moduleTask<Tasks, "withContext">(url, "withContext");
    const d = ex.submit(viaModule, 5);
    same<typeof d, Future<string>>(true);
    const e = ex.run(moduleTask<Tasks, "plain">(url, "plain"), [6]);
    same<typeof e, Future<number>>(true);

    // @ts-expect-error: a task with another `this` is refused
    ex.submit(otherThis, 1);
    // @ts-expect-error: also through run
    ex.run(otherThis, [1]);
    // @ts-expect-error: and map
    ex.map(otherThis, [1]);
    // @ts-expect-error: a wrong argument type is still caught
    ex.submit(withContext, "one");
  }
  // @ts-expect-error: an export with another `this` cannot be named
  moduleTask<Tasks, "otherThis">(url, "otherThis");
  // @ts-expect-error: nor an export that is not a function
  moduleTask<Tasks, "notAFunction">(url, "notAFunction");
  expectType<Future<string>>(any.submit(withContext, 1));
  // @ts-expect-error: through the interface too
  any.submit(otherThis, 1);
}

Deno.test("TaskFunction types: this is optional and must be a TaskContext", async () => {
  assert.equal(typeof checkTypes, "function");
  await using ex = new AsyncPoolExecutor();
  assert.equal(await ex.submit(withContext, 7).result(), "7");
  assert.equal(await ex.submit(asyncWithContext, 1).result(), false);
  assert.equal(await ex.submit(plain, 7).result(), 8);
});
