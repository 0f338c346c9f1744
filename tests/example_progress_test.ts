// Copyright 2026 the @concurrent/futures authors. MIT license.
// examples/progress.ts, piped: plain lines, every task counted, and it
// exits by itself.
import assert from "node:assert/strict";

Deno.test("examples/progress.ts prints plain lines to a pipe and exits", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../examples/progress.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
    // A hang kills the child instead of the test run.
    signal: AbortSignal.timeout(60_000),
  }).output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.equal(text.includes("\r"), false, "no redraws when not a terminal");
  const lines = text.trimEnd().split("\n");
  assert.match(lines.at(-2)!, /^100% {2}200\/200 tasks {2}[\d.]+ tasks\/s$/);
  assert.equal(
    lines.at(-1)!.replace(/in [\d.]+ s$/, "in _ s"),
    "done: 200 tasks, 1,600 steps reported, checksum 716,400, in _ s",
  );
  // One line per tenth, in order.
  const percents = lines.slice(0, -1).map((line) => parseInt(line));
  assert.deepEqual(percents, [...percents].sort((a, b) => a - b));
  assert.equal(new Set(percents).size, percents.length);
});
