// Copyright 2026 the @concurrent/futures authors. MIT license.
// Lock, Event, Condition, Semaphore, BoundedSemaphore and Barrier on
// virtual time: semantics, FIFO fairness, and wake-ups that survive a
// cancellation arriving at the same moment.
import assert from "node:assert/strict";
import {
  CancelledError,
  InvalidStateError,
  TimeoutError,
} from "../future/mod.ts";
import {
  Barrier,
  BoundedSemaphore,
  BrokenBarrierError,
  Condition,
  type Coroutine,
  Event,
  EventLoop,
  gather,
  Lock,
  Queue,
  run,
  Semaphore,
  sleep,
  TaskGroup,
  timeout,
  waitFor,
} from "../loop/mod.ts";
import { outcome, runLoop } from "./_util/loop.ts";

// ---------------------------------------------------------------- Lock

Deno.test("Lock: acquire, locked, release; release when unlocked is InvalidStateError", async () => {
  const lock = new Lock();
  assert.equal(lock.locked(), false);
  assert.throws(() => lock.release(), {
    name: "InvalidStateError",
    message: "Lock is not acquired",
  });
  await runLoop(function* () {
    assert.equal(yield* lock.acquire(), true);
    assert.equal(lock.locked(), true);
    lock.release();
    assert.equal(lock.locked(), false);
  });
  assert.throws(() => lock.release(), InvalidStateError);
});

Deno.test("Lock: 100 waiters are served in the order they asked", async () => {
  const served: number[] = [];
  await runLoop(function* (loop) {
    const lock = new Lock();
    yield* lock.acquire();
    const tasks = Array.from(
      { length: 100 },
      (_, i) =>
        loop.createTask((function* () {
          yield* sleep(i); // arrive one by one, in order
          yield* lock.withLock(function* () {
            served.push(i);
            yield* sleep(0);
          });
        })()),
    );
    yield* sleep(1000);
    assert.deepEqual(served, []);
    lock.release();
    for (const task of tasks) yield* task;
    assert.equal(lock.locked(), false);
  });
  assert.deepEqual(served, Array.from({ length: 100 }, (_, i) => i));
});

Deno.test("Lock: a newcomer does not overtake a woken waiter", async () => {
  const order: string[] = [];
  await runLoop(function* (loop) {
    const lock = new Lock();
    yield* lock.acquire();
    const waiter = loop.createTask(lock.withLock(function* () {
      order.push("waiter");
      yield* sleep(0);
    }));
    yield* sleep(10);
    lock.release();
    // The waiter is woken but has not run: the lock looks free, yet the
    // line must be respected.
    assert.equal(lock.locked(), false);
    yield* lock.acquire();
    order.push("newcomer");
    lock.release();
    yield* waiter;
  });
  assert.deepEqual(order, ["waiter", "newcomer"]);
});

Deno.test("Lock: a cancelled waiter leaves the line, the others still get the lock", async () => {
  const order: string[] = [];
  await runLoop(function* (loop) {
    const lock = new Lock();
    yield* lock.acquire();
    const make = (name: string) =>
      loop.createTask(lock.withLock(function* () {
        order.push(name);
        yield* sleep(0);
      }));
    const a = make("a");
    const b = make("b");
    const c = make("c");
    yield* sleep(10);
    b.cancel();
    yield* sleep(10);
    lock.release();
    assert.equal(yield* outcome(a), "ok:undefined");
    assert.equal(yield* outcome(b), "CancelledError");
    assert.equal(yield* outcome(c), "ok:undefined");
  });
  assert.deepEqual(order, ["a", "c"]);
});

Deno.test("Lock: a waiter cancelled as it is woken passes the lock on", async () => {
  const order: string[] = [];
  await runLoop(function* (loop) {
    const lock = new Lock();
    yield* lock.acquire();
    const b = loop.createTask(lock.withLock(function* () {
      order.push("b");
      yield* sleep(0);
    }));
    const c = loop.createTask(lock.withLock(function* () {
      order.push("c");
      yield* sleep(5);
    }));
    yield* sleep(10);
    lock.release(); // wakes b ...
    b.cancel(); // ... which is cancelled before it runs
    assert.equal(yield* outcome(b), "CancelledError");
    assert.equal(yield* outcome(c), "ok:undefined");
    assert.equal(loop.time(), 15);
    assert.equal(lock.locked(), false);
  });
  assert.deepEqual(order, ["c"]);
});

Deno.test("Lock: withLock releases when the body throws; acquired() releases on dispose, once", async () => {
  await runLoop(function* () {
    const lock = new Lock();
    try {
      yield* lock.withLock(function* () {
        yield* sleep(1);
        throw new Error("boom");
      });
      assert.fail("not reached");
    } catch (error) {
      assert.equal((error as Error).message, "boom");
    }
    assert.equal(lock.locked(), false);
    {
      using _held = yield* lock.acquired();
      assert.equal(lock.locked(), true);
    }
    assert.equal(lock.locked(), false);
    const handle = yield* lock.acquired();
    handle[Symbol.dispose]();
    handle[Symbol.dispose](); // no second release, no throw
    assert.equal(lock.locked(), false);
  });
});

Deno.test("Lock: waiting on a second loop while bound to an open one is InvalidStateError", async () => {
  const lock = new Lock();
  const first = new EventLoop({ virtualTime: true });
  await first.runUntilComplete((function* () {
    yield* lock.acquire();
    const waiter = first.createTask(lock.withLock(function* () {}));
    yield* sleep(1); // the waiter waits: the lock is bound to `first`
    lock.release();
    yield* waiter;
  })());
  const second = new EventLoop({ virtualTime: true });
  await second.runUntilComplete((function* () {
    yield* lock.acquire(); // free: no waiting, so no loop needed
    const refused = second.createTask(lock.acquire());
    assert.equal(yield* outcome(refused), "InvalidStateError");
    assert.equal(
      (refused.exceptionNow() as Error).message,
      "This Lock is bound to a different event loop",
    );
    first.close(); // now the lock may move on
    const waiter = second.createTask(lock.acquire());
    yield* sleep(5);
    lock.release();
    assert.equal(yield* waiter, true);
    lock.release();
  })());
  second.close();
});

// ---------------------------------------------------------------- Event

Deno.test("Event: set wakes every waiter in FIFO order; wait returns at once when set", async () => {
  const woken: number[] = [];
  await runLoop(function* (loop) {
    const event = new Event();
    assert.equal(event.isSet(), false);
    const tasks = Array.from(
      { length: 100 },
      (_, i) =>
        loop.createTask((function* () {
          yield* sleep(100 - i); // arrive in reverse creation order
          assert.equal(yield* event.wait(), true);
          woken.push(i);
        })()),
    );
    yield* sleep(200);
    assert.deepEqual(woken, []);
    event.set();
    event.set(); // harmless
    assert.equal(event.isSet(), true);
    for (const task of tasks) yield* task;
    const start = loop.time();
    assert.equal(yield* event.wait(), true);
    assert.equal(loop.time(), start);
  });
  assert.deepEqual(woken, Array.from({ length: 100 }, (_, i) => 99 - i));
});

Deno.test("Event: clear() after set() does not take back a wake-up; later waits block", async () => {
  await runLoop(function* (loop) {
    const event = new Event();
    const early = loop.createTask(event.wait());
    yield* sleep(1);
    event.set();
    event.clear();
    assert.equal(event.isSet(), false);
    assert.equal(yield* early, true);
    const late = loop.createTask(event.wait());
    yield* sleep(100);
    assert.equal(late.done(), false);
    event.set();
    assert.equal(yield* late, true);
    assert.equal(loop.time(), 101);
  });
});

Deno.test("Event: a cancelled waiter throws CancelledError and leaves the others", async () => {
  await runLoop(function* (loop) {
    const event = new Event();
    const a = loop.createTask(event.wait());
    const b = loop.createTask(event.wait());
    yield* sleep(1);
    a.cancel();
    yield* sleep(1);
    event.set();
    assert.equal(yield* outcome(a), "CancelledError");
    assert.equal(yield* outcome(b), "ok:true");
  });
});

// ---------------------------------------------------------------- Condition

Deno.test("Condition: wait, notify and notifyAll need the lock (InvalidStateError)", async () => {
  const cond = new Condition();
  assert.throws(() => cond.notify(), {
    name: "InvalidStateError",
    message: "Cannot notify on an un-acquired lock",
  });
  assert.throws(() => cond.notifyAll(), InvalidStateError);
  assert.throws(() => cond.release(), InvalidStateError);
  await assert.rejects(runLoop(() => cond.wait()), {
    name: "InvalidStateError",
    message: "Cannot wait on an un-acquired lock",
  });
  await runLoop(function* () {
    yield* cond.acquire();
    assert.throws(() => cond.notify(-1), RangeError);
    assert.throws(() => cond.notify(1.5), RangeError);
    cond.notify(0);
    cond.release();
  });
  assert.throws(() => new Condition({} as Lock), TypeError);
});

Deno.test("Condition: notify(n) wakes n waiters first come first served; 100 waiters in order", async () => {
  const woken: number[] = [];
  await runLoop(function* (loop) {
    const cond = new Condition();
    const tasks = Array.from(
      { length: 100 },
      (_, i) =>
        loop.createTask(cond.withLock(function* () {
          assert.equal(yield* cond.wait(), true);
          assert.equal(cond.locked(), true); // re-acquired before returning
          woken.push(i);
        })),
    );
    yield* sleep(10);
    yield* cond.withLock(function* () {
      cond.notify(3);
    });
    yield* sleep(10);
    assert.deepEqual(woken, [0, 1, 2]);
    yield* cond.withLock(function* () {
      cond.notify();
    });
    yield* sleep(10);
    assert.deepEqual(woken, [0, 1, 2, 3]);
    yield* cond.withLock(function* () {
      cond.notifyAll();
    });
    for (const task of tasks) yield* task;
  });
  assert.deepEqual(woken, Array.from({ length: 100 }, (_, i) => i));
});

Deno.test("Condition: a cancelled wait re-acquires the lock before CancelledError comes out", async () => {
  const log: string[] = [];
  await runLoop(function* (loop) {
    const cond = new Condition();
    const waiter = loop.createTask((function* () {
      yield* cond.acquire();
      try {
        yield* cond.wait();
      } catch (error) {
        log.push(
          `${(error as Error).name} at ${loop.time()}, locked=${cond.locked()}`,
        );
        cond.release();
        throw error;
      }
    })());
    yield* sleep(10);
    yield* cond.acquire(); // the waiter released it inside wait()
    waiter.cancel();
    yield* sleep(90); // the waiter needs the lock back before it can leave
    assert.equal(waiter.done(), false);
    log.push(`main releases at ${loop.time()}`);
    cond.release();
    assert.equal(yield* outcome(waiter), "CancelledError");
  });
  assert.deepEqual(log, [
    "main releases at 100",
    "CancelledError at 100, locked=true",
  ]);
});

Deno.test("Condition: a cancellation while re-acquiring still ends with the lock held", async () => {
  const log: string[] = [];
  await runLoop(function* (loop) {
    const cond = new Condition();
    const waiter = loop.createTask(cond.withLock(function* () {
      try {
        yield* cond.wait();
        log.push("returned");
      } catch (error) {
        log.push(
          `${(error as Error).name} at ${loop.time()}, locked=${cond.locked()}`,
        );
        throw error;
      }
    }));
    yield* sleep(10);
    yield* cond.acquire();
    cond.notify(); // the waiter wakes and queues for the lock ...
    yield* sleep(10);
    waiter.cancel(); // ... and is cancelled while it waits for it
    yield* sleep(30);
    assert.equal(waiter.done(), false);
    cond.release();
    assert.equal(yield* outcome(waiter), "CancelledError");
    assert.equal(cond.locked(), false); // withLock released it
  });
  assert.deepEqual(log, ["CancelledError at 50, locked=true"]);
});

Deno.test("Condition: acquired() holds the lock to the end of the block", async () => {
  await runLoop(function* (loop) {
    const cond = new Condition();
    const waiter = loop.createTask((function* () {
      using _held = yield* cond.acquired();
      yield* cond.wait();
      return cond.locked();
    })());
    yield* sleep(5);
    {
      using _held = yield* cond.acquired();
      cond.notifyAll();
    }
    assert.equal(yield* waiter, true);
    assert.equal(cond.locked(), false);
  });
});

Deno.test("Condition: a waiter cancelled as it is notified passes the notification on", async () => {
  const log: string[] = [];
  await runLoop(function* (loop) {
    const cond = new Condition();
    const make = (name: string) =>
      loop.createTask(cond.withLock(function* () {
        try {
          yield* cond.wait();
          log.push(`${name} notified`);
        } catch (error) {
          log.push(`${name} ${(error as Error).name}, locked=${cond.locked()}`);
          throw error;
        }
      }));
    const b = make("b");
    const c = make("c");
    const d = make("d");
    yield* sleep(10);
    yield* cond.acquire();
    cond.notify(1); // meant for b ...
    b.cancel(); // ... which is cancelled before it runs
    cond.release();
    assert.equal(yield* outcome(b), "CancelledError");
    assert.equal(yield* outcome(c), "ok:undefined");
    yield* sleep(10);
    assert.equal(d.done(), false); // exactly one notification went round
    d.cancel();
    assert.equal(yield* outcome(d), "CancelledError");
  });
  assert.deepEqual(log, [
    "b CancelledError, locked=true",
    "c notified",
    "d CancelledError, locked=true",
  ]);
});

Deno.test("Condition: waitFor checks first, then after each notification, and returns the value", async () => {
  await runLoop(function* (loop) {
    const cond = new Condition(new Lock());
    let items = 0;
    let checks = 0;
    const start = loop.time();
    const immediate = yield* cond.withLock(() =>
      cond.waitFor(() => (checks++, "ready"))
    );
    assert.equal(immediate, "ready");
    assert.equal(loop.time(), start);
    checks = 0;
    const consumer = loop.createTask(cond.withLock(function* () {
      return yield* cond.waitFor(() => (checks++, items >= 2 && items));
    }));
    for (let i = 0; i < 3; i++) {
      yield* sleep(10);
      yield* cond.withLock(function* () {
        items++;
        cond.notifyAll();
      });
    }
    assert.equal(yield* consumer, 2);
    assert.equal(checks, 3); // before waiting, after 1 item, after 2 items
  });
});

Deno.test("Condition: two conditions sharing one lock", async () => {
  await runLoop(function* (loop) {
    const lock = new Lock();
    const notEmpty = new Condition(lock);
    const notFull = new Condition(lock);
    const box: number[] = [];
    const got: number[] = [];
    const consumer = loop.createTask((function* () {
      for (let i = 0; i < 5; i++) {
        yield* notEmpty.withLock(function* () {
          yield* notEmpty.waitFor(() => box.length > 0);
          got.push(box.shift()!);
          notFull.notify();
        });
      }
    })());
    for (let i = 0; i < 5; i++) {
      yield* notFull.withLock(function* () {
        yield* notFull.waitFor(() => box.length === 0);
        box.push(i);
        assert.equal(notEmpty.locked(), true); // the same lock
        notEmpty.notify();
      });
    }
    yield* consumer;
    assert.deepEqual(got, [0, 1, 2, 3, 4]);
  });
});

// ---------------------------------------------------------------- Semaphore

Deno.test("Semaphore: bad values are refused at once", () => {
  assert.throws(() => new Semaphore(-1), {
    name: "RangeError",
    message: "A semaphore's value must be an integer >= 0, got -1",
  });
  assert.throws(() => new Semaphore(1.5), RangeError);
  assert.throws(() => new Semaphore(NaN), RangeError);
  assert.throws(() => new Semaphore("2" as unknown as number), TypeError);
  assert.throws(() => new BoundedSemaphore(-3), RangeError);
  assert.equal(new Semaphore().locked(), false);
  assert.equal(new Semaphore(0).locked(), true);
});

Deno.test("Semaphore: value permits pass at once, the next one waits", async () => {
  await runLoop(function* (loop) {
    const sem = new Semaphore(2);
    assert.equal(yield* sem.acquire(), true);
    assert.equal(sem.locked(), false);
    yield* sem.acquire();
    assert.equal(sem.locked(), true);
    const third = loop.createTask(sem.acquire());
    yield* sleep(50);
    assert.equal(third.done(), false);
    sem.release();
    assert.equal(yield* third, true);
    assert.equal(loop.time(), 50);
    assert.equal(sem.locked(), true);
  });
});

Deno.test("Semaphore: 100 waiters served in FIFO order, one release at a time and all at once", async () => {
  for (const allAtOnce of [false, true]) {
    const served: number[] = [];
    await runLoop(function* (loop) {
      const sem = new Semaphore(0);
      const tasks = Array.from(
        { length: 100 },
        (_, i) =>
          loop.createTask((function* () {
            yield* sleep(i); // arrival order = index
            yield* sem.acquire();
            served.push(i);
          })()),
      );
      yield* sleep(200);
      for (let i = 0; i < 100; i++) {
        sem.release();
        if (!allAtOnce) yield* sleep(1);
      }
      for (const task of tasks) yield* task;
      assert.equal(sem.locked(), true); // every permit was taken
    });
    assert.deepEqual(served, Array.from({ length: 100 }, (_, i) => i));
  }
});

Deno.test("Semaphore and Condition: 10,000 waiters woken in one go are served in order", async () => {
  const n = 10_000;
  await runLoop(function* (loop) {
    const sem = new Semaphore(0);
    const cond = new Condition();
    const order: string[] = [];
    const semTasks = Array.from(
      { length: n },
      (_, i) =>
        loop.createTask((function* () {
          yield* sem.acquire();
          order.push(`s${i}`);
        })()),
    );
    const condTasks = Array.from(
      { length: n },
      (_, i) =>
        loop.createTask(
          cond.withLock(function* () {
            yield* cond.wait();
            order.push(`c${i}`);
          }),
        ),
    );
    yield* sleep(1);
    for (let i = 0; i < n; i++) sem.release();
    yield* cond.withLock(function* () {
      for (let i = 0; i < n; i++) cond.notify(1);
    });
    for (const task of [...semTasks, ...condTasks]) yield* task;
    const expected = [
      ...Array.from({ length: n }, (_, i) => `s${i}`),
      ...Array.from({ length: n }, (_, i) => `c${i}`),
    ];
    assert.deepEqual(order, expected);
  });
});

Deno.test("Semaphore: a newcomer waits behind a woken waiter even with a free permit", async () => {
  const order: string[] = [];
  await runLoop(function* (loop) {
    const sem = new Semaphore(1);
    yield* sem.acquire();
    const waiter = loop.createTask((function* () {
      yield* sem.acquire();
      order.push("waiter");
    })());
    yield* sleep(1);
    sem.release();
    sem.release(); // two permits free, one handed to the waiter already
    yield* sem.acquire();
    order.push("newcomer");
    yield* waiter;
  });
  // The waiter's permit is already handed over; the newcomer still queues
  // behind it (asyncio's locked() counts woken waiters).
  assert.deepEqual(order, ["waiter", "newcomer"]);
});

Deno.test("Semaphore: a waiter cancelled as it is woken passes the permit on", async () => {
  await runLoop(function* (loop) {
    const sem = new Semaphore(0);
    const b = loop.createTask(sem.acquire());
    const c = loop.createTask(sem.acquire());
    const d = loop.createTask(sem.acquire());
    yield* sleep(1);
    sem.release(); // for b ...
    b.cancel(); // ... cancelled before it runs
    assert.equal(yield* outcome(b), "CancelledError");
    assert.equal(yield* outcome(c), "ok:true");
    yield* sleep(10);
    assert.equal(d.done(), false); // one permit, one winner
    assert.equal(sem.locked(), true);
    sem.release();
    assert.equal(yield* outcome(d), "ok:true");
  });
});

Deno.test("Semaphore: withLock and acquired() give the permit back", async () => {
  await runLoop(function* (loop) {
    const sem = new Semaphore(1);
    let peak = 0;
    let inside = 0;
    const worker = () =>
      loop.createTask(sem.withLock(function* () {
        peak = Math.max(peak, ++inside);
        yield* sleep(10);
        inside--;
      }));
    const tasks = [worker(), worker(), worker()];
    for (const task of tasks) yield* task;
    assert.equal(peak, 1);
    assert.equal(loop.time(), 30);
    {
      using _permit = yield* sem.acquired();
      assert.equal(sem.locked(), true);
    }
    assert.equal(sem.locked(), false);
    try {
      yield* sem.withLock(function* (): Coroutine<void> {
        throw new Error("body failed");
      });
    } catch (error) {
      assert.equal((error as Error).message, "body failed");
    }
    assert.equal(sem.locked(), false);
  });
});

Deno.test("BoundedSemaphore: release above the initial value is a RangeError", async () => {
  const sem = new BoundedSemaphore(2);
  assert.ok(sem instanceof Semaphore);
  assert.throws(() => sem.release(), {
    name: "RangeError",
    message: "BoundedSemaphore released too many times",
  });
  await runLoop(function* (loop) {
    yield* sem.acquire();
    yield* sem.acquire();
    const waiter = loop.createTask(sem.acquire());
    yield* sleep(1);
    sem.release(); // handed to the waiter
    yield* waiter;
    sem.release();
    sem.release();
    assert.throws(() => sem.release(), RangeError);
  });
});

// ---------------------------------------------------------------- Barrier

Deno.test("Barrier: bad parties are refused at once", () => {
  assert.throws(() => new Barrier(0), {
    name: "RangeError",
    message: "A barrier's parties must be an integer >= 1, got 0",
  });
  assert.throws(() => new Barrier(-2), RangeError);
  assert.throws(() => new Barrier(2.5), RangeError);
  assert.throws(() => new Barrier(undefined as unknown as number), TypeError);
});

Deno.test("Barrier: wait returns the arrival index once all parties are there", async () => {
  const log: string[] = [];
  await runLoop(function* (loop) {
    const barrier = new Barrier(3);
    assert.equal(barrier.parties, 3);
    const make = (name: string, ms: number) =>
      loop.createTask((function* () {
        yield* sleep(ms);
        const index = yield* barrier.wait();
        log.push(`${name}#${index}@${loop.time()}`);
      })());
    const tasks = [make("a", 30), make("b", 10), make("c", 20)];
    yield* sleep(25);
    assert.equal(barrier.nWaiting, 2);
    for (const task of tasks) yield* task;
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
  assert.deepEqual(log, ["a#2@30", "b#0@30", "c#1@30"]);
});

Deno.test("Barrier: 1,000 parties over 3 rounds", async () => {
  const parties = 1000;
  const rounds: number[][] = [[], [], []];
  const passedAt: number[][] = [[], [], []];
  await runLoop(function* (loop) {
    const barrier = new Barrier(parties);
    const tasks = Array.from(
      { length: parties },
      (_, i) =>
        loop.createTask((function* () {
          for (let round = 0; round < 3; round++) {
            yield* sleep((i * 7919 + round * 104729) % 1000); // scattered
            rounds[round].push(yield* barrier.wait());
            passedAt[round].push(loop.time());
          }
        })()),
    );
    for (const task of tasks) yield* task;
    assert.equal(barrier.nWaiting, 0);
  });
  const all = Array.from({ length: parties }, (_, i) => i);
  let previous = 0;
  for (let round = 0; round < 3; round++) {
    assert.deepEqual([...rounds[round]].sort((a, b) => a - b), all);
    // Everybody passes together, when the slowest party arrives.
    const times = new Set(passedAt[round]);
    assert.equal(times.size, 1);
    const [time] = times;
    assert.ok(time > previous);
    previous = time;
  }
});

Deno.test("Barrier: a party arriving while a round drains waits for the next round", async () => {
  const log: string[] = [];
  await runLoop(function* (loop) {
    const barrier = new Barrier(2);
    const make = (name: string, ms: number) =>
      loop.createTask((function* () {
        yield* sleep(ms);
        log.push(`${name}#${yield* barrier.wait()}@${loop.time()}`);
      })());
    const a = make("a", 0);
    const b = make("b", 10); // completes round 1 ...
    const c = make("c", 10); // ... and c arrives in the same round
    yield* sleep(20);
    assert.equal(barrier.nWaiting, 1); // c, in round 2
    const d = make("d", 0);
    for (const task of [a, b, c, d]) yield* task;
  });
  assert.deepEqual(log, ["b#1@10", "a#0@10", "d#1@20", "c#0@20"]);
});

Deno.test("Barrier: abort breaks waiters and later arrivals; reset repairs it", async () => {
  await runLoop(function* (loop) {
    const barrier = new Barrier(3);
    const a = loop.createTask(barrier.wait());
    const b = loop.createTask(barrier.wait());
    yield* sleep(1);
    barrier.abort();
    assert.equal(barrier.broken, true);
    assert.equal(barrier.nWaiting, 0);
    for (const task of [a, b]) {
      try {
        yield* task;
        assert.fail("not reached");
      } catch (error) {
        assert.ok(error instanceof BrokenBarrierError);
        assert.equal(error.message, "Abort or reset of barrier");
      }
    }
    try {
      yield* barrier.wait();
      assert.fail("not reached");
    } catch (error) {
      assert.ok(error instanceof BrokenBarrierError);
      assert.equal(error.message, "Barrier aborted");
    }
    barrier.reset();
    assert.equal(barrier.broken, false);
    const c = loop.createTask(barrier.wait());
    const d = loop.createTask(barrier.wait());
    yield* sleep(1); // c and d arrive first
    assert.equal(yield* barrier.wait(), 2);
    assert.deepEqual([yield* c, yield* d], [0, 1]);
  });
});

Deno.test("Barrier: reset with waiters fails them with BrokenBarrierError and empties the barrier", async () => {
  await runLoop(function* (loop) {
    const barrier = new Barrier(2);
    const a = loop.createTask(barrier.wait());
    yield* sleep(1);
    barrier.reset();
    assert.equal(yield* outcome(a), "BrokenBarrierError");
    assert.equal(barrier.broken, false);
    assert.equal(barrier.nWaiting, 0);
    const b = loop.createTask(barrier.wait());
    yield* sleep(1);
    assert.equal(barrier.nWaiting, 1);
    assert.equal(yield* barrier.wait(), 1);
    assert.equal(yield* b, 0);
  });
});

Deno.test("Barrier: a cancelled party leaves without breaking the barrier", async () => {
  await runLoop(function* (loop) {
    const barrier = new Barrier(2);
    const a = loop.createTask(barrier.wait());
    yield* sleep(1);
    assert.equal(barrier.nWaiting, 1);
    a.cancel();
    assert.equal(yield* outcome(a), "CancelledError");
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
    const b = loop.createTask(barrier.wait());
    yield* sleep(1);
    assert.equal(yield* barrier.wait(), 1);
    assert.equal(yield* b, 0);
  });
});

Deno.test("errors: BrokenBarrierError keeps name, message and cause", () => {
  const cause = new Error("why");
  const error = new BrokenBarrierError("broken!", { cause });
  assert.ok(error instanceof Error);
  assert.equal(error.name, "BrokenBarrierError");
  assert.equal(error.message, "broken!");
  assert.equal(error.cause, cause);
  assert.equal(new BrokenBarrierError().message, "The barrier is broken");
});

Deno.test("CancelledError thrown into a lock waiter is the task's cancellation", async () => {
  await runLoop(function* (loop) {
    const lock = new Lock();
    yield* lock.acquire();
    const waiter = loop.createTask(lock.acquire());
    yield* sleep(1);
    waiter.cancel("stop waiting");
    try {
      yield* waiter;
    } catch (error) {
      assert.ok(error instanceof CancelledError);
    }
    assert.equal(waiter.cancelled(), true);
    lock.release();
    assert.equal(lock.locked(), false);
  });
});

Deno.test("primitives under waitFor, timeout, gather and TaskGroup", async () => {
  await run(
    (function* () {
      const queue = new Queue<number>();
      try {
        yield* waitFor(queue.get(), 50);
        assert.fail("not reached");
      } catch (error) {
        assert.ok(error instanceof TimeoutError);
      }
      queue.putNowait(1);
      assert.equal(yield* waitFor(queue.get(), 50), 1);

      const lock = new Lock();
      yield* lock.acquire();
      try {
        yield* timeout(30, lock.acquire());
        assert.fail("not reached");
      } catch (error) {
        assert.ok(error instanceof TimeoutError);
      }
      lock.release();
      assert.equal(lock.locked(), false); // the timed-out waiter left nothing behind

      const cond = new Condition();
      const seen = yield* cond.withLock(function* () {
        try {
          yield* timeout(20, cond.wait());
          return "notified";
        } catch (error) {
          return `${(error as Error).name}, locked=${cond.locked()}`;
        }
      });
      assert.equal(seen, "TimeoutError, locked=true");

      const small = new Queue<number>(1);
      const results = yield* gather([
        small.put(1),
        small.put(2),
        small.get(),
        small.get(),
      ]);
      assert.deepEqual(results, [undefined, undefined, 1, 2]);

      const got = yield* TaskGroup.run(function* (tg) {
        const getter = tg.createTask(small.get());
        tg.createTask((function* () {
          yield* sleep(5);
          small.putNowait(9);
        })());
        return getter;
      });
      assert.equal(got.resultNow(), 9);
    })(),
    { virtualTime: true },
  );
});
