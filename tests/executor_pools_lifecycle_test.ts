// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import { BrokenExecutorError, moduleTask, WorkerPoolExecutor } from "../mod.ts";
import { forEachPool } from "./_util/pools.ts";

const tasks = new URL("./fixtures/executor_tasks.ts", import.meta.url);
type Tasks = typeof import("./fixtures/executor_tasks.ts");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const workerId = () => {
  const scope = globalThis as { workerId?: string };
  return scope.workerId ??= crypto.randomUUID();
};

forEachPool(({ name, Pool }) => {
  Deno.test(`${name}: maxTasksPerWorker: 1 gives each task a fresh worker`, async () => {
    await using ex = new Pool({
      maxWorkers: 1,
      maxTasksPerWorker: 1,
    });
    const ids = await Promise.all(
      [0, 1, 2, 3].map(() => ex.submit(workerId).result()),
    );
    assert.equal(new Set(ids).size, 4);
    assert.ok(ex.stats.workers <= 1);
  });

  Deno.test(`${name}: without maxTasksPerWorker a worker is reused`, async () => {
    await using ex = new Pool({ maxWorkers: 1 });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await ex.submit(workerId).result());
    assert.equal(new Set(ids).size, 1);
  });

  Deno.test(`${name}: maxTasksPerWorker: 2 recycles after two tasks`, async () => {
    await using ex = new Pool({
      maxWorkers: 1,
      maxTasksPerWorker: 2,
    });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await ex.submit(workerId).result());
    assert.equal(ids[0], ids[1]);
    assert.equal(ids[2], ids[3]);
    assert.notEqual(ids[1], ids[2]);
  });

  Deno.test(`${name}: initializer state is visible to tasks, in every worker`, async () => {
    await using ex = new Pool({
      maxWorkers: 2,
      initializer: (greeting: string, n: number) => {
        (globalThis as Record<string, unknown>).config = { greeting, n };
      },
      initargs: ["hello", 3],
    });
    const read = () => (globalThis as Record<string, unknown>).config;
    const results = await Promise.all(
      [0, 1, 2, 3].map(() => ex.submit(read).result()),
    );
    for (const r of results) assert.deepEqual(r, { greeting: "hello", n: 3 });
    assert.equal(ex.stats.workers, 2);
  });

  Deno.test(`${name}: a module initializer works too`, async () => {
    await using ex = new Pool({
      maxWorkers: 1,
      initializer: moduleTask<Tasks, "remember">(tasks, "remember"),
      initargs: ["answer", 42],
    });
    const read = () => (globalThis as Record<string, unknown>).answer;
    assert.equal(await ex.submit(read).result(), 42);
  });

  Deno.test(`${name}: an initializer that throws breaks the executor`, async () => {
    const ex = new Pool({
      maxWorkers: 2,
      initializer: () => {
        throw new TypeError("no config");
      },
    });
    const futures = [1, 2, 3].map((n) => ex.submit((x: number) => x, n));
    for (const future of futures) {
      const error = await future.exception();
      assert.ok(error instanceof BrokenExecutorError, String(error));
      assert.match((error as Error).message, /initializer failed/);
      assert.ok((error as Error).cause instanceof TypeError);
      assert.equal(((error as Error).cause as Error).message, "no config");
    }
    const later = ex.submit(() => 1);
    assert.ok(await later.exception() instanceof BrokenExecutorError);
    assert.equal(ex.stats.workers, 0);
    await ex.shutdown();
  });

  Deno.test(`${name}: an initializer module that does not load breaks the executor`, async () => {
    await using ex = new Pool({
      maxWorkers: 1,
      initializer: moduleTask<{ f(): void }, "f">(
        "data:text/javascript,export function f( {",
        "f",
      ),
    });
    const error = await ex.submit(() => 1).exception();
    assert.ok(error instanceof BrokenExecutorError);
    assert.match((error as Error).message, /initializer failed/);
    assert.ok((error as Error).cause instanceof Error);
  });

  Deno.test(`${name}: an initializer that kills its worker breaks the executor`, async () => {
    await using ex = new Pool({
      maxWorkers: 1,
      initializer: () => Deno.exit(1),
    });
    const error = await ex.submit(() => 1).exception();
    assert.ok(error instanceof BrokenExecutorError);
    assert.match(
      (error as Error).message,
      /could not start: (the task called Deno\.exit\(1\)|it exited with code 1)/,
    );
  });

  Deno.test(`${name}: idle workers are closed after idleTimeout`, async () => {
    await using ex = new Pool({ maxWorkers: 1, idleTimeout: 30 });
    await ex.submit(sleep, 1).result();
    assert.equal(ex.stats.workers, 1); // its idle timer has just started
    for (let i = 0; i < 100 && ex.stats.workers > 0; i++) await sleep(10);
    assert.equal(ex.stats.workers, 0);
    assert.equal(await ex.submit(() => "again").result(), "again");
  });

  Deno.test(`${name}: a pool that is never shut down lets the process exit`, async () => {
    const start = performance.now();
    const { code, stdout } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("./fixtures/executor_idle_pool.ts", import.meta.url).pathname,
        "100",
        name,
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assert.equal(code, 0);
    assert.equal(new TextDecoder().decode(stdout).trim(), "1,4,9");
    // Start-up plus 100 ms of idleness, far below a hang.
    assert.ok(performance.now() - start < 10_000);
  });
});

async function runUnstartable(
  mode: "load" | "escalate",
  flags: string[],
): Promise<string[]> {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      ...flags,
      new URL("./fixtures/executor_unstartable_pool.ts", import.meta.url)
        .pathname,
      mode,
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  assert.equal(code, 0);
  return new TextDecoder().decode(stdout).trim().split("\n");
}

Deno.test("a sandboxed pool's file read fails with Deno's permission error", async () => {
  await using ex = new WorkerPoolExecutor({
    maxWorkers: 1,
    permissions: "none",
  });
  const read = (path: string) => Deno.readTextFileSync(path);
  const error = await ex.submit(read, import.meta.filename!).exception();
  assert.ok(error instanceof Deno.errors.NotCapable, String(error));
  assert.match((error as Error).message, /Requires read access/);
});

Deno.test("a transferred ArrayBuffer is detached in the caller", async () => {
  await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
  const buffer = new Uint8Array([1, 2, 3]).buffer;
  const sum = (b: ArrayBuffer) => new Uint8Array(b).reduce((a, x) => a + x);
  const future = ex.run(sum, [buffer], { transfer: [buffer] });
  assert.equal(buffer.byteLength, 0);
  assert.equal(buffer.detached, true);
  assert.equal(await future.result(), 6);
  // Without transfer it is copied and stays usable.
  const copied = new Uint8Array([4]).buffer;
  assert.equal(await ex.submit(sum, copied).result(), 4);
  assert.equal(copied.byteLength, 1);
});

Deno.test("workers that cannot load their module break the executor", async () => {
  const lines = await runUnstartable("load", []);
  assert.equal(lines.length, 4, lines.join("\n"));
  for (const line of lines.slice(0, 3)) {
    assert.match(
      line,
      /^BrokenExecutorError: WorkerPoolExecutor is broken: worker "WorkerPoolExecutor \d" could not start: .*Requires read access/,
    );
  }
  assert.equal(lines[3], "later: BrokenExecutorError");
});

Deno.test("workers that cannot be created break the executor", async () => {
  const lines = await runUnstartable("escalate", ["--allow-read"]);
  assert.equal(lines.length, 4, lines.join("\n"));
  for (const line of lines.slice(0, 3)) {
    assert.match(
      line,
      /^BrokenExecutorError: WorkerPoolExecutor is broken: a worker could not be created \(NotCapable: /,
    );
  }
  assert.equal(lines[3], "later: BrokenExecutorError");
});
