// Copyright 2026 the @concurrent/futures authors. MIT license.
// Queue, PriorityQueue and LifoQueue on virtual time: capacity, FIFO
// fairness of putters and getters, taskDone/join, shutdown, and wake-ups
// that survive a cancellation arriving at the same moment.
import assert from "node:assert/strict";
import {
  LifoQueue,
  PriorityQueue,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  sleep,
} from "../loop/mod.ts";
import { outcome, runLoop } from "./_util/loop.ts";

/** A deterministic pseudo-random sequence (xorshift). */
function* numbers(seed: number): Generator<number, never> {
  let x = seed;
  for (;;) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    yield (x >>> 0) % 1000;
  }
}

function take<T>(gen: Iterator<T>, n: number): T[] {
  return Array.from({ length: n }, () => gen.next().value as T);
}

// ---------------------------------------------------------------- basics

Deno.test("Queue: bad maxsize is refused at once; 0 and Infinity are unbounded", () => {
  assert.throws(() => new Queue(-1), {
    name: "RangeError",
    message: "A queue's maxsize must be an integer >= 0, got -1",
  });
  assert.throws(() => new Queue(2.5), RangeError);
  assert.throws(() => new Queue(NaN), RangeError);
  assert.throws(() => new PriorityQueue(-1), RangeError);
  assert.throws(() => new LifoQueue(-1), RangeError);
  assert.throws(() => new Queue("3" as unknown as number), TypeError);
  for (const maxsize of [0, Infinity]) {
    const queue = new Queue<number>(maxsize);
    assert.equal(queue.maxsize, maxsize);
    for (let i = 0; i < 10_000; i++) queue.putNowait(i);
    assert.equal(queue.full(), false);
    assert.equal(queue.qsize(), 10_000);
  }
  assert.equal(new Queue().maxsize, 0);
});

Deno.test("Queue: putNowait/getNowait, qsize/empty/full, QueueFull/QueueEmpty", () => {
  const queue = new Queue<string>(2);
  assert.equal(queue.empty(), true);
  assert.throws(() => queue.getNowait(), {
    name: "QueueEmpty",
    message: "The queue is empty",
  });
  queue.putNowait("a");
  assert.equal(queue.qsize(), 1);
  assert.equal(queue.empty(), false);
  assert.equal(queue.full(), false);
  queue.putNowait("b");
  assert.equal(queue.full(), true);
  assert.throws(() => queue.putNowait("c"), {
    name: "QueueFull",
    message: "The queue is full",
  });
  assert.equal(queue.getNowait(), "a");
  assert.equal(queue.getNowait(), "b");
  assert.throws(() => queue.getNowait(), QueueEmpty);
  assert.equal(queue.qsize(), 0);
});

Deno.test("Queue: FIFO order through many items (the backing array compacts)", () => {
  const queue = new Queue<number>();
  const out: number[] = [];
  let next = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 100; i++) queue.putNowait(next++);
    for (let i = 0; i < 60; i++) out.push(queue.getNowait());
  }
  while (!queue.empty()) out.push(queue.getNowait());
  assert.deepEqual(out, Array.from({ length: 5000 }, (_, i) => i));
});

Deno.test("errors: queue errors keep name, message and cause", () => {
  const cause = new Error("root");
  for (
    const [Class, name] of [[QueueFull, "QueueFull"], [
      QueueEmpty,
      "QueueEmpty",
    ], [QueueShutDown, "QueueShutDown"]] as const
  ) {
    const error = new Class("custom", { cause });
    assert.ok(error instanceof Error);
    assert.equal(error.name, name);
    assert.equal(error.message, "custom");
    assert.equal(error.cause, cause);
  }
  assert.equal(new QueueShutDown().message, "The queue is shut down");
});

// ---------------------------------------------------------------- blocking

Deno.test("Queue: get waits for a put", async () => {
  await runLoop(function* (loop) {
    const queue = new Queue<string>();
    const getter = loop.createTask(queue.get());
    yield* sleep(100);
    assert.equal(getter.done(), false);
    yield* queue.put("x");
    assert.equal(yield* getter, "x");
    assert.equal(loop.time(), 100);
  });
});

Deno.test("Queue: a full queue blocks its putters until a getter runs", async () => {
  const log: string[] = [];
  await runLoop(function* (loop) {
    const queue = new Queue<number>(2);
    const producer = loop.createTask((function* () {
      for (let i = 1; i <= 5; i++) {
        yield* queue.put(i);
        log.push(`put ${i} @${loop.time()}`);
      }
    })());
    yield* sleep(100);
    assert.equal(queue.full(), true);
    assert.deepEqual(log, ["put 1 @0", "put 2 @0"]);
    for (let i = 1; i <= 5; i++) {
      log.push(`got ${yield* queue.get()} @${loop.time()}`);
      yield* sleep(100);
    }
    yield* producer;
  });
  assert.deepEqual(log, [
    "put 1 @0",
    "put 2 @0",
    "got 1 @100",
    "put 3 @100",
    "got 2 @200",
    "put 4 @200",
    "got 3 @300",
    "put 5 @300",
    "got 4 @400",
    "got 5 @500",
  ]);
});

Deno.test("Queue: 100 waiting getters are served in the order they came", async () => {
  const got: string[] = [];
  await runLoop(function* (loop) {
    const queue = new Queue<number>();
    const tasks = Array.from(
      { length: 100 },
      (_, i) =>
        loop.createTask((function* () {
          yield* sleep(i);
          got.push(`${i}:${yield* queue.get()}`);
        })()),
    );
    yield* sleep(200);
    for (let i = 0; i < 100; i++) queue.putNowait(i);
    for (const task of tasks) yield* task;
  });
  assert.deepEqual(got, Array.from({ length: 100 }, (_, i) => `${i}:${i}`));
});

Deno.test("Queue: 100 waiting putters get their items in, in the order they came", async () => {
  await runLoop(function* (loop) {
    const queue = new Queue<number>(1);
    queue.putNowait(-1);
    const tasks = Array.from(
      { length: 100 },
      (_, i) =>
        loop.createTask((function* () {
          yield* sleep(100 - i); // arrival order: 99, 98, ..., 0
          yield* queue.put(i);
        })()),
    );
    yield* sleep(200);
    const got: number[] = [];
    for (let i = 0; i <= 100; i++) got.push(yield* queue.get());
    for (const task of tasks) yield* task;
    assert.deepEqual(got, [
      -1,
      ...Array.from({ length: 100 }, (_, i) => 99 - i),
    ]);
  });
});

Deno.test("Queue: a cancelled waiting getter is skipped", async () => {
  await runLoop(function* (loop) {
    const queue = new Queue<string>();
    const a = loop.createTask(queue.get());
    const b = loop.createTask(queue.get());
    yield* sleep(1);
    a.cancel();
    yield* sleep(1);
    queue.putNowait("item");
    assert.equal(yield* outcome(a), "CancelledError");
    assert.equal(yield* outcome(b), "ok:item");
  });
});

Deno.test("Queue: a getter cancelled as it is woken passes the item on", async () => {
  await runLoop(function* (loop) {
    const queue = new Queue<string>();
    const b = loop.createTask(queue.get());
    const c = loop.createTask(queue.get());
    const d = loop.createTask(queue.get());
    yield* sleep(1);
    queue.putNowait("only"); // wakes b ...
    b.cancel(); // ... cancelled before it runs
    assert.equal(yield* outcome(b), "CancelledError");
    assert.equal(yield* outcome(c), "ok:only");
    yield* sleep(10);
    assert.equal(d.done(), false);
    queue.putNowait("next");
    assert.equal(yield* outcome(d), "ok:next");
  });
});

Deno.test("Queue: a putter cancelled as it is woken passes the free slot on", async () => {
  await runLoop(function* (loop) {
    const queue = new Queue<string>(1);
    queue.putNowait("first");
    const b = loop.createTask(queue.put("from b"));
    const c = loop.createTask(queue.put("from c"));
    const d = loop.createTask(queue.put("from d"));
    yield* sleep(1);
    assert.equal(queue.getNowait(), "first"); // wakes b ...
    b.cancel(); // ... cancelled before it runs
    assert.equal(yield* outcome(b), "CancelledError");
    assert.equal(yield* outcome(c), "ok:undefined");
    yield* sleep(10);
    assert.equal(d.done(), false);
    assert.equal(queue.getNowait(), "from c");
    assert.equal(yield* outcome(d), "ok:undefined");
    assert.equal(queue.getNowait(), "from d");
  });
});

// ---------------------------------------------------------------- taskDone / join

Deno.test("Queue: join waits for taskDone of every item; too many taskDone is a RangeError", async () => {
  await runLoop(function* (loop) {
    const queue = new Queue<number>();
    const start = loop.time();
    yield* queue.join(); // nothing put: at once
    assert.equal(loop.time(), start);
    assert.throws(() => queue.taskDone(), {
      name: "RangeError",
      message: "taskDone() called too many times",
    });
    for (let i = 0; i < 3; i++) queue.putNowait(i);
    const worker = loop.createTask((function* () {
      for (;;) {
        yield* queue.get();
        yield* sleep(10);
        queue.taskDone();
      }
    })());
    yield* queue.join();
    assert.equal(loop.time(), 30);
    assert.equal(queue.empty(), true);
    assert.throws(() => queue.taskDone(), RangeError);
    worker.cancel();
    assert.equal(yield* outcome(worker), "CancelledError");
  });
});

Deno.test("Queue: several joiners are all released; join blocks again after a put", async () => {
  await runLoop(function* (loop) {
    const queue = new Queue<string>();
    queue.putNowait("a");
    const joiners = [1, 2, 3].map(() => loop.createTask(queue.join()));
    yield* sleep(5);
    assert.ok(joiners.every((j) => !j.done()));
    queue.getNowait();
    queue.taskDone();
    for (const joiner of joiners) yield* joiner;
    queue.putNowait("b");
    const again = loop.createTask(queue.join());
    yield* sleep(5);
    assert.equal(again.done(), false);
    queue.getNowait();
    queue.taskDone();
    yield* again;
  });
});

// ---------------------------------------------------------------- shutdown

Deno.test("Queue: shutdown wakes blocked putters with QueueShutDown; the items can still be got", async () => {
  await runLoop(function* (loop) {
    const queue = new Queue<number>(1);
    queue.putNowait(1);
    const putters = [2, 3].map((n) => loop.createTask(queue.put(n)));
    yield* sleep(10);
    queue.shutdown();
    for (const putter of putters) {
      assert.equal(yield* outcome(putter), "QueueShutDown");
    }
    assert.throws(() => queue.putNowait(4), QueueShutDown);
    try {
      yield* queue.put(5);
      assert.fail("not reached");
    } catch (error) {
      assert.ok(error instanceof QueueShutDown);
    }
    assert.equal(yield* queue.get(), 1);
    assert.throws(() => queue.getNowait(), QueueShutDown);
    try {
      yield* queue.get();
      assert.fail("not reached");
    } catch (error) {
      assert.ok(error instanceof QueueShutDown);
    }
    queue.shutdown(); // twice is harmless
  });
});

Deno.test("Queue: shutdown wakes blocked getters with QueueShutDown", async () => {
  await runLoop(function* (loop) {
    const queue = new Queue<number>();
    const getters = Array.from(
      { length: 5 },
      () => loop.createTask(queue.get()),
    );
    yield* sleep(10);
    queue.shutdown();
    for (const getter of getters) {
      assert.equal(yield* outcome(getter), "QueueShutDown");
    }
  });
});

Deno.test("Queue: shutdown with blocked putters and getters at the same time", async () => {
  // One pipeline, two queues: stage 1 blocks putting into a full queue,
  // stage 2 blocks getting from an empty one.
  await runLoop(function* (loop) {
    const full = new Queue<number>(1);
    const empty = new Queue<number>(1);
    full.putNowait(0);
    const putter = loop.createTask(full.put(1));
    const getter = loop.createTask(empty.get());
    yield* sleep(10);
    full.shutdown();
    empty.shutdown();
    assert.equal(yield* outcome(putter), "QueueShutDown");
    assert.equal(yield* outcome(getter), "QueueShutDown");
    assert.equal(full.getNowait(), 0);
  });
});

Deno.test("Queue: shutdown(true) drops the items, releases join, and getters fail at once", async () => {
  await runLoop(function* (loop) {
    const queue = new Queue<number>(3);
    for (let i = 0; i < 3; i++) queue.putNowait(i);
    const putter = loop.createTask(queue.put(3));
    const joiner = loop.createTask(queue.join());
    yield* sleep(10);
    queue.shutdown(true);
    assert.equal(queue.qsize(), 0);
    assert.equal(yield* outcome(putter), "QueueShutDown");
    yield* joiner;
    assert.throws(() => queue.getNowait(), QueueShutDown);
    try {
      yield* queue.get();
      assert.fail("not reached");
    } catch (error) {
      assert.ok(error instanceof QueueShutDown);
    }
    // Items got before the shutdown may still be marked done... but none is
    // pending here, so once more is too many.
    assert.throws(() => queue.taskDone(), RangeError);
  });
});

Deno.test("Queue: shutdown(true) counts dropped items only: items in progress still need taskDone", async () => {
  await runLoop(function* (loop) {
    const queue = new Queue<number>();
    queue.putNowait(1);
    queue.putNowait(2);
    assert.equal(queue.getNowait(), 1); // in progress
    queue.shutdown(true); // drops 2
    const joiner = loop.createTask(queue.join());
    yield* sleep(10);
    assert.equal(joiner.done(), false);
    queue.taskDone();
    yield* joiner;
  });
});

// ---------------------------------------------------------------- LifoQueue

Deno.test("LifoQueue: last in, first out, with capacity and blocking", async () => {
  await runLoop(function* (loop) {
    const stack = new LifoQueue<number>(3);
    assert.ok(stack instanceof Queue);
    for (const n of [1, 2, 3]) yield* stack.put(n);
    assert.equal(stack.full(), true);
    assert.throws(() => stack.putNowait(4), QueueFull);
    const putter = loop.createTask(stack.put(4));
    yield* sleep(10);
    assert.equal(stack.getNowait(), 3);
    yield* putter;
    const out: number[] = [];
    while (!stack.empty()) out.push(yield* stack.get());
    assert.deepEqual(out, [4, 2, 1]);
    assert.throws(() => stack.getNowait(), QueueEmpty);
  });
});

// ---------------------------------------------------------------- PriorityQueue

Deno.test("PriorityQueue: numbers come out sorted (a heap, checked against sort)", () => {
  const queue = new PriorityQueue<number>();
  assert.ok(queue instanceof Queue);
  const values = take(numbers(42), 2000);
  const out: number[] = [];
  // Interleave puts and gets so the heap is exercised in every shape.
  for (let i = 0; i < values.length; i++) {
    queue.putNowait(values[i]);
    if (i % 3 === 2) out.push(queue.getNowait());
  }
  while (!queue.empty()) out.push(queue.getNowait());
  assert.equal(out.length, values.length);
  // Every get returned the minimum of what was queued at the time.
  const expected: number[] = [];
  const pending: number[] = [];
  for (let i = 0; i < values.length; i++) {
    pending.push(values[i]);
    if (i % 3 === 2) {
      pending.sort((a, b) => a - b);
      expected.push(pending.shift()!);
    }
  }
  expected.push(...pending.sort((a, b) => a - b));
  assert.deepEqual(out, expected);
});

Deno.test("PriorityQueue: stable for equal priorities (1,000 ties leave in insertion order)", () => {
  const queue = new PriorityQueue<[number, { id: number }]>();
  const priorities = take(numbers(7), 1000).map((n) => n % 5);
  priorities.forEach((p, id) => queue.putNowait([p, { id }]));
  const out: Array<[number, number]> = [];
  while (!queue.empty()) {
    const [p, { id }] = queue.getNowait();
    out.push([p, id]);
  }
  const expected = priorities.map((p, id): [number, number] => [p, id])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  assert.deepEqual(out, expected);
});

Deno.test("PriorityQueue: compares like Python tuples: numbers, strings, arrays", () => {
  const queue = new PriorityQueue<unknown>();
  const items = [
    [2, "b"],
    [1, "z"],
    [2, "a"],
    [1],
    [1, "z", 0],
    [10n, "big"],
    [-Infinity, "first"],
  ];
  for (const item of items) queue.putNowait(item);
  const out: unknown[] = [];
  while (!queue.empty()) out.push(queue.getNowait());
  assert.deepEqual(out, [
    [-Infinity, "first"],
    [1],
    [1, "z"],
    [1, "z", 0],
    [2, "a"],
    [2, "b"],
    [10n, "big"],
  ]);
  const words = new PriorityQueue<string>();
  for (const w of ["pear", "apple", "Zebra", "apple"]) words.putNowait(w);
  assert.deepEqual(
    [1, 2, 3, 4].map(() => words.getNowait()),
    ["Zebra", "apple", "apple", "pear"],
  );
});

Deno.test("PriorityQueue: mixed kinds sort by kind instead of throwing", () => {
  const queue = new PriorityQueue<unknown>();
  const obj = { o: 1 };
  for (const v of [obj, "s", 3, [0], null, true, undefined, NaN, false, -1]) {
    queue.putNowait(v);
  }
  const out: unknown[] = [];
  while (!queue.empty()) out.push(queue.getNowait());
  assert.deepEqual(out, [
    undefined,
    null,
    false,
    true,
    NaN,
    -1,
    3,
    "s",
    [0],
    obj,
  ]);
});

Deno.test("PriorityQueue: a compare option orders the items; ties stay FIFO", () => {
  type Job = { name: string; due: number };
  const queue = new PriorityQueue<Job>(0, {
    compare: (a, b) => b.due - a.due, // latest first
  });
  for (const [name, due] of [["a", 1], ["b", 3], ["c", 3], ["d", 2]] as const) {
    queue.putNowait({ name, due });
  }
  const out: string[] = [];
  while (!queue.empty()) out.push(queue.getNowait().name);
  assert.deepEqual(out, ["b", "c", "d", "a"]);
  assert.throws(
    () => new PriorityQueue(0, { compare: 5 as unknown as () => number }),
    TypeError,
  );
});

Deno.test("PriorityQueue: a throwing compare leaves the queue intact", () => {
  let armed = false;
  const queue = new PriorityQueue<number>(0, {
    compare: (a, b) => {
      if (armed) throw new Error("compare failed");
      return a - b;
    },
  });
  for (const n of [5, 3, 8, 1, 9, 2]) queue.putNowait(n);
  armed = true;
  assert.throws(() => queue.putNowait(0), { message: "compare failed" });
  assert.throws(() => queue.getNowait(), { message: "compare failed" });
  armed = false;
  assert.equal(queue.qsize(), 6);
  const out: number[] = [];
  while (!queue.empty()) out.push(queue.getNowait());
  assert.deepEqual(out, [1, 2, 3, 5, 8, 9]);
});

Deno.test("PriorityQueue: blocking get and put behave as in Queue", async () => {
  await runLoop(function* (loop) {
    const queue = new PriorityQueue<number>(2);
    const getter = loop.createTask(queue.get());
    yield* sleep(5);
    queue.putNowait(7);
    assert.equal(yield* getter, 7);
    queue.putNowait(9);
    queue.putNowait(4);
    const putter = loop.createTask(queue.put(1));
    yield* sleep(5);
    assert.equal(putter.done(), false);
    assert.equal(yield* queue.get(), 4);
    yield* putter;
    assert.deepEqual([queue.getNowait(), queue.getNowait()], [1, 9]);
  });
});
