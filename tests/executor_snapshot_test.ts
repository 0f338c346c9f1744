// Copyright 2026 the @concurrent/futures authors. MIT license.
// A worker pool copies what a task hands over at the moment it does: a
// progress value at the progress() call, a result when its task ends, even
// though both travel later, in a batch with others. A value that cannot be
// sent fails its own task only, and never costs another its moved buffers.
import assert from "node:assert/strict";
import { RunningTaskContext } from "../executor/_task_context.ts";
import { snapshot } from "../executor/_snapshot.ts";
import type { TaskContext } from "../mod.ts";
import { forEachPool } from "./_util/pools.ts";

/** Reports one object that it keeps changing. */
function reuse(this: TaskContext, steps: number): number {
  const state = { step: 0 };
  for (let i = 1; i <= steps; i++) {
    state.step = i;
    this.progress(state);
  }
  return state.step;
}

/** Reports a value that cannot be cloned between good ones. */
function reportBad(this: TaskContext, which: string): string {
  this.progress(1);
  this.progress(2);
  let caught = "nothing";
  try {
    this.progress(which === "function" ? () => 3 : Symbol("3"));
  } catch (error) {
    caught = (error as Error).name;
  }
  this.progress(4);
  return caught;
}

/** Appends `x` to a list kept by the worker and returns that list. */
function remember(x: number): number[] {
  const g = globalThis as { remembered?: number[] };
  g.remembered ??= [];
  g.remembered.push(x);
  return g.remembered;
}

/** Empties the list, then keeps its worker busy for `ms`. */
function forgetThenWork(ms: number): void {
  (globalThis as { remembered?: number[] }).remembered = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy
  }
}

/** Throws an object that it changes again once it has been thrown. */
function throwShared(n: number): never {
  const g = globalThis as { thrown?: { n: number } };
  g.thrown ??= { n: 0 };
  g.thrown.n = n;
  throw g.thrown;
}

/** Returns what `kind` names: a moved buffer, or a value not to clone. */
function giveBack(this: TaskContext, kind: string): unknown {
  switch (kind) {
    case "buffer": {
      const buffer = new Uint8Array(16).fill(7).buffer;
      this.transfer(buffer);
      return buffer;
    }
    case "function":
      return function notCloneable() {};
    case "symbol":
      return Symbol("notCloneable");
    default:
      return 0;
  }
}

/** Returns its argument, moving it back if it is a buffer. */
function echo(this: TaskContext, x: unknown): unknown {
  if (x instanceof ArrayBuffer) this.transfer(x);
  return x;
}

forEachPool(({ name, Pool }) => {
  Deno.test(`${name}: a progress object reported again and again arrives as it was each time`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const seen: number[] = [];
    const future = ex.run(reuse, [5], {
      onProgress: (value) => seen.push((value as { step: number }).step),
    });
    assert.equal(await future.result(), 5);
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  });

  Deno.test(`${name}: a progress value that cannot be cloned throws at the call; the others arrive`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    for (const which of ["function", "symbol"]) {
      const seen: unknown[] = [];
      const future = ex.run(reportBad, [which], {
        onProgress: (value) => seen.push(value),
      });
      assert.equal(await future.result(), "DataCloneError");
      assert.deepEqual(seen, [1, 2, 4]);
    }
    // A task that does not catch it fails with it.
    const seen: unknown[] = [];
    const future = ex.run(
      function (this: TaskContext) {
        this.progress("before");
        this.progress(() => 0);
        return "not reached";
      },
      [],
      { onProgress: (value) => seen.push(value) },
    );
    const error = await future.exception() as DOMException;
    assert.equal(error.name, "DataCloneError");
    assert.match(error.message, /progress value could not be cloned/);
    assert.deepEqual(seen, ["before"]);
  });

  Deno.test(`${name}: results held for a batch are the values their tasks returned`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    // Known to be short, `remember` runs in batches whose results wait for
    // one another.
    for (let i = 0; i < 50; i++) await ex.submit(remember, 0).result();
    for (let round = 0; round < 3; round++) {
      const busy = ex.submit(forgetThenWork, 20);
      const futures = [1, 2, 3, 4, 5].map((n) => ex.submit(remember, n));
      assert.deepEqual(
        await Promise.all(futures.map((f) => f.result())),
        [[1], [1, 2], [1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4, 5]],
      );
      await busy.result();
    }
  });

  Deno.test(`${name}: in one batch, a moved result arrives and each failed one has its own error`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    for (let i = 0; i < 50; i++) await ex.submit(giveBack, "zero").result();
    for (let round = 0; round < 3; round++) {
      const busy = ex.submit(forgetThenWork, 20);
      const [zero, moved, fn, symbol] = ["zero", "buffer", "function", "symbol"]
        .map((kind) => ex.submit(giveBack, kind));
      assert.equal(await zero.result(), 0);
      const buffer = await moved.result() as ArrayBuffer;
      assert.deepEqual(new Uint8Array(buffer), new Uint8Array(16).fill(7));
      const fnError = await fn.exception() as Error;
      assert.equal(fnError.name, "DataCloneError");
      assert.match(fnError.message, /notCloneable\(\)/);
      const symbolError = await symbol.exception() as Error;
      assert.equal(symbolError.name, "DataCloneError");
      assert.match(symbolError.message, /Symbol\(notCloneable\)/);
      await busy.result();
    }
  });

  Deno.test(`${name}: a task that moves buffers is not failed by another task's arguments`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    // Known to be short, `echo` travels in batches.
    for (let i = 0; i < 50; i++) await ex.submit(echo, 0).result();
    const busy = ex.submit(forgetThenWork, 30);
    // Both wait for the busy worker, then leave together.
    const buffer = new Uint8Array(16).fill(9).buffer;
    const moved = ex.run(echo, [buffer], { transfer: [buffer] });
    const results = ex.map(echo, [() => "not cloneable"]);
    const mapped = results.next();
    const back = await moved.result() as ArrayBuffer;
    assert.deepEqual(new Uint8Array(back), new Uint8Array(16).fill(9));
    await assert.rejects(mapped, (error: Error) => {
      assert.equal(error.name, "DataCloneError");
      assert.match(error.message, /not cloneable/);
      return true;
    });
    await busy.result();
  });

  Deno.test(`${name}: thrown objects held for a batch are as they were thrown`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    for (let i = 0; i < 50; i++) await ex.submit(throwShared, 0).exception();
    const busy = ex.submit(forgetThenWork, 20);
    const futures = [1, 2, 3].map((n) => ex.submit(throwShared, n));
    assert.deepEqual(
      await Promise.all(futures.map((f) => f.exception())),
      [{ n: 1 }, { n: 2 }, { n: 3 }],
    );
    await busy.result();
  });
});

Deno.test("task context: with clone, an object is copied at the progress() call", () => {
  const sent: unknown[][] = [];
  const context = new RunningTaskContext({
    sink: (values) => sent.push(values),
    clone: true,
  });
  const state = { step: 1 };
  context.progress(state); // the first goes at once
  state.step = 2;
  context.progress(state);
  state.step = 3;
  context.progress(state);
  context.progress(7);
  assert.throws(() => context.progress(Symbol("x")), DOMException);
  context.end();
  assert.deepEqual(sent, [[{ step: 1 }], [{ step: 2 }, { step: 3 }, 7]]);
});

Deno.test("snapshot: a copy with structuredClone's semantics, cheap for flat objects", () => {
  assert.equal(snapshot(5), 5);
  assert.equal(snapshot(null), null);
  const flat = { done: 1, total: 2, label: "x", none: undefined };
  const flatCopy = snapshot(flat);
  assert.notEqual(flatCopy, flat);
  assert.deepEqual(flatCopy, flat);
  const nested = { inner: { n: 1 }, list: [1, 2] };
  const nestedCopy = snapshot(nested) as typeof nested;
  nested.inner.n = 2;
  nested.list.push(3);
  assert.deepEqual(nestedCopy, { inner: { n: 1 }, list: [1, 2] });
  // A class instance loses its class, as it would in a message.
  class Point {
    constructor(public x: number) {}
  }
  const point = snapshot(new Point(1));
  assert.equal(Object.getPrototypeOf(point), Object.prototype);
  assert.deepEqual(point, { x: 1 });
  const tricky = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
  const trickyCopy = snapshot(tricky) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(trickyCopy), Object.prototype);
  assert.equal(trickyCopy.polluted, undefined);
  assert.deepEqual(Object.keys(trickyCopy), ["__proto__", "a"]);
  for (const bad of [{ f: () => 1 }, { s: Symbol("s") }, () => 1]) {
    assert.throws(
      () => snapshot(bad),
      (error: unknown) =>
        error instanceof DOMException && error.name === "DataCloneError",
    );
  }
  assert.throws(() => snapshot(Symbol("s")), DOMException);
  // A dense array of primitives is sliced; one holding objects is cloned.
  const dense = [1, "a", null];
  const denseCopy = snapshot(dense, true);
  assert.notEqual(denseCopy, dense);
  assert.deepEqual(denseCopy, dense);
  const deep = [{ n: 1 }];
  const deepCopy = snapshot(deep, true) as typeof deep;
  deep[0].n = 2;
  assert.deepEqual(deepCopy, [{ n: 1 }]);
});
