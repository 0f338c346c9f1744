// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Figures of the child-process transport alone (an echo child, no task
 * code): start-up to the first message, round trips a second with one
 * message in flight, and tasks a second with 100 tasks per message, on 1
 * and 2 children, next to bare Worker round trips measured in the same run.
 *
 *     deno run -A bench/process_transport_figures.ts [roundTrips=5000]
 *
 * @module
 */
import {
  type ProcessTransport,
  processTransport,
} from "../executor/_pool/process_transport.ts";
import { roundTrips, startEchoWorkers } from "./executor_common.ts";

const N = Number(Deno.args[0] ?? 5_000);
const entry = new URL("./process_echo_child.ts", import.meta.url);
const factory = processTransport({ entry, permissions: "none" });

interface Child {
  transport: ProcessTransport;
  next(): Promise<unknown>;
}

/** Starts a child; resolves once its first message arrived. */
async function start(): Promise<Child> {
  const queue: unknown[] = [];
  let wake: (() => void) | undefined;
  const transport = factory("bench", {
    message(message) {
      queue.push(message);
      wake?.();
    },
    exit(how) {
      throw new Error(`the bench child ended: ${how}`);
    },
  }) as ProcessTransport;
  const next = async () => {
    while (queue.length === 0) await new Promise<void>((r) => wake = r);
    return queue.shift();
  };
  await next();
  return { transport, next };
}

function run(child: Child, first: number, size: number): void {
  const tasks = [];
  for (let i = 0; i < size; i++) {
    tasks.push({
      id: first + i,
      slot: -1,
      tag: 0,
      fn: { src: 1 },
      args: [first + i],
      batch: false,
    });
  }
  child.transport.post({ t: "run", tasks } as never);
}

/** Tasks a second: `messages` messages of `size` tasks, one in flight. */
async function rate(
  children: Child[],
  messages: number,
  size: number,
): Promise<number> {
  const start = performance.now();
  await Promise.all(children.map(async (child, c) => {
    for (let m = 0; m < messages; m++) {
      run(child, (c * messages + m) * size, size);
      await child.next();
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  return (children.length * messages * size) / seconds;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

const startups: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const child = await start();
  startups.push(performance.now() - t0);
  child.transport.kill();
  await child.transport.closed;
}
startups.sort((a, b) => a - b);
console.log(
  `start-up to first message: median ${startups[2].toFixed(1)} ms ` +
    `(min ${startups[0].toFixed(1)}, max ${startups[4].toFixed(1)})`,
);

const one = [await start()];
const two = [one[0], await start()];
await rate(one, 500, 1); // warm-up
console.log(
  `1 child, 1 task per message:   ${fmt(await rate(one, N, 1))} round trips/s`,
);
console.log(
  `1 child, 100 tasks per message: ${
    fmt(await rate(one, N / 10, 100))
  } tasks/s`,
);
console.log(
  `2 children, 1 task per message: ${fmt(await rate(two, N, 1))} round trips/s`,
);
console.log(
  `2 children, 100 tasks per message: ${
    fmt(await rate(two, N / 10, 100))
  } tasks/s`,
);
for (const child of two) {
  child.transport.kill();
  await child.transport.closed;
}

const workers = await startEchoWorkers(1);
await roundTrips(workers, 500, 1);
const t0 = performance.now();
await roundTrips(workers, N, 1);
console.log(
  `bare Worker, 1 in flight: ${
    fmt(N / ((performance.now() - t0) / 1000))
  } round trips/s`,
);
for (const w of workers) w.terminate();
