// Copyright 2026 the @concurrent/futures authors. MIT license.
// Run: deno bench bench/queue_bench.ts
// 100,000 items per iteration from one producer coroutine to one consumer
// coroutine through Queue(100), next to the limits: Queue's putNowait /
// getNowait in one task, and a plain array hand-off in one task.
// Items per second for 1,000,000 items: deno run -A bench/queue_figures.ts
import {
  arrayHandOff,
  expectedSum,
  queueHandOff,
  queueNowait,
} from "./queue_workloads.ts";

const ITEMS = 100_000;

function check(sum: number): void {
  if (sum !== expectedSum(ITEMS)) throw new Error(`lost items: sum ${sum}`);
}

Deno.bench({
  name: "Queue(100): producer task -> consumer task, 100,000 items",
  group: "hand-off",
  baseline: true,
  async fn() {
    check(await queueHandOff(ITEMS, 100));
  },
});

Deno.bench({
  name: "Queue(0) unbounded: producer task -> consumer task, 100,000 items",
  group: "hand-off",
  async fn() {
    check(await queueHandOff(ITEMS, 0));
  },
});

Deno.bench({
  name: "Queue(1): a task switch for every item, 100,000 items",
  group: "hand-off",
  async fn() {
    check(await queueHandOff(ITEMS, 1));
  },
});

Deno.bench({
  name: "Queue(100) putNowait/getNowait in one task, 100,000 items",
  group: "hand-off",
  async fn() {
    check(await queueNowait(ITEMS, 100));
  },
});

Deno.bench({
  name: "plain array hand-off in one task (batches of 100), 100,000 items",
  group: "hand-off",
  async fn() {
    check(await arrayHandOff(ITEMS, 100));
  },
});
