// Copyright 2026 the @concurrent/futures authors. MIT license.
// A child process holds one task more behind the one it runs, which saves a
// round trip per task, only where nothing can be held hostage: behind a task
// timed as neither short nor long that is not late, and while the queue holds
// more tasks than there are workers.
import assert from "node:assert/strict";
import {
  type Future,
  ProcessPoolExecutor,
  type ProcessPoolExecutorOptions,
} from "../mod.ts";
import { PACING } from "../executor/_pool/pacing.ts";

/** A task that returns `value` once the file `gate` exists. */
async function gated(gate: string, value: number): Promise<number> {
  for (;;) {
    try {
      Deno.statSync(gate);
      return value;
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/**
 * Submits `n` gated tasks to a warm 2-child pool with every task taken to
 * last `usual` ms (undefined: as measured), and returns which ones count as
 * running (shipped to a child) right after the submits; then opens the gate
 * and checks every result, the ones `cancel` names excepted.
 */
async function shippedAtOnce(
  n: number,
  usual: number | undefined,
  cancel: (futures: Future<number>[]) => number[] = () => [],
): Promise<boolean[]> {
  const dir = await Deno.makeTempDir();
  const gate = `${dir}/gate`;
  const ex = new ProcessPoolExecutor({
    maxWorkers: 2,
    minWorkers: 2,
    ...(usual === undefined ? {} : { [PACING]: { assumeMs: usual } }),
  } as ProcessPoolExecutorOptions);
  try {
    await Promise.all([
      ex.submit(() => 0).result(),
      ex.submit(() => 1).result(),
    ]);
    const futures = Array.from(
      { length: n },
      (_, i) => ex.submit(gated, gate, i),
    );
    const running = futures.map((f) => f.running());
    const cancelled = cancel(futures);
    await Deno.writeTextFile(gate, "");
    for (const [i, f] of futures.entries()) {
      if (cancelled.includes(i)) assert.equal(f.cancelled(), true);
      else assert.equal(await f.result(), i);
    }
    return running;
  } finally {
    await Deno.writeTextFile(gate, "");
    await ex.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ProcessPoolExecutor: a child holds one more task behind a timed one while the queue is long", async () => {
  const running = await shippedAtOnce(6, 40, (futures) => {
    // Held by a child: it counts as running and cannot be cancelled.
    assert.equal(futures[2].cancel(), false);
    // Still in the pool's queue: cancelled, it never runs.
    assert.equal(futures[4].cancel(), true);
    return [4];
  });
  assert.deepEqual(running, [true, true, true, true, false, false]);
});

Deno.test("ProcessPoolExecutor: the last tasks, no more than the workers, wait in the pool's queue", async () => {
  const running = await shippedAtOnce(4, 40);
  assert.deepEqual(running, [true, true, false, false]);
});

Deno.test("ProcessPoolExecutor: nothing waits on a child behind an untimed or a long task", async () => {
  // The gated function has never run: its length is unknown.
  assert.deepEqual(
    await shippedAtOnce(6, undefined),
    [true, true, false, false, false, false],
  );
  // Tasks this long lose nothing to a round trip.
  assert.deepEqual(
    await shippedAtOnce(6, 200),
    [true, true, false, false, false, false],
  );
});
