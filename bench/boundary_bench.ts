// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * The cost of the worker pools' boundary checks, next to what structured
 * clone costs for the same value: the check a `submit` of primitives pays,
 * and the walk that finds values that would arrive as something else.
 *
 *     deno bench -A bench/boundary_bench.ts
 *
 * @module
 */
import { findLostValue } from "../executor/_lost_values.ts";
import { needsCloneCheck } from "../executor/_task.ts";
import { isPrimitive } from "../executor/_snapshot.ts";

const big = new Float64Array(1 << 20);
const small = { a: 1, b: "x", c: [1, 2] };
const many = Array.from({ length: 10_000 }, (_, i) => ({ i, name: `n${i}` }));
let n = 0;

Deno.bench(
  "a submit of primitives: needsCloneCheck",
  { group: "trivial" },
  () => {
    needsCloneCheck([n++]);
  },
);
Deno.bench("a primitive result: isPrimitive", { group: "trivial" }, () => {
  isPrimitive(n++);
});

for (
  const [name, value] of [
    ["an 8 MiB Float64Array", big],
    ["a small object", small],
    ["10,000 small objects", many],
  ] as const
) {
  Deno.bench(`findLostValue: ${name}`, { group: name, baseline: true }, () => {
    findLostValue([value], "argument", true);
  });
  Deno.bench(`structuredClone: ${name}`, { group: name }, () => {
    structuredClone([value]);
  });
}
