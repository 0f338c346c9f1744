// Copyright 2026 the @concurrent/futures authors. MIT license.
// Run: deno bench bench/future_bench.ts
// Each iteration creates, resolves and awaits 100,000 futures (or promises),
// so "x slower" in the output is the Future's cost relative to a raw promise.
import { Future } from "../future/mod.ts";

const N = 100_000;

Deno.bench({
  name: "Promise.withResolvers: resolve, then await",
  group: "resolve-then-await",
  baseline: true,
  async fn() {
    for (let i = 0; i < N; i++) {
      const { promise, resolve } = Promise.withResolvers<number>();
      resolve(i);
      await promise;
    }
  },
});

Deno.bench({
  name: "Future: setResult, then await result()",
  group: "resolve-then-await",
  async fn() {
    for (let i = 0; i < N; i++) {
      const future = new Future<number>();
      future.setResult(i);
      await future.result();
    }
  },
});

Deno.bench({
  name: "Promise.withResolvers: await, resolved later",
  group: "await-then-resolve",
  baseline: true,
  async fn() {
    for (let i = 0; i < N; i++) {
      const { promise, resolve } = Promise.withResolvers<number>();
      const waiting = promise;
      resolve(i);
      await waiting;
    }
  },
});

Deno.bench({
  name: "Future: await result(), resolved later",
  group: "await-then-resolve",
  async fn() {
    for (let i = 0; i < N; i++) {
      const future = new Future<number>();
      const waiting = future.result();
      future.setResult(i);
      await waiting;
    }
  },
});

Deno.bench({
  name: "Future: with a done callback",
  group: "await-then-resolve",
  async fn() {
    let sum = 0;
    const onDone = (f: Future<number>) => {
      sum += f.resultNow();
    };
    for (let i = 0; i < N; i++) {
      const future = new Future<number>();
      future.addDoneCallback(onDone);
      const waiting = future.result();
      future.setResult(i);
      await waiting;
    }
    if (sum < 0) throw new Error("unreachable");
  },
});
