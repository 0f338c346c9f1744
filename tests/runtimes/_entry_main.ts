// Copyright 2026 the @concurrent/futures authors. MIT license.
// The end of the portable bundle's entry (tests/runtimes/run.ts writes the
// entry: the harness, every portable test file, then `main()`): it runs the
// registered tests and reports to the console (Node, Bun) or to the test
// server that served the page (Chromium).
import { runTests, summaryLine } from "../_util/portable_harness.ts";
import { type Runtime, SKIP } from "./portable.ts";

interface Globals {
  Bun?: unknown;
  document?: unknown;
  crossOriginIsolated?: boolean;
  process?: { exit(code: number): never; env: Record<string, string> };
}

const globals = globalThis as Globals;

function runtime(): Runtime {
  if (globals.Bun !== undefined) return "bun";
  if (globals.document === undefined) return "node";
  return globals.crossOriginIsolated ? "chromium-isolated" : "chromium";
}

/** Runs the portable suite here and reports; ends the process on a server. */
export async function main(): Promise<void> {
  const name = runtime();
  const browser = globals.document !== undefined;
  let sending = Promise.resolve();
  const send = (path: string, body: string) => {
    sending = sending.then(async () => {
      await fetch(path, { method: "POST", body });
    }).catch(() => {});
  };
  const log = browser
    ? (line: string) => send("/log", line)
    : (line: string) => console.log(line);
  // PORTABLE_FILTER=text runs only the tests whose name holds it.
  const filter = globals.process?.env.PORTABLE_FILTER ??
    (new URLSearchParams(
      (globalThis as { location?: { search: string } }).location?.search,
    ).get("filter") ?? undefined);
  const summary = await runTests({
    skip: SKIP[name],
    timeout: 60_000,
    log,
    filter,
  });
  const line = summaryLine(summary, name);
  if (browser) {
    send("/done", JSON.stringify({ ...summary, line }));
    await sending;
  } else {
    console.log(line);
    globals.process?.exit(summary.failed === 0 ? 0 : 1);
  }
}
