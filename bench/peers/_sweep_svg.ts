// Copyright 2026 the @concurrent/futures authors. MIT license.
// sweep.svg: the speed-up sweep as a line chart (speed-up against the number
// of tasks, log scale), one line per contestant, and the scaling series
// (speed-up against workers) when it ran. Drawn by hand like results.svg.
import type { Results, Row } from "./_results.ts";
import { speedup } from "./_results.ts";
import type { Workload } from "./_workloads.ts";
import { esc, niceStep, svgDocument } from "./_svg.ts";

const WIDTH = 1100;
const PLOT_X = 70;
const PLOT_W = 620;
const PLOT_H = 300;
const LEGEND_X = PLOT_X + PLOT_W + 30;

/**
 * One colour and dash per contestant: ours solid, peers dashed, the
 * runtimes with no pool dotted grey.
 */
const STYLE: Record<string, { color: string; dash: string }> = {
  ours: { color: "#2563eb", dash: "" },
  proc: { color: "#7c3aed", dash: "" },
  piscina: { color: "#f59e0b", dash: "6 4" },
  tinypool: { color: "#dc2626", dash: "6 4" },
  py: { color: "#059669", dash: "2 3" },
  // The runtimes with no pool: grey, the pools' lines are what counts.
  "bare-deno": { color: "#6b7280", dash: "1 3" },
  "bare-node": { color: "#9ca3af", dash: "4 2 1 2" },
};

interface Series {
  id: string;
  label: string;
  points: Array<[number, number]>;
}

function series(
  results: Results,
  columns: Workload[],
  x: (w: Workload) => number,
): Series[] {
  const out: Series[] = [];
  for (const w of columns) {
    for (const c of w.contestants) {
      const y = speedup(results, c.id, w.id);
      if (y === undefined) continue;
      let s = out.find((s) => s.id === c.id);
      if (!s) out.push(s = { id: c.id, label: c.label, points: [] });
      s.points.push([x(w), y]);
    }
  }
  return out;
}

/** One panel: log2 x axis over the column values, linear y from 0. */
function panel(
  out: string[],
  top: number,
  title: string,
  xName: string,
  all: Series[],
  xs: number[],
): number {
  const t = (x: number, y: number, s: string, extra = "") =>
    out.push(`<text x="${x}" y="${y}"${extra}>${esc(s)}</text>`);
  t(10, top, title, ' font-weight="bold"');
  const y0 = top + 20;
  const maxY = Math.max(1, ...all.flatMap((s) => s.points.map((p) => p[1])));
  const step = niceStep(maxY / 5);
  const topY = Math.ceil((maxY * 1.05) / step) * step;
  const lo = Math.log2(Math.min(...xs));
  const hi = Math.log2(Math.max(...xs));
  const px = (v: number) =>
    PLOT_X +
    (hi === lo ? PLOT_W / 2 : ((Math.log2(v) - lo) / (hi - lo)) * PLOT_W);
  const py = (v: number) => y0 + PLOT_H - (v / topY) * PLOT_H;
  for (let v = 0; v <= topY + step / 2; v += step) {
    const y = py(v).toFixed(1);
    out.push(
      `<line x1="${PLOT_X}" y1="${y}" x2="${
        PLOT_X + PLOT_W
      }" y2="${y}" stroke="#e5e7eb"/>`,
    );
    t(
      PLOT_X - 6,
      py(v) + 4,
      `${Number(v.toPrecision(3))}x`,
      ' text-anchor="end" fill="#6b7280" font-size="10"',
    );
  }
  for (const v of xs) {
    const x = px(v).toFixed(1);
    out.push(
      `<line x1="${x}" y1="${y0}" x2="${x}" y2="${
        y0 + PLOT_H
      }" stroke="#e5e7eb"/>`,
    );
    t(
      px(v),
      y0 + PLOT_H + 14,
      v.toLocaleString("en-US"),
      ' text-anchor="middle" fill="#6b7280" font-size="10"',
    );
  }
  t(
    PLOT_X + PLOT_W / 2,
    y0 + PLOT_H + 30,
    xName,
    ' text-anchor="middle" fill="#374151"',
  );
  let ly = y0 + 10;
  for (const s of all) {
    const { color, dash } = STYLE[s.id] ?? { color: "#111827", dash: "" };
    const d = dash ? ` stroke-dasharray="${dash}"` : "";
    const pts = s.points.map(([x, y]) =>
      `${px(x).toFixed(1)},${py(y).toFixed(1)}`
    );
    out.push(
      `<polyline points="${
        pts.join(" ")
      }" fill="none" stroke="${color}" stroke-width="2"${d}/>`,
    );
    for (const [x, y] of s.points) {
      out.push(
        `<circle cx="${px(x).toFixed(1)}" cy="${
          py(y).toFixed(1)
        }" r="3" fill="${color}"/>`,
      );
    }
    out.push(
      `<line x1="${LEGEND_X}" y1="${ly - 4}" x2="${LEGEND_X + 28}" y2="${
        ly - 4
      }" stroke="${color}" stroke-width="2"${d}/>`,
    );
    t(LEGEND_X + 34, ly, s.label);
    ly += 18;
  }
  return y0 + PLOT_H + 50;
}

function columns(results: Results, group: string): Workload[] {
  return [
    ...new Set(
      results.rows.map((r: Row) => r.workload).filter((w) =>
        w.group === group && w.id !== "sweep-serial"
      ),
    ),
  ];
}

/** The sweep chart as an SVG document; undefined when neither series ran. */
export function renderSweepSvg(results: Results): string | undefined {
  const { meta } = results;
  const sweep = columns(results, "sweep");
  const sweepSeries = series(results, sweep, (w) => w.tasks ?? 0);
  const scaling = columns(results, "scaling");
  const scalingSeries = series(results, scaling, (w) => w.workers ?? 0);
  if (!sweepSeries.length && !scalingSeries.length) return undefined;
  const out: string[] = [];
  const runs = Math.min(
    meta.reps,
    [...sweep, ...scaling][0].maxReps ?? meta.reps,
  );
  const about = `${meta.cpus} CPUs, ${
    meta.date.slice(0, 10)
  }, medians of ${runs} runs`;
  let y = 24;
  if (sweepSeries.length) {
    y = panel(
      out,
      y,
      `Speed-up over serial in the same runtime against the number of tasks, ${meta.sizes.sweepWorkers} workers (${about})`,
      "tasks the job is cut into (log scale)",
      sweepSeries,
      sweep.map((w) => w.tasks ?? 0),
    );
  }
  if (scalingSeries.length) {
    y = panel(
      out,
      y + (sweepSeries.length ? 10 : 0),
      `Scaling: speed-up against workers, ${meta.sizes.scaleTasks} tasks (${about})`,
      "workers (log scale)",
      scalingSeries,
      scaling.map((w) => w.workers ?? 0),
    );
  }
  return svgDocument(WIDTH, y, out);
}
