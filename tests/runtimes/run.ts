// Copyright 2026 the @concurrent/futures authors. MIT license.
// Runs the portable test suite (tests/runtimes/portable.ts) on Node, Bun
// and headless Chromium, a page served without and with cross-origin
// isolation: `deno run -A tests/runtimes/run.ts [node] [bun] [chromium]`,
// part of `deno task test`. The tests are the Deno test files themselves,
// bundled by `deno bundle` behind a stand-in for `Deno.test`
// (tests/_util/portable_harness.ts). Bun comes from npm into .runtimes/bun
// when it is missing. Prints one `deno test`-style summary line per
// runtime and fails when any test fails or a runtime is missing.
import {
  NEEDS_SHARED_MEMORY,
  PORTABLE_FILES,
  PORTABLE_FIXTURES,
  type Runtime,
} from "./portable.ts";
import {
  bundle as denoBundle,
  command,
  ensureBun,
  root,
  runPage,
} from "./_launch.ts";

const BUILD = new URL(".runtimes/build/", root);

function bundle(
  entry: URL,
  out: URL,
  platform: "deno" | "browser",
): Promise<void> {
  const map = new URL("browser_map.json", BUILD);
  return denoBundle(
    entry,
    out,
    platform,
    platform === "browser" ? map : undefined,
  );
}

/** Writes the entry, then bundles it, the worker entry and the fixtures. */
async function build(): Promise<void> {
  await Deno.remove(BUILD, { recursive: true }).catch(() => {});
  await Deno.mkdir(new URL("src/", BUILD), { recursive: true });
  const up = "../../../tests/";
  const entry = (files: readonly string[]) =>
    [
      `import "${up}_util/portable_harness.ts";`,
      ...files.map((file) => `import "${up}${file}";`),
      `import { main } from "${up}runtimes/_entry_main.ts";`,
      `await main();`,
      "",
    ].join("\n");
  await Deno.writeTextFile(
    new URL("src/entry.ts", BUILD),
    entry(PORTABLE_FILES),
  );
  await Deno.writeTextFile(
    new URL("src/entry_unshared.ts", BUILD),
    entry(PORTABLE_FILES.filter((file) => !NEEDS_SHARED_MEMORY.includes(file))),
  );
  const shim = new URL("tests/_util/assert_shim.ts", root);
  await Deno.writeTextFile(
    new URL("browser_map.json", BUILD),
    JSON.stringify({ imports: { "node:assert/strict": shim.href } }),
  );
  const jobs: Promise<void>[] = [];
  for (const [dir, platform] of [["server", "deno"], ["browser", "browser"]]) {
    const out = new URL(`${dir}/`, BUILD);
    const kind = platform as "deno" | "browser";
    jobs.push(
      bundle(new URL("src/entry.ts", BUILD), new URL("portable.js", out), kind),
    );
    if (kind === "browser") {
      jobs.push(
        bundle(
          new URL("src/entry_unshared.ts", BUILD),
          new URL("portable_unshared.js", out),
          kind,
        ),
      );
    }
    jobs.push(
      bundle(
        new URL("executor/_runner/worker.ts", root),
        new URL("_worker.js", out),
        kind,
      ),
    );
    // Fixtures keep their .ts names (the tests name them); the bundle is
    // plain JavaScript, which Bun and a browser read as it is, and Node
    // through the hook below.
    for (const fixture of PORTABLE_FIXTURES) {
      jobs.push(
        bundle(
          new URL(`tests/fixtures/${fixture}`, root),
          new URL(`fixtures/${fixture}`, out),
          kind,
        ),
      );
    }
  }
  await Promise.all(jobs);
  const server = new URL("server/", BUILD);
  await Deno.writeTextFile(
    new URL("package.json", server),
    JSON.stringify({ type: "module" }),
  );
  // Node 20 does not load .ts files: these hooks read the bundled
  // fixtures, plain JavaScript under .ts names, as ES modules.
  await Deno.writeTextFile(
    new URL("ts_hooks.mjs", server),
    `export async function load(url, context, next) {
  if (url.startsWith("file:") && /\\.ts(\\?|$)/.test(url)) {
    return next(url, { ...context, format: "module" });
  }
  return next(url, context);
}
`,
  );
  await Deno.writeTextFile(
    new URL("register_ts.mjs", server),
    `import { register } from "node:module";
register("./ts_hooks.mjs", import.meta.url);
`,
  );
}

interface Outcome {
  runtime: Runtime;
  passed: number;
  failed: number;
  line: string;
  detail: string;
}

/** The failures and the summary line from a run's output. */
function outcome(runtime: Runtime, output: string, code: number): Outcome {
  const lines = output.split("\n");
  const summary = lines.findLast((l) => /^(ok|FAILED) \| \d+ passed/.test(l));
  const failures: string[] = [];
  let inFailure = false;
  for (const line of lines) {
    if (/ \.\.\. FAILED$/.test(line)) inFailure = true;
    else if (/ \.\.\. ok \(\d+ms\)$/.test(line)) inFailure = false;
    if (inFailure) failures.push(line);
  }
  if (summary === undefined) {
    return {
      runtime,
      passed: 0,
      failed: 1,
      line: `FAILED | 0 passed | 1 failed (${runtime}: exit code ${code})`,
      detail: output.slice(-4000),
    };
  }
  const passed = Number(/(\d+) passed/.exec(summary)![1]);
  const failed = Number(/(\d+) failed/.exec(summary)![1]) +
    (code === 0 || failures.length > 0 ? 0 : 1);
  return {
    runtime,
    passed,
    failed,
    line: summary,
    detail: failures.join("\n"),
  };
}

async function runServer(runtime: "node" | "bun"): Promise<Outcome> {
  const cwd = new URL("server/", BUILD);
  const bun = await ensureBun();
  if (runtime === "node") {
    // Node 20 cannot parse `using` declarations: Bun's transpiler lowers
    // them (deno bundle keeps them, as Deno, Bun and Chromium run them).
    const { code, output } = await command(bun, [
      "build",
      "--target=node",
      "--outfile=portable_node.js",
      "portable.js",
    ], { cwd });
    if (code !== 0) throw new Error(`bun build for Node:\n${output}`);
  }
  const [cmd, args] = runtime === "node"
    ? ["node", ["--import", "./register_ts.mjs", "portable_node.js"]]
    : [bun, ["portable.js"]];
  const { code, output } = await command(cmd, args, { cwd });
  return outcome(runtime, output, code);
}

/** Runs the browser bundle in Chromium. */
async function runChromium(isolated: boolean): Promise<Outcome> {
  const runtime: Runtime = isolated ? "chromium-isolated" : "chromium";
  const entry = isolated ? "portable.js" : "portable_unshared.js";
  const { lines, done } = await runPage(
    new URL("browser/", BUILD),
    entry,
    isolated,
  );
  const output = [...lines, done?.line ?? ""].join("\n");
  return outcome(runtime, output, done === undefined ? 1 : 0);
}

async function main(): Promise<void> {
  const wanted = Deno.args.length > 0 ? Deno.args : ["node", "bun", "chromium"];
  const start = performance.now();
  await build();
  const outcomes: Outcome[] = [];
  const report = (o: Outcome) => {
    outcomes.push(o);
    if (o.detail) console.log(o.detail);
    // Prefixed, so that only the total below reads as a summary line.
    console.log(`${o.runtime}: ${o.line}`);
  };
  const run = async (r: () => Promise<Outcome>, runtime: Runtime) => {
    try {
      report(await r());
    } catch (error) {
      report({
        runtime,
        passed: 0,
        failed: 1,
        line: `FAILED | 0 passed | 1 failed (${runtime})`,
        detail: String((error as Error)?.stack ?? error),
      });
    }
  };
  if (wanted.includes("node")) await run(() => runServer("node"), "node");
  if (wanted.includes("bun")) await run(() => runServer("bun"), "bun");
  if (wanted.includes("chromium")) {
    await run(() => runChromium(false), "chromium");
    await run(() => runChromium(true), "chromium-isolated");
  }
  const failed = outcomes.reduce((n, o) => n + o.failed, 0);
  const passed = outcomes.reduce((n, o) => n + o.passed, 0);
  const seconds = ((performance.now() - start) / 1000).toFixed(0);
  console.log(
    `${failed === 0 ? "ok" : "FAILED"} | ${passed} passed | ${failed} failed` +
      ` (portable suite on ${
        outcomes.map((o) => o.runtime).join(", ")
      }, ${seconds}s)`,
  );
  if (failed > 0) Deno.exit(1);
}

if (import.meta.main) await main();
