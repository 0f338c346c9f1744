// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Prints the queue figure of issue 5: items per second for 1,000,000 items
 * through a `Queue(100)` between one producer and one consumer coroutine,
 * next to the same items through `putNowait`/`getNowait` in one task and
 * a plain array hand-off in one task (the limit). Best of 5 runs each.
 *
 *     deno run -A bench/queue_figures.ts [items=1000000] [runs=5]
 *
 * @module
 */
import {
  arrayHandOff,
  expectedSum,
  queueHandOff,
  queueNowait,
} from "./queue_workloads.ts";

const ITEMS = Number(Deno.args[0] ?? 1_000_000);
const RUNS = Number(Deno.args[1] ?? 5);

async function rate(
  work: (items: number) => Promise<number>,
): Promise<number> {
  let best = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const sum = await work(ITEMS);
    const seconds = (performance.now() - start) / 1000;
    if (sum !== expectedSum(ITEMS)) throw new Error(`lost items: ${sum}`);
    best = Math.max(best, ITEMS / seconds);
  }
  return best;
}

function format(n: number): string {
  return Math.round(n).toLocaleString("en-US").padStart(14);
}

const rows: Array<[string, number]> = [
  [
    "Queue(100), producer task -> consumer task",
    await rate((n) => queueHandOff(n, 100)),
  ],
  [
    "Queue(0) unbounded, producer task -> consumer task",
    await rate((n) => queueHandOff(n, 0)),
  ],
  [
    "Queue(1), a task switch for every item",
    await rate((n) => queueHandOff(n, 1)),
  ],
  [
    "Queue(100) putNowait/getNowait, one task",
    await rate((n) => queueNowait(n, 100)),
  ],
  [
    "plain array hand-off, one task (limit)",
    await rate((n) => arrayHandOff(n, 100)),
  ],
];
console.log(
  `${ITEMS.toLocaleString("en-US")} items, best of ${RUNS} runs, ` +
    `Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`,
);
for (const [name, itemsPerSecond] of rows) {
  console.log(`${name.padEnd(52)}${format(itemsPerSecond)} items/s`);
}
const [queue] = rows;
const limit = rows[rows.length - 1];
console.log(
  `Queue(100) hand-off reaches ${
    ((queue[1] / limit[1]) * 100).toFixed(1)
  }% of the array limit`,
);
