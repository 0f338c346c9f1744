// Copyright 2026 the @concurrent/futures authors. MIT license.
// What only ProcessPoolExecutor promises: a stopped task's work really
// stops (measured as CPU time in /proc), a child that runs out of memory
// fails only its task, the sandbox, and a shipped task counts as running.
import assert from "node:assert/strict";
import {
  CancelledError,
  moduleTask,
  ProcessPoolExecutor,
  type ProcessPoolExecutorOptions,
  TimeoutError,
  WorkerCrashedError,
} from "../mod.ts";
import { PACING } from "../executor/_pool/pacing.ts";
import { cpuTicks } from "./_util/cpu.ts";

const tasks = new URL("./fixtures/executor_tasks.ts", import.meta.url);
type Tasks = typeof import("./fixtures/executor_tasks.ts");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const endless = () => {
  for (;;) Math.random();
};

/** Waits until the process burns CPU: the endless task runs. */
async function untilBusy(pid: number): Promise<void> {
  const start = cpuTicks(pid)!;
  for (let i = 0; i < 500 && cpuTicks(pid)! <= start + 2; i++) await sleep(10);
  assert.ok(cpuTicks(pid)! > start + 2, "the endless task never ran");
}

/** Waits until the process is gone; fails if it still burns CPU. */
async function untilGone(pid: number): Promise<void> {
  for (let i = 0; i < 500 && cpuTicks(pid) !== undefined; i++) await sleep(10);
  assert.equal(cpuTicks(pid), undefined, `process ${pid} still runs`);
}

for (
  const [how, start] of [
    ["its timeout", (ex: ProcessPoolExecutor) => {
      const future = ex.run(endless, [], { timeout: 200 });
      return { future, stop: () => {} };
    }],
    ["its signal", (ex: ProcessPoolExecutor) => {
      const controller = new AbortController();
      const future = ex.run(endless, [], { signal: controller.signal });
      return { future, stop: () => controller.abort() };
    }],
    ["terminateWorkers()", (ex: ProcessPoolExecutor) => {
      const future = ex.submit(endless);
      return { future, stop: () => ex.terminateWorkers() };
    }],
  ] as const
) {
  Deno.test(`ProcessPoolExecutor: a CPU-bound task stopped by ${how} uses no more CPU`, async () => {
    await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });
    const pid = await ex.submit(() => Deno.pid).result();
    const { future, stop } = start(ex);
    await untilBusy(pid);
    stop();
    const error = await future.result().catch((e) => e);
    assert.ok(
      error instanceof TimeoutError || error instanceof CancelledError ||
        error instanceof WorkerCrashedError,
      String(error),
    );
    await untilGone(pid);
    if (how !== "terminateWorkers()") {
      const next = await ex.submit(() => Deno.pid).result();
      assert.notEqual(next, pid); // a fresh process took its place
    }
  });
}

Deno.test("ProcessPoolExecutor: a child out of memory fails only its task", async () => {
  await using ex = new ProcessPoolExecutor({
    maxWorkers: 1,
    v8Flags: ["--max-old-space-size=64"],
  });
  const hog = () => {
    const keep = [];
    for (;;) keep.push(new Array(1e6).fill(Math.random()));
  };
  const error = await ex.submit(hog).exception();
  assert.ok(error instanceof WorkerCrashedError, String(error));
  assert.match((error as Error).message, /out of memory/);
  assert.equal(await ex.submit((x: number) => x * 2, 21).result(), 42);
});

Deno.test("ProcessPoolExecutor: the sandbox denies what it leaves out, NotCapable", async () => {
  await using ex = new ProcessPoolExecutor({
    maxWorkers: 1,
    permissions: "none",
  });
  const read = (path: string) => Deno.readTextFileSync(path);
  const denied = await ex.submit(read, import.meta.filename!).exception();
  assert.ok(denied instanceof Deno.errors.NotCapable, String(denied));
  assert.match((denied as Error).message, /Requires read access/);
  // Plain functions run under any sandbox.
  assert.equal(await ex.submit((a: number) => a + 1, 1).result(), 2);
  const add = moduleTask<Tasks, "add">(tasks, "add");
  const error = await ex.submit(add, 1, 2).exception();
  assert.ok(error instanceof Deno.errors.NotCapable, String(error));
  assert.match(
    (error as Error).message,
    /A module task needs read access to its files: grant it in the pool's permissions/,
  );
});

Deno.test("ProcessPoolExecutor: a module task runs with read access to its files", async () => {
  await using ex = new ProcessPoolExecutor({
    maxWorkers: 1,
    permissions: { read: [new URL(".", tasks).pathname] },
  });
  const add = moduleTask<Tasks, "add">(tasks, "add");
  assert.equal(await ex.submit(add, 1, 2).result(), 3);
  const read = (path: string) => Deno.readTextFileSync(path);
  const denied = await ex.submit(read, "/etc/hostname").exception();
  assert.ok(denied instanceof Deno.errors.NotCapable, String(denied));
});

Deno.test("ProcessPoolExecutor: a task shipped to a child counts as running", async () => {
  const dir = await Deno.makeTempDir();
  const gate = `${dir}/gate`;
  // Tasks this short travel together, however loaded the machine.
  const ex = new ProcessPoolExecutor({
    maxWorkers: 1,
    [PACING]: { assumeMs: 0.001 },
  } as ProcessPoolExecutorOptions);
  try {
    await ex.submit(() => 0).result(); // a warm pool ships in batches
    const held = ex.submit(async (path: string) => {
      for (;;) {
        try {
          Deno.statSync(path);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    }, gate);
    const a = ex.submit(() => "a");
    const b = ex.submit(() => "b");
    assert.equal(b.cancel(), true); // still in the pool's queue
    const c = ex.submit(() => "c");
    await Deno.writeTextFile(gate, "");
    await held.result(); // a and c went to the child in one batch
    assert.equal(c.running(), true);
    assert.equal(c.cancel(), false);
    assert.equal(await a.result(), "a");
    assert.equal(await c.result(), "c");
  } finally {
    await Deno.writeTextFile(gate, "");
    await ex.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ProcessPoolExecutor: without --allow-run the constructor says so", async () => {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-read",
      new URL("./fixtures/process_pool_no_run.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(code, 0);
  assert.match(
    new TextDecoder().decode(stdout),
    /^NotCapable: ProcessPoolExecutor runs tasks in child processes .*--allow-run/,
  );
});
