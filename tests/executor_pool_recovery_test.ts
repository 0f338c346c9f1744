// Copyright 2026 the @concurrent/futures authors. MIT license.
// How the pool engine recovers when a worker dies, a task cannot be sent
// or has to be stopped: which tasks fail, which run again (never one that
// may have run), and that nothing is left waiting or escapes as an
// uncaught error.
import assert from "node:assert/strict";
import {
  BrokenExecutorError,
  ProcessPoolExecutor,
  WorkerCrashedError,
  WorkerPoolExecutor,
} from "../mod.ts";
import { Pool } from "../executor/_pool/pool.ts";
import type { FromWorker, ToWorker } from "../executor/_protocol.ts";
import type { TransportFactory } from "../executor/_transport.ts";
import { forEachPool } from "./_util/pools.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Appends `i` to the log at `path`, then exits the worker if `i` is `die`. */
const logged = (i: number, path: string, die: number) => {
  Deno.writeTextFileSync(path, `${i}\n`, { append: true });
  if (i === die) Deno.exit(3);
  return i;
};

/** How many times each task ran, by its argument. */
function runsOf(path: string): Record<string, number> {
  const runs: Record<string, number> = {};
  for (const line of Deno.readTextFileSync(path).split("\n")) {
    if (line !== "") runs[line] = (runs[line] ?? 0) + 1;
  }
  return runs;
}

/** Each future's value, or its error's class name. */
async function outcomes(
  futures: { result(ms?: number): Promise<unknown> }[],
): Promise<string[]> {
  const out: string[] = [];
  for (const future of futures) {
    try {
      out.push(String(await future.result(10_000)));
    } catch (error) {
      out.push((error as Error).name);
    }
  }
  return out;
}

forEachPool(({ name, Pool: PoolClass }) => {
  Deno.test(`${name}: a task that exits its worker fails alone; the tasks shipped behind it run once`, async () => {
    const log = await Deno.makeTempFile();
    try {
      await using ex = new PoolClass({ maxWorkers: 1 });
      // The pool learns that the function is short, and ships it in
      // batches: the tasks after the one that exits travel with it.
      for (let round = 0; round < 3; round++) {
        await Promise.all(
          Array.from(
            { length: 20 },
            () => ex.submit(logged, -1, "/dev/null", -2).result(),
          ),
        );
      }
      const futures = Array.from(
        { length: 10 },
        (_, i) => ex.submit(logged, i, log, 5),
      );
      assert.deepEqual(await outcomes(futures), [
        "0",
        "1",
        "2",
        "3",
        "4",
        "WorkerCrashedError",
        "6",
        "7",
        "8",
        "9",
      ]);
      const runs = runsOf(log);
      for (let i = 0; i < 10; i++) assert.equal(runs[i], 1, `task ${i}`);
      // The pool goes on.
      assert.equal(await ex.submit((x: number) => x * 2, 21).result(), 42);
    } finally {
      await Deno.remove(log);
    }
  });

  Deno.test(`${name}: a task queued behind two that cannot be sent still runs`, async () => {
    await using ex = new PoolClass({ maxWorkers: 1 });
    const slow = (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end);
      return ms;
    };
    const kind = (x: unknown) => typeof x;
    // The pool learns that `slow` is short, so it ships nothing behind the
    // long call below once that call has run longer than usual.
    assert.equal(await ex.submit(slow, 1).result(), 1);
    const long = ex.submit(slow, 80);
    await sleep(30);
    // A function cannot be cloned; `transfer` skips the check at submit,
    // so each fails only when the worker frees up and it is sent.
    const bad1 = ex.run(kind, [{ f: () => 1 }], { transfer: [] });
    const bad2 = ex.run(kind, [{ f: () => 1 }], { transfer: [] });
    const last = ex.submit(kind, 1);
    assert.equal(await long.result(), 80);
    assert.equal((await bad1.exception() as Error).name, "DataCloneError");
    assert.equal((await bad2.exception() as Error).name, "DataCloneError");
    assert.equal(await last.result(10_000), "number");
    assert.equal(ex.stats.queued, 0);
  });

  Deno.test(`${name}: an error thrown after its task returned fails no task shipped since`, async () => {
    const log = await Deno.makeTempFile();
    try {
      await using ex = new PoolClass({ maxWorkers: 1 });
      const leaky = () => {
        setTimeout(() => {
          throw new Error("late");
        }, 1);
        return "leaky";
      };
      const innocent = (i: number, path: string) => {
        Deno.writeTextFileSync(path, `${i}\n`, { append: true });
        return i;
      };
      // The error fires while the worker is idle, often just as the pool
      // ships it the next tasks: those never started, and run elsewhere.
      let n = 0;
      for (let round = 0; round < 10; round++) {
        assert.equal(await ex.submit(leaky).result(), "leaky");
        const futures = Array.from(
          { length: 20 },
          () => ex.submit(innocent, n++, log),
        );
        const out = await outcomes(futures);
        assert.deepEqual(out, out.map((_, i) => String(n - 20 + i)));
      }
      const runs = runsOf(log);
      for (let i = 0; i < n; i++) assert.equal(runs[i], 1, `task ${i}`);
      assert.equal(ex.stats.failed, 0);
    } finally {
      await Deno.remove(log);
    }
  });
});

Deno.test("ProcessPoolExecutor: a child killed without a word runs no task twice", async () => {
  const log = await Deno.makeTempFile();
  try {
    await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });
    // SIGKILL stands for the OOM killer: the child says nothing, and the
    // results it had not sent yet are lost.
    const task = (i: number, path: string) => {
      Deno.writeTextFileSync(path, `${i}\n`, { append: true });
      if (i === 5) Deno.kill(Deno.pid, "SIGKILL");
      return i;
    };
    // Short tasks travel (and their results come back) in batches.
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        Array.from(
          { length: 20 },
          () => ex.submit(task, -1, "/dev/null").result(),
        ),
      );
    }
    const futures = Array.from(
      { length: 10 },
      (_, i) => ex.submit(task, i, log),
    );
    const out = await outcomes(futures);
    const runs = runsOf(log);
    for (let i = 0; i < 10; i++) {
      assert.ok((runs[i] ?? 0) <= 1, `task ${i} ran ${runs[i]} times`);
      // A task that succeeded ran once; one that failed may not have run.
      if (out[i] === String(i)) assert.equal(runs[i], 1);
      else assert.equal(out[i], "WorkerCrashedError", `task ${i}`);
    }
    assert.equal(out[5], "WorkerCrashedError");
    assert.match(
      (await futures[5].exception() as Error).message,
      /SIGKILL/,
    );
    assert.equal(await ex.submit((x: number) => x * 2, 21).result(), 42);
  } finally {
    await Deno.remove(log);
  }
});

Deno.test("WorkerPoolExecutor: a task that times out does not hold a task with transfer hostage", async () => {
  const ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  try {
    const never = ex.run(() => new Promise(() => {}), [], { timeout: 50 });
    const buffer = new ArrayBuffer(16);
    const moved = ex.run((b: ArrayBuffer) => b.byteLength, [buffer], {
      transfer: [buffer],
    });
    const last = ex.submit((x: number) => x, 3);
    assert.equal((await never.exception() as Error).name, "TimeoutError");
    assert.equal(await moved.result(5000), 16);
    assert.equal(await last.result(5000), 3);
  } finally {
    // A worker left running the endless task must not hold shutdown.
    ex.terminateWorkers();
    await ex.shutdown();
  }
});

Deno.test("WorkerPoolExecutor: a task with transfer waits for an idle worker, not behind a busy one", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 2 });
  // [started A, started B, release A, release B]
  const flags = new Int32Array(new SharedArrayBuffer(16));
  const held = async (flags: Int32Array, me: number) => {
    Atomics.store(flags, me, 1);
    while (Atomics.load(flags, me + 2) === 0) {
      await new Promise((r) => setTimeout(r, 5));
    }
    return me;
  };
  const a = ex.submit(held, flags, 0);
  const b = ex.submit(held, flags, 1);
  while (Atomics.load(flags, 0) === 0 || Atomics.load(flags, 1) === 0) {
    await sleep(5);
  }
  const buffer = new ArrayBuffer(16);
  const moved = ex.run((b: ArrayBuffer) => b.byteLength, [buffer], {
    transfer: [buffer],
  });
  try {
    // B ends; A goes on until the transfer task is done: it must run on
    // B's worker, not wait behind A.
    Atomics.store(flags, 3, 1);
    assert.equal(await b.result(), 1);
    assert.equal(await moved.result(5000), 16);
  } finally {
    Atomics.store(flags, 2, 1);
  }
  assert.equal(await a.result(), 0);
});

/**
 * A transport whose worker answers `run` with `reply` (a message the
 * engine cannot digest, standing for a bug of the engine), from a timer.
 */
function fakeTransport(reply: FromWorker): TransportFactory {
  return (_name, handlers) => {
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const later = (fn: () => void) => {
      const id = setTimeout(() => {
        timers.delete(id);
        fn();
      }, 0);
      timers.add(id);
    };
    return {
      sharesMemory: false,
      post(message: ToWorker): void {
        if (message.t === "init") later(() => handlers.message({ t: "ready" }));
        else if (message.t === "run") later(() => handlers.message(reply));
      },
      kill(): void {
        for (const id of timers) clearTimeout(id);
        timers.clear();
      },
    };
  };
}

Deno.test("Pool: an error of the engine's own handlers breaks the pool instead of escaping", async () => {
  const pool = new Pool({
    maxWorkers: 1,
    minWorkers: 0,
    initializer: undefined,
    initargs: [],
    maxTasksPerWorker: Infinity,
    idleTimeout: 1000,
    name: "FakePool",
    // `results` is not a list: reading it throws inside the engine.
    transport: fakeTransport(
      { t: "done", results: null, busy: 0 } as unknown as FromWorker,
    ),
  });
  const first = pool.submit({ url: "file:///x.ts", name: "f" }, [1], {});
  const error = await first.exception();
  assert.ok(error instanceof BrokenExecutorError, String(error));
  assert.ok(error.cause instanceof TypeError);
  assert.ok(!(error instanceof WorkerCrashedError));
  await pool.shutdown(true, false);
});
