// Copyright 2026 the @concurrent/futures authors. MIT license.
// The results as text (stdout) and as Markdown (RESULTS.md).
import { COMPARISONS, type Metric, sweepComparisons } from "./_workloads.ts";
import {
  find,
  median,
  medianMiB,
  medianMs,
  missingReason,
  ratio,
  type Results,
  type Row,
  speedup,
} from "./_results.ts";

type Table = { head: string[]; right: boolean[]; body: string[][] };

const num = (x: number, digits = 1): string =>
  x.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });

/** A duration, in ms below 10 s. */
export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${num(ms / 1000, 2)} s` : `${num(ms)} ms`;
}

/** A workload whose rows are pools timed against a serial baseline. */
export function isSweep(workload: string): boolean {
  return /^(sweep|scaling)-\d+$/.test(workload);
}

function extraHead(workload: string): string {
  if (isSweep(workload)) return "speed-up";
  return {
    trivial: "tasks/s",
    cpu: "speed-up",
    startup: "",
    switches: "switches/s",
    sleepers: "peak RSS",
  }[workload] ?? "";
}

function extra(results: Results, row: Row): string {
  const ms = medianMs(row);
  if (ms === undefined) return "";
  const s = results.meta.sizes;
  switch (row.workload.id) {
    case "trivial":
      return num(s.tasks / (ms / 1000), 0);
    case "cpu": {
      const x = speedup(results, row.contestant.id);
      return x === undefined ? "" : `${num(x, 2)}x`;
    }
    case "switches":
      return num((s.coroutines * s.yields) / (ms / 1000), 0);
    case "sleepers":
      return `${num(medianMiB(row) ?? 0)} MiB`;
  }
  if (isSweep(row.workload.id)) {
    const x = speedup(results, row.contestant.id, row.workload.id);
    return x === undefined ? "" : `${num(x, 2)}x`;
  }
  return "";
}

function figuresTable(results: Results, workload: string): Table {
  const rows = results.rows.filter((r) => r.workload.id === workload);
  const body = rows.map((row) => {
    const label = row.contestant.label;
    if (row.skip) return [label, "-", "-", "-", "0", `skipped: ${row.skip}`];
    if (!row.samples.length) {
      return [label, "-", "-", "-", "0", `failed: ${row.error ?? "no result"}`];
    }
    const ms = row.samples.map((s) => s.ms);
    const failed = row.error ? " (some failed)" : "";
    return [
      label,
      formatMs(median(ms)),
      formatMs(Math.min(...ms)),
      formatMs(Math.max(...ms)),
      `${row.samples.length}${failed}`,
      extra(results, row),
    ];
  });
  return {
    head: ["contestant", "median", "min", "max", "runs", extraHead(workload)],
    right: [false, true, true, true, true, false],
    body,
  };
}

const METRIC: Record<Metric, string> = {
  time: "time",
  speedup: "speed-up",
  memory: "peak memory",
  overhead: "time beyond the longest sleep",
};

function label(results: Results, workload: string, id: string): string {
  return find(results, workload, id)?.contestant.label ?? id;
}

/** One line per comparison: figure, ratio, target, met or missed. */
function ratiosTable(results: Results): Table {
  const run = new Set(results.rows.map((r) => r.workload.id));
  const all = [...COMPARISONS, ...sweepComparisons(results.meta.sizes)];
  const body = all.filter((c) => run.has(c.workload)).map((c) => {
    const r = ratio(results, c);
    const self = c.metric === "speedup" && c.ours === c.peer;
    const what = `${c.workload}: ${label(results, c.workload, c.ours)}`;
    const peer = self
      ? "(serial, same runtime)"
      : label(results, c.workload, c.peer);
    const target = c.target === undefined ? "" : `>= ${c.target}x`;
    const status = r === undefined
      ? missingReason(results, c)
      : c.target === undefined
      ? ""
      : r >= c.target
      ? "met"
      : "MISSED";
    return [
      what,
      METRIC[c.metric],
      peer,
      r === undefined ? "-" : `${num(r, 2)}x`,
      target,
      status,
    ];
  });
  return {
    head: ["this module", "figure", "vs", "ratio", "target", "status"],
    right: [false, false, false, true, true, false],
    body,
  };
}

/**
 * Speed-up per contestant (rows) and per column workload: task counts for the
 * sweep, worker counts for the scaling series. Undefined when none was run.
 */
function speedupTable(
  results: Results,
  group: "sweep" | "scaling",
): Table | undefined {
  const columns = [
    ...new Set(
      results.rows.map((r) => r.workload).filter((w) =>
        w.group === group && isSweep(w.id)
      ),
    ),
  ];
  if (!columns.length) return undefined;
  const ids: string[] = [];
  for (const w of columns) {
    for (const c of w.contestants) if (!ids.includes(c.id)) ids.push(c.id);
  }
  const body = ids.map((id) => [
    find(results, columns[0].id, id)?.contestant.label ?? id,
    ...columns.map((w) => {
      const x = speedup(results, id, w.id);
      return x === undefined ? "-" : `${num(x, 2)}x`;
    }),
  ]);
  const head = columns.map((w) =>
    group === "sweep"
      ? `${(w.tasks ?? 0).toLocaleString("en-US")} tasks`
      : `${w.workers} worker${w.workers === 1 ? "" : "s"}`
  );
  return {
    head: ["speed-up over serial", ...head],
    right: [false, ...columns.map(() => true)],
    body,
  };
}

function text(t: Table): string {
  const widths = t.head.map((h, i) =>
    Math.max(h.length, ...t.body.map((r) => r[i].length))
  );
  const line = (cells: string[]) =>
    "  " +
    cells.map((cell, i) =>
      t.right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])
    ).join("  ").trimEnd();
  return [line(t.head), ...t.body.map(line)].join("\n");
}

function markdown(t: Table): string {
  const esc = (s: string) => s.replaceAll("|", "\\|");
  const row = (cells: string[]) => `| ${cells.map(esc).join(" | ")} |`;
  return [
    row(t.head),
    `| ${t.right.map((r) => (r ? "---:" : "---")).join(" | ")} |`,
    ...t.body.map(row),
  ].join("\n");
}

function titles(results: Results): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of results.rows) {
    const load = results.meta.loadAt[row.workload.id];
    const note = load === undefined || Number.isNaN(load)
      ? ""
      : ` (load ${num(load, 2)} at start)`;
    out.set(row.workload.id, `${row.workload.title}${note}`);
  }
  return out;
}

function loads(xs: number[]): string {
  return xs.map((x) => num(x, 2)).join(", ");
}

/** The report printed on stdout. */
export function renderText(results: Results): string {
  const { meta } = results;
  const parts = [
    `Peer benchmarks: ${meta.cpus} CPUs (${meta.cpuModel}), ${meta.os}, ${meta.date}`,
    `load average before ${loads(meta.loadBefore)}, after ${
      loads(meta.loadAfter)
    }; ` +
    `${meta.reps} interleaved runs per figure, medians${
      meta.quick ? " (--quick sizes)" : ""
    }`,
    Object.entries(meta.versions).map(([k, v]) => `${k} ${v}`).join(", "),
  ];
  for (const [id, title] of titles(results)) {
    parts.push("", title, text(figuresTable(results, id)));
  }
  for (const group of ["sweep", "scaling"] as const) {
    const table = speedupTable(results, group);
    if (table) {
      parts.push("", `Speed-up ${group} (serial in the same runtime = 1x)`);
      parts.push(text(table));
    }
  }
  parts.push(
    "",
    "Ratios (> 1 favours this module: peer time / our time, our speed-up / peer speed-up)",
    text(ratiosTable(results)),
  );
  return parts.join("\n");
}

const NOTES = [
  "Pools run with 2 workers and are warmed up (every worker started, a few trivial tasks done) before the clock starts, except in the start-up workload. piscina and tinypool use their defaults with `minThreads = maxThreads = 2`; Python uses its default start method (fork on Linux) for `ProcessPoolExecutor`.",
  "The bare Deno Worker rows are the raw limit: the same `{ id, args }` message echoed by a Worker with no pool around it, with 2 messages in flight per worker (what this module's pool keeps: one running, one queued) or all of them at once.",
  "Coroutines: every contestant creates all its tasks first and then awaits each in order (`loop.createTask`, `loop.create_task`, Effection's `spawn`), under a fresh loop (`new EventLoop()` / `asyncio.run`).",
  "Sleepers sleep the same pseudo-random durations (a shared 32-bit LCG) in every contestant, so no run can take less than the longest sleep (about 1 s); the time beyond it is shown as a separate ratio.",
  "Peak RSS is the process's high-water mark (`VmHWM` in /proc/self/status, read by the process itself at the end), runtime included: an idle Deno process already holds 31-39 MiB, an idle Python one 13 MiB (22 MiB with asyncio and concurrent.futures imported).",
  "The machine is shared: the load average at the start of each workload is in its heading. CPU-bound speed-ups in particular need two idle cores.",
];

/** RESULTS.md. */
export function renderMarkdown(results: Results): string {
  const { meta } = results;
  const parts = [
    "# Peer benchmarks",
    "",
    "Generated by `deno task bench:peers` (bench/peers/main.ts); do not edit by hand.",
    "",
    `- Date: ${meta.date}`,
    `- Machine: ${meta.cpus} CPUs (${meta.cpuModel}), ${meta.os}`,
    `- Load average (1, 5, 15 min) before: ${loads(meta.loadBefore)}; after: ${
      loads(meta.loadAfter)
    }`,
    `- Versions: ${
      Object.entries(meta.versions).map(([k, v]) => `${k} ${v}`).join(", ")
    }`,
    `- Method: each figure is the median of ${meta.reps} runs, interleaved (A B C A B C ...), each run a fresh process that times only the workload${
      meta.quick ? "; `--quick` sizes" : ""
    }. Total ${num(meta.seconds, 0)} s.`,
    `- Command: \`${meta.command}\``,
    "",
    "![Bar chart of the results](results.svg)",
  ];
  const sweepTable = speedupTable(results, "sweep");
  if (sweepTable) {
    const w = results.meta.sizes.sweepWorkers;
    parts.push(
      "",
      `## Speed-up sweep: one CPU job cut into ${
        results.meta.sizes.sweepTasks.map((t) => t.toLocaleString("en-US"))
          .join(", ")
      } tasks, ${w} workers`,
      "",
      "Speed-up = the job's serial time in the same runtime / the pool's time. The job sums the Collatz steps of every number below a limit, cut into parts of equal cost (part i of n takes the blocks of 64 numbers i, i + n, i + 2n, ...), so the figures measure the pools, not the order in which a pool happens to start tasks of different costs (the CPU-bound row below cuts its job into equal ranges, which cost more as they go); Python runs a smaller limit (it is about 12x slower) so that every serial run takes about as long. The runs are in the sections below.",
      "",
      markdown(sweepTable),
      "",
      "![Line chart: speed-up against the number of tasks](sweep.svg)",
    );
  }
  const scalingTable = speedupTable(results, "scaling");
  if (scalingTable) {
    parts.push(
      "",
      `## Scaling: ${results.meta.sizes.scaleTasks} tasks on 1, 2, 4, ... workers`,
      "",
      markdown(scalingTable),
    );
  }
  for (const [id, title] of titles(results)) {
    parts.push("", `## ${title}`, "", markdown(figuresTable(results, id)));
  }
  parts.push(
    "",
    "## Ratios against the targets",
    "",
    "A ratio above 1 favours this module: the peer's time (or memory) divided by ours, or our speed-up divided by the peer's. A speed-up is the serial time in the same runtime divided by the pool's time.",
    "",
    markdown(ratiosTable(results)),
    "",
    "## Notes",
    "",
    ...NOTES.map((n) => `- ${n}`),
    "",
  );
  return parts.join("\n");
}
