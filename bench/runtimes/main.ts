// Copyright 2026 the @concurrent/futures authors. MIT license.
// The same benchmark (workload.ts: loop task switches, worker-pool submit)
// on Deno, Node, Bun and headless Chromium (a cross-origin-isolated page,
// and one without isolation, where the pool works by messages alone):
//
//     deno task bench:runtimes [rounds=1]
//
// Prints a table; each cell is the best of `rounds` runs of the program.
import {
  bundle,
  command,
  ensureBun,
  root,
  runPage,
} from "../../tests/runtimes/_launch.ts";

const OUT = new URL(".runtimes/bench/", root);
const rounds = Number(Deno.args[0] ?? 1);

interface Figures {
  switchesPerSecond: number;
  submitsPerSecond: number;
  sharedMemory: boolean;
}

function parse(output: string): Figures {
  const line = output.split("\n").findLast((l) => l.startsWith("{"));
  if (line === undefined) throw new Error(`no figures in:\n${output}`);
  return JSON.parse(line);
}

async function build(): Promise<void> {
  await Deno.remove(OUT, { recursive: true }).catch(() => {});
  for (const [dir, platform] of [["server", "deno"], ["browser", "browser"]]) {
    const out = new URL(`${dir}/`, OUT);
    const kind = platform as "deno" | "browser";
    await Promise.all([
      bundle(
        new URL("bench/runtimes/workload.ts", root),
        new URL("workload.js", out),
        kind,
      ),
      bundle(
        new URL("executor/_runner/worker.ts", root),
        new URL("_worker.js", out),
        kind,
      ),
    ]);
  }
  await Deno.writeTextFile(
    new URL("server/package.json", OUT),
    JSON.stringify({ type: "module" }),
  );
}

async function run(runtime: string): Promise<Figures> {
  const server = new URL("server/", OUT);
  if (runtime === "chromium" || runtime === "chromium (no isolation)") {
    const { done, lines } = await runPage(
      new URL("browser/", OUT),
      "workload.js",
      runtime === "chromium",
    );
    if (done === undefined) throw new Error(lines.join("\n"));
    return parse(done.line);
  }
  const [cmd, args, cwd] = runtime === "deno"
    ? [Deno.execPath(), ["run", "-A", "bench/runtimes/workload.ts"], root]
    : runtime === "node"
    ? ["node", ["workload.js"], server]
    : [await ensureBun(), ["workload.js"], server];
  const { code, output } = await command(cmd, args, { cwd });
  if (code !== 0) throw new Error(`${runtime} failed:\n${output}`);
  return parse(output);
}

await build();
const runtimes = ["deno", "node", "bun", "chromium", "chromium (no isolation)"];
const best = new Map<string, Figures>();
for (let round = 0; round < rounds; round++) {
  // Interleaved: each round visits every runtime, so load hits all alike.
  for (const runtime of runtimes) {
    const figures = await run(runtime);
    const old = best.get(runtime);
    best.set(runtime, {
      switchesPerSecond: Math.max(
        figures.switchesPerSecond,
        old?.switchesPerSecond ?? 0,
      ),
      submitsPerSecond: Math.max(
        figures.submitsPerSecond,
        old?.submitsPerSecond ?? 0,
      ),
      sharedMemory: figures.sharedMemory,
    });
  }
}
const load = await Deno.readTextFile("/proc/loadavg").catch(() => "?");
console.log(
  `loop: 100,000 tasks x 10 yield* sleep(0); submit: 20,000 trivial tasks, ` +
    `2 workers; best of ${rounds} run(s) x 5 (loop) / 3 (submit) rounds; ` +
    `load average ${load.split(" ").slice(0, 3).join(" ")}\n`,
);
console.log(
  "| runtime | loop, M switches/s | worker pool submit, tasks/s | shared memory |",
);
console.log("| --- | --- | --- | --- |");
for (const [runtime, f] of best) {
  console.log(
    `| ${runtime} | ${(f.switchesPerSecond / 1e6).toFixed(2)} | ` +
      `${Math.round(f.submitsPerSecond).toLocaleString("en-US")} | ` +
      `${f.sharedMemory ? "yes" : "no"} |`,
  );
}
