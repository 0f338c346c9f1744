// Copyright 2026 the @concurrent/futures authors. MIT license.
// Unit tests of the pool's pacing (executor/_pool/pacing.ts): batches of
// about one round trip (1 ms) of work, learnt per function.
import assert from "node:assert/strict";
import { Pacing } from "../executor/_pool/pacing.ts";

const task = (key: string, calls = 1) => ({ key, calls });

Deno.test("Pacing: a function not timed yet goes one task at a time", () => {
  const pacing = new Pacing();
  assert.equal(pacing.batch(task("f")), 1);
  assert.equal(pacing.depth(task("f")), 1);
  assert.equal(pacing.batch(undefined), 1);
  // Unknown: a busy worker may hold the next one, in case it is long.
  assert.equal(pacing.prefetch(task("f"), 1000), true);
  assert.equal(pacing.stallAfter(task("f")), 2);
});

Deno.test("Pacing: short tasks travel in batches of about 1 ms, two batches deep", () => {
  const pacing = new Pacing();
  pacing.record("f", 0.1);
  assert.equal(pacing.batch(task("f")), 10);
  assert.equal(pacing.depth(task("f")), 20);
  // A map chunk of 5 calls costs 0.5 ms: 2 per batch.
  assert.equal(pacing.batch(task("f", 5)), 2);
  // Other functions are not concerned.
  assert.equal(pacing.batch(task("g")), 1);
  // Never more than 256 in a message, however short.
  pacing.record("tiny", 1e-9);
  assert.equal(pacing.batch(task("tiny")), 256);
  assert.equal(pacing.depth(task("tiny")), 512);
  // Short tasks are batched rather than prefetched.
  assert.equal(pacing.prefetch(task("f"), 0), false);
});

Deno.test("Pacing: long tasks go one at a time, one prefetched while on time", () => {
  const pacing = new Pacing();
  pacing.record("long", 10);
  assert.equal(pacing.batch(task("long")), 1);
  assert.equal(pacing.depth(task("long")), 1);
  assert.equal(pacing.prefetch(task("long"), 5), true);
  assert.equal(pacing.prefetch(task("long"), 10), false); // overdue
  assert.equal(pacing.stallAfter(task("long")), 40); // 4 times the usual
});

Deno.test("Pacing: a worker holds about 8 ms of long tasks behind the one it runs, 1 to 8 of them", () => {
  const pacing = new Pacing();
  // Not timed: one, in case it is long.
  assert.equal(pacing.held(task("f")), 1);
  assert.equal(pacing.held(undefined), 1);
  pacing.record("f", 1.4);
  assert.equal(pacing.held(task("f")), 5); // floor(8 / 1.4)
  pacing.record("g", 3);
  assert.equal(pacing.held(task("g")), 2);
  // A task of 8 ms or more: one, as a plain prefetch.
  pacing.record("h", 11);
  assert.equal(pacing.held(task("h")), 1);
  // Never more than 8, and a map chunk counts all its calls.
  pacing.record("k", 1);
  assert.equal(pacing.held(task("k")), 8);
  assert.equal(pacing.held(task("k", 4)), 2);
  assert.equal(new Pacing({ assumeMs: 1e-3 }).held(task("k")), 8);
});

Deno.test("Pacing learns a running average with weight 1/4 for a longer measure", () => {
  const pacing = new Pacing();
  pacing.record("f", 2);
  pacing.record("f", 10); // 2 + (10 - 2) / 4 = 4
  assert.equal(pacing.stallAfter(task("f")), 16);
  pacing.record("f", 8); // 4 + 4 / 4 = 5
  assert.equal(pacing.stallAfter(task("f")), 20);
});

Deno.test("Pacing: a measure below the average weighs 1/2, and a message of n tasks weighs as n measures", () => {
  const pacing = new Pacing();
  pacing.record("f", 8);
  pacing.record("f", 4); // down: 8 - (8 - 4) / 2 = 6
  assert.equal(pacing.stallAfter(task("f")), 24);
  pacing.record("f", 10); // up: 6 + (10 - 6) / 4 = 7
  assert.equal(pacing.stallAfter(task("f")), 28);
  // 3 tasks in one message measured 3 ms per call: weight 1 - (1/2)^3.
  pacing.record("f", 3, 3); // 7 - 4 * 7 / 8 = 3.5
  assert.equal(pacing.stallAfter(task("f")), 14);
  // Up, 2 tasks: weight 1 - (3/4)^2 = 7/16.
  pacing.record("f", 19.5, 2); // 3.5 + 16 * 7 / 16 = 10.5
  assert.equal(pacing.stallAfter(task("f")), 42);
});

Deno.test("Pacing: assumeMs is per pool, and replaces what is measured", () => {
  const assumed = new Pacing({ assumeMs: 0.001 });
  const measured = new Pacing();
  assumed.record("f", 50);
  measured.record("f", 50);
  assert.equal(assumed.batch(task("f")), 256);
  assert.equal(assumed.batch(undefined), 256);
  assert.equal(measured.batch(task("f")), 1);
  assert.equal(new Pacing().batch(task("f")), 1); // nothing global
});
