// Copyright 2026 the @concurrent/futures authors. MIT license.
// results.svg: one horizontal bar chart per workload, drawn by hand.
import type { Kind } from "./_workloads.ts";
import {
  medianMiB,
  medianMs,
  type Results,
  type Row,
  speedup,
} from "./_results.ts";
import { formatMs } from "./_report.ts";

interface Bar {
  label: string;
  value: number;
  text: string;
  kind: Kind;
}

interface Panel {
  title: string;
  log: boolean;
  bars: Bar[];
  format: (x: number) => string;
}

/** A tick label: no needless decimals. */
function tickLabel(p: Panel, v: number): string {
  const n = Number(v.toPrecision(3));
  if (p.format === formatMs) {
    return n >= 1000 ? `${n / 1000} s` : `${n} ms`;
  }
  return p.format(n).replace(/\.0+(?=\D*$)/, "").replace(
    /(\.\d*?)0+(?=\D*$)/,
    "$1",
  );
}

const COLOR: Record<Kind, string> = {
  ours: "#2563eb",
  peer: "#f59e0b",
  limit: "#9ca3af",
};

const WIDTH = 960;
const LABEL_W = 330;
const BAR_X = LABEL_W + 10;
const BAR_W = 470;
const ROW_H = 20;

/** Text escaped for SVG. */
export const esc = (s: string): string =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** A whole SVG document around the drawn elements. */
export function svgDocument(
  width: number,
  height: number,
  elements: string[],
): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12" fill="#111827">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...elements,
    "</svg>",
    "",
  ].join("\n");
}

function bars(
  results: Results,
  workload: string,
  value: (row: Row) => number | undefined,
  text: (x: number) => string,
  only?: string[],
): Bar[] {
  const out: Bar[] = [];
  for (const row of results.rows) {
    if (row.workload.id !== workload) continue;
    if (only && !only.includes(row.contestant.id)) continue;
    const v = value(row);
    if (v === undefined || !(v > 0)) continue;
    const { label, kind } = row.contestant;
    out.push({ label, value: v, text: text(v), kind });
  }
  return out;
}

function panels(results: Results): Panel[] {
  const title = (id: string) =>
    results.rows.find((r) => r.workload.id === id)?.workload.title ?? id;
  const mib = (x: number) => `${x.toFixed(1)} MiB`;
  const times = (x: number) => `${x.toFixed(2)}x`;
  const ms = (id: string) => bars(results, id, medianMs, formatMs);
  return [
    {
      title: `${title("trivial")} (log scale, shorter is better)`,
      log: true,
      bars: ms("trivial"),
      format: formatMs,
    },
    {
      title:
        "Pool, CPU-bound: speed-up over serial in the same runtime (longer is better)",
      log: false,
      bars: bars(
        results,
        "cpu",
        (r) => speedup(results, r.contestant.id),
        times,
        ["ours", "proc", "py", "piscina", "tinypool"],
      ),
      format: times,
    },
    {
      title: `${title("startup")} (log scale, shorter is better)`,
      log: true,
      bars: ms("startup"),
      format: formatMs,
    },
    {
      title: `${title("switches")} (log scale, shorter is better)`,
      log: true,
      bars: ms("switches"),
      format: formatMs,
    },
    {
      title: `${title("sleepers")}: wall time (shorter is better)`,
      log: false,
      bars: ms("sleepers"),
      format: formatMs,
    },
    {
      title: `${title("sleepers")}: peak RSS (shorter is better)`,
      log: false,
      bars: bars(results, "sleepers", medianMiB, mib),
      format: mib,
    },
  ].filter((p) => p.bars.length > 0);
}

/** Tick values and a value-to-pixel function for a panel. */
function axis(p: Panel): { ticks: number[]; x: (v: number) => number } {
  const values = p.bars.map((b) => b.value);
  if (p.log) {
    // The axis starts a decade below the shortest bar when that bar would
    // otherwise be a sliver.
    const least = Math.log10(Math.min(...values));
    const lo = Math.floor(least) - (least - Math.floor(least) < 0.5 ? 1 : 0);
    let hi = Math.ceil(Math.log10(Math.max(...values)));
    if (hi === lo) hi++;
    const ticks = [];
    for (let e = lo; e <= hi; e++) ticks.push(10 ** e);
    return {
      ticks,
      x: (v) => ((Math.log10(v) - lo) / (hi - lo)) * BAR_W,
    };
  }
  const max = Math.max(...values);
  const step = niceStep(max / 4);
  const top = Math.ceil(max / step) * step;
  const ticks = [];
  for (let t = 0; t <= top + step / 2; t += step) ticks.push(t);
  return { ticks, x: (v) => (v / top) * BAR_W };
}

/** A round step near `raw` for an axis's ticks. */
export function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** The chart as an SVG document. */
export function renderSvg(results: Results): string {
  const out: string[] = [];
  let y = 20;
  const t = (x: number, yy: number, s: string, extra = "") =>
    out.push(`<text x="${x}" y="${yy}"${extra}>${esc(s)}</text>`);
  const { meta } = results;
  t(
    10,
    y,
    `@concurrent/futures vs peers: ${meta.cpus} CPUs, ${
      meta.date.slice(0, 10)
    }, medians of ${meta.reps} runs`,
    ' font-weight="bold" font-size="14"',
  );
  y += 22;
  let lx = 10;
  for (
    const [kind, name] of [["ours", "this module"], ["peer", "peers"], [
      "limit",
      "raw limits / serial",
    ]] as const
  ) {
    out.push(
      `<rect x="${lx}" y="${y - 10}" width="12" height="12" fill="${
        COLOR[kind]
      }"/>`,
    );
    t(lx + 16, y, name);
    lx += 30 + name.length * 7;
  }
  y += 14;
  for (const p of panels(results)) {
    y += 22;
    t(10, y, p.title, ' font-weight="bold"');
    y += 8;
    const { ticks, x } = axis(p);
    const top = y;
    const bottom = y + p.bars.length * ROW_H + 4;
    for (const tick of ticks) {
      const gx = BAR_X + x(tick);
      out.push(
        `<line x1="${gx.toFixed(1)}" y1="${top}" x2="${
          gx.toFixed(1)
        }" y2="${bottom}" stroke="#e5e7eb"/>`,
      );
      t(
        gx,
        bottom + 12,
        tickLabel(p, tick),
        ' text-anchor="middle" fill="#6b7280" font-size="10"',
      );
    }
    for (const bar of p.bars) {
      const w = Math.max(2, x(bar.value));
      const by = y + 4;
      t(LABEL_W, by + 11, bar.label, ' text-anchor="end"');
      out.push(
        `<rect x="${BAR_X}" y="${by}" width="${
          w.toFixed(1)
        }" height="14" fill="${COLOR[bar.kind]}"/>`,
      );
      t(BAR_X + w + 4, by + 11, bar.text);
      y += ROW_H;
    }
    y = bottom + 16;
  }
  return svgDocument(WIDTH, y + 10, out);
}
