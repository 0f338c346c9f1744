// Copyright 2026 the @concurrent/futures authors. MIT license.
// The measured samples and the figures and ratios derived from them.
import {
  type Comparison,
  type Contestant,
  type Metric,
  SERIAL_OF,
  type Sizes,
  type Workload,
} from "./_workloads.ts";

/** One subprocess run, as printed by the *_side scripts. */
export interface Sample {
  ms: number;
  peakKiB: number;
  check: unknown;
  longestMs?: number;
}

/** All runs of one contestant in one workload. */
export interface Row {
  workload: Workload;
  contestant: Contestant;
  samples: Sample[];
  /** Why it did not run (missing runtime, piece not implemented yet). */
  skip?: string;
  /** The last failure, if any run failed. */
  error?: string;
}

/** Facts about the run, for RESULTS.md. */
export interface Meta {
  date: string;
  cpus: number;
  cpuModel: string;
  os: string;
  loadBefore: number[];
  loadAfter: number[];
  /** The 1-minute load average as each workload started. */
  loadAt: Record<string, number>;
  versions: Record<string, string>;
  sizes: Sizes;
  reps: number;
  quick: boolean;
  seconds: number;
  command: string;
}

/** Everything main.ts measured. */
export interface Results {
  meta: Meta;
  rows: Row[];
}

/** The median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The row of a workload's contestant, if it has samples. */
export function find(
  results: Results,
  workload: string,
  id: string,
): Row | undefined {
  return results.rows.find((r) =>
    r.workload.id === workload && r.contestant.id === id
  );
}

/** Median wall time in ms, or undefined when there is no sample. */
export function medianMs(row: Row | undefined): number | undefined {
  return row?.samples.length ? median(row.samples.map((s) => s.ms)) : undefined;
}

/** Median peak RSS in MiB. */
export function medianMiB(row: Row | undefined): number | undefined {
  return row?.samples.length
    ? median(row.samples.map((s) => s.peakKiB)) / 1024
    : undefined;
}

/** Median time spent beyond the longest sleep, in ms. */
export function medianOverhead(row: Row | undefined): number | undefined {
  return row?.samples.length
    ? median(row.samples.map((s) => s.ms - (s.longestMs ?? 0)))
    : undefined;
}

/** A CPU pool's speed-up over the serial run in its own runtime. */
export function speedup(
  results: Results,
  id: string,
  workload = "cpu",
): number | undefined {
  const row = find(results, workload, id);
  const serialIn = row?.workload.serialIn ?? workload;
  const pool = medianMs(row);
  const serial = medianMs(find(results, serialIn, SERIAL_OF[id]));
  return pool && serial ? serial / pool : undefined;
}

/** The figure a metric reads from a row. */
export function figure(
  results: Results,
  workload: string,
  id: string,
  metric: Metric,
): number | undefined {
  const row = find(results, workload, id);
  switch (metric) {
    case "time":
      return medianMs(row);
    case "memory":
      return medianMiB(row);
    case "overhead":
      return medianOverhead(row);
    case "speedup":
      return speedup(results, id, workload);
  }
}

/** A comparison's ratio, > 1 in this module's favour. */
export function ratio(
  results: Results,
  c: Comparison,
): number | undefined {
  const ours = figure(results, c.workload, c.ours, c.metric);
  const peer = figure(results, c.workload, c.peer, c.metric);
  if (ours === undefined || peer === undefined) return undefined;
  if (c.metric === "speedup") return c.ours === c.peer ? ours : ours / peer;
  return peer / ours;
}

/** Why a comparison has no ratio. */
export function missingReason(results: Results, c: Comparison): string {
  for (const id of [c.ours, c.peer]) {
    const row = find(results, c.workload, id);
    if (!row) return `${id}: not run`;
    if (row.skip) return `skipped: ${row.skip}`;
    if (!row.samples.length) return `failed: ${row.error ?? "no result"}`;
  }
  return "serial baseline missing";
}
