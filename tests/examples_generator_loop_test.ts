// Copyright 2026 the @concurrent/futures authors. MIT license.
// Seed program 3 prints what the seed prints: `point 1 >` ... `point 4 >`
// around the ten sleepers, in order of sleep time.
import assert from "node:assert/strict";

Deno.test("examples/generator_loop.ts prints the seed's lines in the seed's order", async () => {
  const example = new URL("../examples/generator_loop.ts", import.meta.url);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", example.pathname, "--virtual-time"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const lines = new TextDecoder().decode(stdout).trimEnd().split("\n");
  assert.deepEqual(lines.slice(0, 2), ["point 1 >", "point 2 >"]);
  assert.deepEqual(lines.slice(12, 14), ["point 3 >", "point 4 >"]);
  const sleepers = lines.slice(2, 12).map((line) => {
    const match = line.match(
      /^\[(\d)\] Sleep time : (\d), Complete time : \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/,
    );
    assert.ok(match, line);
    return { i: Number(match[1]), seconds: Number(match[2]) };
  });
  assert.deepEqual(
    sleepers.map((s) => s.i).sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  const seconds = sleepers.map((s) => s.seconds);
  assert.deepEqual(seconds, [...seconds].sort((a, b) => a - b));
  assert.ok(seconds.every((s) => s >= 1 && s <= 9));
  assert.match(lines[14], /^\(virtual time: \d s of sleeping took \d+ ms\)$/);
});
