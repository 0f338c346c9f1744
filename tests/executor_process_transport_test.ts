// Copyright 2026 the @concurrent/futures authors. MIT license.
// The child-process transport against real child processes (an echo
// entry stands in for the task runner).
import assert from "node:assert/strict";
import {
  cpuTicks,
  eventually,
  isGone,
  sleep,
  TestChild,
} from "./_util/process_child.ts";
import {
  describeExit,
  parentConfig,
  resolutionFlags,
} from "../executor/_pool/process_transport.ts";

const fixture = (name: string) =>
  new URL(`./fixtures/${name}`, import.meta.url).pathname;

async function runDeno(args: string[], cwd?: string) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

Deno.test("process transport: values and errors cross both ways", async () => {
  await using child = new TestChild({ permissions: "none" }, "named-one");
  const up = await child.next();
  assert.equal(up.t, "up");
  assert.equal(up.pid, child.transport.pid);
  assert.deepEqual(up.args, ["named-one"]);
  assert.equal(child.transport.sharesMemory, false);
  const value = {
    map: new Map([[1, new Set([2n])]]),
    date: new Date(7),
    bytes: new Uint8Array([1, 2, 3]),
    error: new TypeError("bad", { cause: "why" }),
    big: "x".repeat(200_000),
  };
  const echo = await child.ask({ t: "echo", value });
  assert.deepEqual(echo.value, value);
  assert.ok(echo.value.error instanceof TypeError);
  assert.equal(echo.value.error.cause, "why");
});

Deno.test("process transport: post throws DataCloneError and sends nothing", async () => {
  await using child = new TestChild({ permissions: "none" });
  await child.next();
  assert.throws(
    () => child.send({ t: "echo", value: { f: () => 1 } }),
    (e: unknown) => e instanceof DOMException && e.name === "DataCloneError",
  );
  // The next message is answered, so nothing half-sent broke the stream.
  assert.deepEqual((await child.ask({ t: "echo", value: 1 })).value, 1);
});

Deno.test("process transport: a child's unclonable message throws there", async () => {
  await using child = new TestChild({ permissions: "none" });
  await child.next();
  const reply = await child.ask({ t: "unclonable" });
  assert.equal(reply.t, "cloneError");
  assert.equal(reply.name, "DataCloneError");
  assert.match(reply.message, /could not be cloned/);
});

Deno.test("process transport: every message comes before the exit", async () => {
  // Small ones, then 8 MB: more than the socket holds, so the child's last
  // writes wait for the pool to read.
  for (const [count, size] of [[2000, 0], [80, 100_000]]) {
    await using child = new TestChild({ permissions: "none" });
    await child.next();
    child.send({ t: "burst", count, code: 3, size });
    const how = await child.exited;
    assert.equal(how, "it exited with code 3");
    const numbers = child.pending.map((m) => m.i);
    assert.deepEqual(numbers, Array.from({ length: count }, (_, i) => i));
    assert.ok(child.pending.every((m) => m.pad.length === size));
    await child.transport.closed;
    assert.equal(child.exitReports, 1);
  }
});

Deno.test({
  name:
    "process transport: a grandchild holding the channel dies with the child, which is reported",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using child = new TestChild({ permissions: { run: ["sleep"] } });
    await child.next();
    const { pid } = await child.ask({ t: "grandchild", code: 5 });
    try {
      assert.equal(await child.exited, "it exited with code 5");
      // Nothing a child started outlives it: its process group is killed.
      assert.equal(await eventually(() => isGone(pid), 2000), true);
    } finally {
      if (!isGone(pid)) Deno.kill(pid, "SIGKILL");
    }
  },
});

Deno.test("process transport: a child killed by a signal says which", async () => {
  await using child = new TestChild({ permissions: "none" });
  await child.next();
  child.send({ t: "signal", signal: "SIGTERM" });
  assert.equal(await child.exited, "it was killed by SIGTERM");
});

Deno.test("process transport: a child out of memory says so", async () => {
  const { code, stdout, stderr } = await runDeno([
    "run",
    "-A",
    fixture("process_oom.ts"),
  ]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "it ran out of memory (SIGTRAP from V8)\n");
  assert.match(stderr, /Fatal JavaScript out of memory/);
});

Deno.test({
  name: "process transport: kill() stops CPU work at once",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const child = new TestChild({ permissions: "none" });
    await child.next();
    child.send({ t: "spin" });
    await child.next();
    const pid = child.transport.pid;
    const before = cpuTicks(pid)!;
    assert.ok(
      await eventually(() => (cpuTicks(pid) ?? 0) > before + 2),
      "the child spins",
    );
    child.transport.kill();
    child.transport.kill();
    await child.transport.closed;
    // Reaped: no process, not even a zombie, burns or holds anything.
    assert.equal(cpuTicks(pid), undefined);
    await sleep(50);
    assert.equal(child.exitReports, 0, "no handler after kill()");
    assert.equal(child.pending.length, 0);
    // Posting to a killed child is a no-op.
    child.send({ t: "echo", value: 1 });
  },
});

Deno.test("process transport: the sandbox is the one asked for", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    await using none = new TestChild({ permissions: "none" });
    await none.next();
    assert.deepEqual(await none.ask({ t: "perms", read: dir }), {
      t: "perms",
      read: "prompt",
      readPath: "prompt",
      net: "prompt",
      env: "prompt",
    });
    await using some = new TestChild({ permissions: { read: [dir] } });
    await some.next();
    const perms = await some.ask({ t: "perms", read: dir });
    assert.equal(perms.read, "prompt");
    assert.equal(perms.readPath, "granted");
    assert.equal(perms.env, "prompt");
    // This test runs with -A: "inherit" gives the child all of it.
    await using all = new TestChild();
    await all.next();
    const inherited = await all.ask({ t: "perms", read: dir });
    assert.equal(inherited.read, "granted");
    assert.equal(inherited.net, "granted");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("process transport: task output reaches stdout unchanged", async () => {
  const { code, stdout, stderr } = await runDeno([
    "run",
    "-A",
    fixture("process_output.ts"),
  ]);
  assert.equal(code, 0, stderr);
  assert.equal(
    stdout,
    [
      "parent: first",
      "child: line 0",
      "parent: child: line 0 / 0",
      "child: line 1",
      "parent: child: line 1 / 1",
      "child: line 2",
      "parent: child: line 2 / 2",
      "parent: last",
      "",
    ].join("\n"),
  );
  assert.equal(stderr, "child: to stderr\n");
});

Deno.test({
  name: "process transport: no child outlives a parent killed by SIGKILL",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const parent = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", fixture("process_orphans.ts")],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = parent.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    let pids: number[] = [];
    try {
      let text = "";
      while (!text.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      pids = JSON.parse(text);
      assert.equal(pids.length, 4);
      assert.ok(pids.every((pid) => !isGone(pid)), "the children run");
      parent.kill("SIGKILL");
      assert.equal((await parent.status).signal, "SIGKILL");
      assert.ok(
        await eventually(() => pids.every(isGone)),
        "the idle and the spinning child end with their parent, and so " +
          "does the sleep a child started (its process group is killed)",
      );
    } finally {
      for (const pid of pids) {
        if (!isGone(pid)) Deno.kill(pid, "SIGKILL");
      }
      await reader.cancel().catch(() => {});
      try {
        parent.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await parent.status;
    }
  },
});

Deno.test("process transport: without --allow-run or --allow-env, a clear NotCapable", async () => {
  const cases: [string[], RegExp | undefined][] = [
    [["--allow-env"], /needs --allow-run:/],
    [["--allow-run"], /needs --allow-env:/],
    [[], /needs --allow-run and --allow-env:/],
    [["-A"], undefined],
  ];
  for (const [flags, expected] of cases) {
    const { stdout } = await runDeno([
      "run",
      ...flags,
      fixture("process_check.ts"),
    ]);
    const result = JSON.parse(stdout);
    if (expected === undefined) {
      assert.deepEqual(result, { ok: true });
    } else {
      assert.equal(result.name, "NotCapable");
      assert.equal(result.notCapable, true);
      assert.match(result.message, expected);
    }
  }
});

Deno.test("process transport: a child resolves imports with the parent's config", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      `${dir}/deno.json`,
      JSON.stringify({ imports: { greeting: "./greeting.ts" } }),
    );
    Deno.writeTextFileSync(`${dir}/greeting.ts`, `export const hi = "hi";`);
    Deno.writeTextFileSync(
      `${dir}/task.ts`,
      `import { hi } from "greeting";\nexport const value = hi + "!";\n`,
    );
    const util = new URL("./_util/process_child.ts", import.meta.url).href;
    const main = (flags: string[]) => `
      import { TestChild } from "${util}";
      await using child = new TestChild({ denoFlags: ${
      JSON.stringify(flags)
    } });
      await child.next();
      const reply = await child.ask({ t: "import", url: "file://${dir}/task.ts" });
      console.log(reply.value ?? reply.message);
    `;
    Deno.writeTextFileSync(`${dir}/main.ts`, main([]));
    Deno.writeTextFileSync(`${dir}/bare.ts`, main(["--no-config"]));
    // Run from elsewhere: Deno finds the config from the main module.
    const found = await runDeno(["run", "-A", `${dir}/main.ts`], "/");
    assert.equal(found.stdout, "hi!\n", found.stderr);
    const bare = await runDeno(["run", "-A", `${dir}/bare.ts`], "/");
    assert.match(bare.stdout, /greeting/, bare.stderr);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("process transport: resolution flags and exit descriptions", () => {
  const found = () => "/p/deno.json";
  // No --cached-only: a child loads what the cache lacks, as `deno run`.
  assert.deepEqual(resolutionFlags([], found), ["--config=/p/deno.json"]);
  // Nobody knows (the directories cannot be read): the child looks itself.
  assert.deepEqual(resolutionFlags([], () => undefined), []);
  // The program has none: neither has the child, whose entry lies in this
  // package, under another config.
  assert.deepEqual(resolutionFlags([], () => null), ["--no-config"]);
  for (const chosen of [["--config", "a.json"], ["-c=a"], ["--no-config"]]) {
    assert.deepEqual(resolutionFlags(chosen, found), chosen);
  }
  assert.deepEqual(resolutionFlags(["--lock=x.lock"], found), [
    "--config=/p/deno.json",
    "--lock=x.lock",
  ]);
  // This test file's config is the repository's.
  assert.equal(parentConfig(), `${Deno.cwd()}/deno.json`);
  assert.equal(describeExit(0, null), "it exited with code 0");
  assert.equal(describeExit(null, "SIGSEGV"), "it was killed by SIGSEGV");
  assert.match(describeExit(null, "SIGTRAP"), /ran out of memory/);
});
