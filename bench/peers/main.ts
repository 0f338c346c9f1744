// Copyright 2026 the @concurrent/futures authors. MIT license.
// `deno task bench:peers`: this module side by side with Python
// (ProcessPoolExecutor, asyncio), piscina, tinypool and Effection, plus the
// raw limits (bare Deno Workers, plain async/await).
//
//   deno run -A bench/peers/main.ts [--quick] [--reps N] [--only a,b] [--out DIR]
//                                   [--workers N]
//
// `--workers N` sets the workers of the speed-up sweep (default 2) and the
// most workers of the scaling series (the sweep's job in 512 tasks on 1, 2,
// 4, ... N workers; by default N is the machine's core count, and a machine
// with 2 cores or fewer has no series). On a many-core machine:
// `deno task bench:peers --only sweep,scaling --workers $(nproc)`.
//
// Every figure comes from a fresh subprocess (deno_side.ts, node_side.mjs,
// python_side.py) that times only its workload and prints one line of JSON.
// The contestants of a workload run interleaved, A B C A B C ..., and the
// medians are reported. A peer whose runtime is missing is skipped with the
// reason. Writes RESULTS.md and results.svg next to this file (not with
// --quick, unless --out is given).
import {
  FULL,
  QUICK,
  type Runtime,
  type Sizes,
  workloads,
} from "./_workloads.ts";
import type { Meta, Results, Row, Sample } from "./_results.ts";
import { renderMarkdown, renderText } from "./_report.ts";
import { renderSvg } from "./_svg.ts";
import { renderSweepSvg } from "./_sweep_svg.ts";

const HERE = new URL(".", import.meta.url);
const ROOT = new URL("../../", import.meta.url);
const RUN_TIMEOUT_MS = 120_000;

interface Options {
  quick: boolean;
  reps: number;
  only?: string[];
  out?: URL;
  /** `--workers N`, if given. */
  workers?: number;
}

const USAGE =
  "usage: deno run -A bench/peers/main.ts [--quick] [--reps N] [--only trivial,cpu,startup,switches,sleepers,sweep,scaling] [--out DIR] [--workers N]";

function parseArgs(args: string[]): Options {
  const opts: Options = { quick: false, reps: 0 };
  let out: string | undefined;
  let reps: string | undefined;
  let workers: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) {
        throw new TypeError(`${flag} needs a value\n${USAGE}`);
      }
      return v;
    };
    if (flag === "--quick") opts.quick = true;
    else if (flag === "--reps") reps = value();
    else if (flag === "--only") opts.only = value().split(",");
    else if (flag === "--workers") workers = value();
    else if (flag === "--out") out = value();
    else if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else throw new TypeError(`unknown argument ${args[i]}\n${USAGE}`);
  }
  opts.reps = reps === undefined ? (opts.quick ? 2 : 5) : Number(reps);
  if (!Number.isInteger(opts.reps) || opts.reps < 1) {
    throw new RangeError(`--reps needs a positive integer, got ${reps}`);
  }
  if (workers !== undefined) {
    opts.workers = Number(workers);
    if (!Number.isInteger(opts.workers) || opts.workers < 1) {
      throw new RangeError(
        `--workers needs a positive integer, got ${workers}`,
      );
    }
  }
  const known = [
    ...new Set(
      workloads({ ...FULL, scaleMax: 4 }).flatMap((w) =>
        w.group ? [w.id, w.group] : [w.id]
      ),
    ),
  ];
  for (const id of opts.only ?? []) {
    if (!known.includes(id)) {
      throw new RangeError(
        `--only: unknown workload ${id} (known: ${known.join(", ")})`,
      );
    }
  }
  if (out !== undefined) {
    opts.out = new URL(
      out.endsWith("/") ? out : `${out}/`,
      `file://${Deno.cwd()}/`,
    );
  } else if (!opts.quick) opts.out = HERE;
  return opts;
}

async function exec(
  program: string,
  args: string[],
  cwd: URL = ROOT,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  try {
    const out = await new Deno.Command(program, {
      args,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
    }).output();
    const dec = new TextDecoder();
    return {
      ok: out.success,
      stdout: dec.decode(out.stdout),
      stderr: dec.decode(out.stderr),
    };
  } catch (error) {
    return { ok: false, stdout: "", stderr: String(error) };
  }
}

function lastLine(s: string): string {
  return s.trim().split("\n").filter(Boolean).at(-1) ?? "";
}

const log = (s: string) => console.error(s);

/** Finds each runtime, installs the npm peers; a missing one gets a reason. */
async function probe(): Promise<{
  missing: Partial<Record<Runtime, string>>;
  versions: Record<string, string>;
}> {
  const missing: Partial<Record<Runtime, string>> = {};
  const versions: Record<string, string> = {};
  const deno = await exec(Deno.execPath(), [
    "run",
    "-A",
    "bench/peers/deno_side.ts",
    "deno",
    "versions",
  ]);
  if (deno.ok) {
    const v = JSON.parse(lastLine(deno.stdout));
    versions.deno = v.deno;
    versions.v8 = v.v8;
  }
  const mod = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  versions["@concurrent/futures"] = mod.version;

  const py = await exec("python3", ["bench/peers/python_side.py", "versions"]);
  if (py.ok) versions.python = JSON.parse(lastLine(py.stdout)).python;
  else {
    missing.python = py.stderr.includes("NotFound")
      ? "python3 not found"
      : `python3 not usable: ${lastLine(py.stderr)}`;
  }

  const node = await exec("node", ["--version"]);
  const major = Number(/^v(\d+)/.exec(node.stdout)?.[1]);
  // Deno runs itself when asked for a `node` that is not installed, so the
  // version string tells whether this is really Node.js.
  if (!node.ok || Number.isNaN(major)) missing.node = "node not found";
  else if (major < 20) {
    missing.node =
      `node ${node.stdout.trim()} < 20 (piscina 5 and tinypool 2 need 20+)`;
  }
  if (missing.node) {
    missing.npm = missing.node;
    return { missing, versions };
  }
  const modules = new URL("node_modules/", HERE);
  const installed = async () => {
    for (const name of ["piscina", "tinypool", "effection"]) {
      try {
        await Deno.stat(new URL(`${name}/package.json`, modules));
      } catch {
        return false;
      }
    }
    return true;
  };
  if (!(await installed())) {
    log("installing the npm peers: npm ci --prefix bench/peers");
    const npm = await exec("npm", [
      "ci",
      "--prefix",
      "bench/peers",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
    ]);
    if (!npm.ok || !(await installed())) {
      const why = npm.stderr.split("\n")
        .filter((l) => /^npm (error|ERR!)/.test(l) && !/complete log/.test(l))
        .slice(0, 2).join("; ");
      missing.npm = `npm ci failed: ${why || lastLine(npm.stderr) || "no npm"}`;
    }
  }
  const nv = await exec("node", ["bench/peers/node_side.mjs", "-", "versions"]);
  if (nv.ok) {
    const v = JSON.parse(lastLine(nv.stdout));
    versions.node = v.node;
    if (!missing.npm) {
      Object.assign(versions, {
        piscina: v.piscina,
        tinypool: v.tinypool,
        effection: v.effection,
      });
    }
  } else if (!missing.npm) {
    missing.npm = `peers not loadable: ${lastLine(nv.stderr)}`;
  }
  return { missing, versions };
}

function command(runtime: Runtime, argv: string[]): [string, string[]] {
  const script = `bench/peers/${argv[0]}`;
  switch (runtime) {
    case "deno":
      return [Deno.execPath(), ["run", "-A", script, ...argv.slice(1)]];
    case "python":
      return ["python3", [script, ...argv.slice(1)]];
    default:
      return ["node", [script, ...argv.slice(1)]];
  }
}

async function runOnce(row: Row): Promise<Sample | undefined> {
  const [program, args] = command(row.contestant.runtime, row.contestant.argv);
  const out = await exec(program, args);
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = JSON.parse(lastLine(out.stdout));
  } catch {
    // reported below
  }
  if (!out.ok || !parsed) {
    row.error = lastLine(out.stderr) || `exit without a result`;
    return undefined;
  }
  if (typeof parsed.skip === "string") {
    row.skip = parsed.skip;
    return undefined;
  }
  return parsed as unknown as Sample;
}

function loadavg(): number[] {
  try {
    return Deno.loadavg();
  } catch {
    return [];
  }
}

async function cpuModel(): Promise<string> {
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    return /model name\s*:\s*(.*)/.exec(info)?.[1].trim() ?? "unknown CPU";
  } catch {
    return "unknown CPU";
  }
}

async function main(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  const started = performance.now();
  const loadBefore = loadavg();
  const { missing, versions } = await probe();
  const sizes: Sizes = {
    ...(opts.quick ? QUICK : FULL),
    sweepWorkers: opts.workers ?? 2,
    scaleMax: opts.workers ?? navigator.hardwareConcurrency,
  };
  const rows: Row[] = [];
  const loadAt: Record<string, number> = {};
  const all = workloads(sizes);
  const chosen = all.filter((w) =>
    !opts.only || opts.only.includes(w.id) ||
    (w.group !== undefined && opts.only.includes(w.group))
  );
  // A speed-up needs its serial baselines, even when not asked for by name.
  const needed = new Set(chosen.map((w) => w.serialIn));
  for (const workload of all) {
    if (!chosen.includes(workload) && !needed.has(workload.id)) continue;
    const mine = workload.contestants.map((contestant): Row => ({
      workload,
      contestant,
      samples: [],
      skip: missing[contestant.runtime] ??
        (contestant.runtime === "npm" ? missing.node : undefined),
    }));
    rows.push(...mine);
    loadAt[workload.id] = loadavg()[0] ?? NaN;
    const first = workload.warmUp ? 0 : 1;
    const reps = Math.min(opts.reps, workload.maxReps ?? opts.reps);
    for (let rep = first; rep <= reps; rep++) {
      for (const row of mine) {
        if (row.skip) continue;
        const sample = await runOnce(row);
        const tag = rep === 0 ? "warm-up" : `${rep}/${reps}`;
        const what = sample
          ? `${sample.ms.toFixed(1)} ms`
          : row.skip
          ? `skipped: ${row.skip}`
          : `failed: ${row.error}`;
        log(`[${workload.id} ${tag}] ${row.contestant.label}: ${what}`);
        if (sample && rep > 0) row.samples.push(sample);
      }
    }
    // Every contestant computes the same answer; a different one is a bug.
    // In the sweep Python runs a smaller job, so its answers are its own.
    const family = (r: Row) =>
      workload.group && r.contestant.runtime === "python" ? "python" : "js";
    for (const kin of ["js", "python"]) {
      const checks = mine.filter((r) => r.samples.length && family(r) === kin);
      const expected = JSON.stringify(checks[0]?.samples[0].check);
      for (const row of checks) {
        if (row.samples.some((s) => JSON.stringify(s.check) !== expected)) {
          row.error = `wrong result ${
            JSON.stringify(row.samples[0].check)
          }, expected ${expected}`;
          row.samples = [];
        }
      }
    }
  }
  const meta: Meta = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cpus: navigator.hardwareConcurrency,
    cpuModel: await cpuModel(),
    os: `${Deno.build.os} ${Deno.build.arch}`,
    loadBefore,
    loadAfter: loadavg(),
    loadAt,
    versions,
    sizes,
    reps: opts.reps,
    quick: opts.quick,
    seconds: (performance.now() - started) / 1000,
    command: ["deno task bench:peers", ...args].join(" "),
  };
  const results: Results = { meta, rows };
  console.log(renderText(results));
  if (opts.out) {
    await Deno.mkdir(opts.out, { recursive: true });
    await Deno.writeTextFile(
      new URL("RESULTS.md", opts.out),
      renderMarkdown(results),
    );
    await Deno.writeTextFile(
      new URL("results.svg", opts.out),
      renderSvg(results),
    );
    const sweepSvg = renderSweepSvg(results);
    const written = [
      new URL("RESULTS.md", opts.out),
      new URL("results.svg", opts.out),
    ];
    if (sweepSvg) {
      written.push(new URL("sweep.svg", opts.out));
      await Deno.writeTextFile(written[2], sweepSvg);
    }
    // The files are checked by `deno fmt --check` with the rest of the repo.
    await exec(Deno.execPath(), [
      "fmt",
      "--quiet",
      ...written.map((u) => u.pathname),
    ]);
    log(`wrote ${written.map((u) => u.pathname).join(", ")}`);
  }
}

if (import.meta.main) await main(Deno.args);
