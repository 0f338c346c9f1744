// Copyright 2026 the @concurrent/futures authors. MIT license.
// ProcessPoolExecutor's boundaries: a stopped task's process group dies
// with it, the channel refuses what a child forges, and a module task
// loads on an empty Deno cache.
import assert from "node:assert/strict";
import {
  ProcessPoolExecutor,
  TimeoutError,
  WorkerCrashedError,
} from "../mod.ts";
import { eventually, isGone } from "./_util/process_child.ts";

const linux = Deno.build.os === "linux";

/** Starts `sleep 97`, leaves its pid in `file`, and never ends. */
function startSleep(file: string, end = false): Promise<string> {
  const child = new Deno.Command("sleep", {
    args: ["97"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  Deno.writeTextFileSync(file, String(child.pid));
  return end ? Promise.resolve("ended") : new Promise(() => {});
}

async function sleepPid(file: string): Promise<number> {
  for (;;) {
    const text = await Deno.readTextFile(file);
    if (text !== "") return Number(text);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

for (
  const how of ["timeout", "abort", "terminateWorkers", "shutdown"] as const
) {
  Deno.test({
    name: `ProcessPoolExecutor: a task's sleep child is gone after ${how}`,
    ignore: !linux,
    async fn() {
      const file = await Deno.makeTempFile();
      let pid = 0;
      try {
        const ex = new ProcessPoolExecutor({ maxWorkers: 1 });
        const controller = new AbortController();
        const future = ex.run(startSleep, [file, how === "shutdown"], {
          timeout: how === "timeout" ? 300 : undefined,
          signal: controller.signal,
        });
        pid = await sleepPid(file);
        assert.equal(isGone(pid), false);
        if (how === "timeout") {
          assert.ok((await future.exception()) instanceof TimeoutError);
        } else if (how === "abort") controller.abort();
        else if (how === "terminateWorkers") ex.terminateWorkers();
        else assert.equal(await future.result(), "ended");
        await ex.shutdown();
        assert.ok(await eventually(() => isGone(pid), 2000), "sleep lives");
      } finally {
        if (pid > 0 && !isGone(pid)) Deno.kill(pid, "SIGKILL");
        await Deno.remove(file);
      }
    },
  });
}

/**
 * Writes a forged frame to the channel (fd 3), bypassing the runner, and
 * waits: "huge" announces about 2 GB, "garbage" is not V8's format,
 * "shape" is a well-formed value that is not a message of the protocol.
 */
async function forge(kind: string): Promise<never> {
  const { writeSync } = await import("node:fs");
  const { Serializer } = await import("node:v8");
  let frame: Uint8Array;
  if (kind === "huge") frame = new Uint8Array([0xf0, 0xff, 0xff, 0x7f, 1]);
  else if (kind === "garbage") {
    frame = new Uint8Array([4, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef]);
  } else {
    const serializer = new Serializer();
    serializer.writeHeader();
    serializer.writeValue({ t: "done", results: 5, busy: 1 });
    const body: Uint8Array = serializer.releaseBuffer();
    frame = new Uint8Array(4 + body.length);
    new DataView(frame.buffer).setUint32(0, body.length, true);
    frame.set(body, 4);
  }
  writeSync(3, frame);
  return await new Promise(() => {});
}

for (const kind of ["huge", "garbage", "shape"]) {
  Deno.test(`ProcessPoolExecutor: a forged frame (${kind}) kills the child and fails its task; shutdown returns`, async () => {
    // Every permission denied: a sandboxed task can still write to fd 3.
    const ex = new ProcessPoolExecutor({ maxWorkers: 1, permissions: {} });
    const error = await ex.submit(forge, kind).exception();
    assert.ok(error instanceof WorkerCrashedError, String(error));
    assert.match((error as Error).message, /cannot read/);
    // The pool goes on with a fresh child.
    assert.equal(await ex.submit((x: number) => x + 1, 1).result(), 2);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("hung"), 10_000);
    });
    const outcome = await Promise.race([
      ex.shutdown().then(() => "returned"),
      hung,
    ]);
    clearTimeout(timer);
    assert.equal(outcome, "returned");
  });
}

Deno.test("ProcessPoolExecutor: a module task loads on an empty Deno cache, remote dependency included", async () => {
  const dir = await Deno.makeTempDir();
  const cache = await Deno.makeTempDir();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
  }, () =>
    new Response("export const answer: number = 42;\n", {
      headers: { "content-type": "application/typescript" },
    }));
  try {
    const { port } = server.addr as Deno.NetAddr;
    await Deno.writeTextFile(
      `${dir}/task.ts`,
      `import { answer } from "http://127.0.0.1:${port}/dep.ts";\n` +
        `export function run(): number {\n  return answer;\n}\n`,
    );
    const mod = new URL("../mod.ts", import.meta.url).href;
    await Deno.writeTextFile(
      `${dir}/main.ts`,
      `import { moduleTask, ProcessPoolExecutor } from "${mod}";\n` +
        `await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });\n` +
        `const task = moduleTask<typeof import("./task.ts"), "run">(\n` +
        `  new URL("./task.ts", import.meta.url), "run");\n` +
        `console.log(await ex.submit(task).result());\n`,
    );
    // The program has no config: its child must not take this repository's
    // (whose lock file would gain the dependency).
    const lock = new URL("../deno.lock", import.meta.url);
    const lockBefore = await Deno.readTextFile(lock);
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${dir}/main.ts`],
      cwd: dir,
      env: { DENO_DIR: cache, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    assert.equal(code, 0, text.decode(stderr));
    assert.equal(text.decode(stdout), "42\n");
    assert.equal(await Deno.readTextFile(lock), lockBefore);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(cache, { recursive: true });
  }
});
