// Copyright 2026 the @concurrent/futures authors. MIT license.
// Tasks start in the order they were submitted, also when a worker holds
// one behind a long task and another worker appears a moment later.
import assert from "node:assert/strict";
import { TimeoutError, WorkerPoolExecutor } from "../mod.ts";

Deno.test("WorkerPoolExecutor: a worker that starts after a stop takes back a task held behind a long one before it runs later ones", async () => {
  // Timing decides whether the held task meets the new worker: a few
  // rounds make the case likely.
  for (let round = 0; round < 5; round++) {
    await using pool = new WorkerPoolExecutor({ maxWorkers: 2 });
    const echo = (x: number) => x * x;
    await Promise.all([1, 2, 3].map((n) => pool.submit(echo, n).result()));
    const busy = (ms: number) => {
      const start = Date.now();
      while (Date.now() < start + ms) { /* busy */ }
      return start;
    };
    // The stop kills a worker; its replacement starts only once stops are
    // quiet, so the tasks below first meet a single worker, which holds
    // the second behind the first.
    const slow = pool.run(busy, [300], { timeout: 50 });
    await assert.rejects(slow.result(), TimeoutError);
    const first = pool.submit(busy, 200);
    const second = pool.submit(busy, 200);
    const later = pool.submit(busy, 20);
    const [, secondStart, laterStart] = await Promise.all(
      [first, second, later].map((f) => f.result()),
    );
    assert.ok(
      secondStart <= laterStart,
      `round ${round}: the second task started ${
        secondStart - laterStart
      } ms after a later one`,
    );
  }
});
