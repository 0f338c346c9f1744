// Copyright 2026 the @concurrent/futures authors. MIT license.
// Exact cancel: every `true` from cancel() or revoke() is a task that never
// ran, checked against marker files the tasks leave.
import assert from "node:assert/strict";
import type { Future } from "@concurrent/futures";
import { Cluster, redisTest, tasks } from "./_cluster.ts";

async function ran(dir: string): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const entry of Deno.readDir(dir)) names.add(entry.name);
  return names;
}

/** Every future said cancelled never ran; every other one ran once. */
function checkOutcomes(
  futures: Future<string>[],
  said: (boolean | undefined)[],
  markers: Set<string>,
): void {
  futures.forEach((f, i) => {
    const name = String(i);
    if (said[i]) {
      assert.ok(f.cancelled(), `${i} said true but is ${f.state}`);
      assert.ok(!markers.has(name), `${i} said true but ran`);
    } else if (f.cancelled()) {
      assert.ok(!markers.has(name), `${i} is cancelled but ran`);
    } else {
      assert.equal(f.resultNow(), name);
      assert.ok(markers.has(name), `${i} has a result but no marker`);
    }
  });
}

redisTest(
  "a race of thousands of cancels and revokes against two workers: no true for a task that ran",
  async () => {
    const markers = await Deno.makeTempDir({ prefix: "bullmq-cancel-" });
    try {
      const c = await Cluster.start({ workers: 2, concurrency: 4 });
      const n = 3000;
      const futures = Array.from(
        { length: n },
        (_, i) => c.ex.submit(tasks.mark, markers, String(i)),
      );
      const said: (boolean | undefined)[] = [];
      // Not sent yet: cancel() says true, and the job is never sent.
      for (let i = 0; i < n; i += 10) said[i] = futures[i].cancel();
      assert.equal(said.filter(Boolean).length, n / 10);
      await Promise.resolve();
      // On its way or in Redis: cancel() must say false.
      for (let i = 5; i < n; i += 10) {
        said[i] = futures[i].cancel();
        assert.equal(said[i], false);
      }
      await futures[1].result();
      // Revokes race the workers' claims, in waves while they run.
      const revokes: (boolean | undefined)[] = [];
      for (let from = 0; from < n; from += 100) {
        revokes.push(
          ...await Promise.all(
            futures.slice(from, from + 100).map((f, j) =>
              said[from + j] ? undefined : c.ex.revoke(f)
            ),
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      revokes.forEach((answer, i) => {
        if (answer !== undefined) said[i] ||= answer;
      });
      // cancel() again on a revoked future: true, as for any cancelled one.
      revokes.forEach((answer, i) => {
        if (answer) assert.equal(futures[i].cancel(), true);
      });
      await c.ex.shutdown();
      await Promise.all(c.workers.map((w) => w.close()));
      const markersNow = await ran(markers);
      checkOutcomes(futures, said, markersNow);
      const trues = said.filter(Boolean).length;
      const falses = revokes.filter((a) => a === false).length;
      assert.ok(trues > n / 10 && falses > 0, `${trues} true, ${falses} false`);
      assert.equal(c.ex.stats.lateCancels, 0);
      await c[Symbol.asyncDispose]();
    } finally {
      await Deno.remove(markers, { recursive: true });
    }
  },
);

redisTest(
  "shutdown({ cancelFutures }) and an abandoned map revoke what has not started, and only that",
  async () => {
    const markers = await Deno.makeTempDir({ prefix: "bullmq-cancel-" });
    try {
      const c = await Cluster.start({ workers: 1, concurrency: 2 });
      // An abandoned map: the chunks no worker claimed are revoked.
      const items = Array.from({ length: 400 }, (_, i) => `m${i}`);
      const iterator = c.ex.map(
        (name: string) => name,
        items,
        { chunksize: 1 },
      );
      await iterator.return?.();
      const futures = Array.from(
        { length: 1000 },
        (_, i) => c.ex.submit(tasks.mark, markers, String(i)),
      );
      await futures[0].result();
      await c.ex.shutdown({ cancelFutures: true });
      await Promise.all(c.workers.map((w) => w.close()));
      const markersNow = await ran(markers);
      checkOutcomes(futures, [], markersNow);
      assert.ok(futures.some((f) => f.cancelled()));
      assert.ok(futures.some((f) => !f.cancelled()));
      assert.equal(c.ex.stats.lateCancels, 0);
      await c[Symbol.asyncDispose]();
    } finally {
      await Deno.remove(markers, { recursive: true });
    }
  },
);
