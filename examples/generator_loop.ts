// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * Seed program 3: Python's generator-based asyncio, line for line.
 *
 * Ten coroutines each sleep a random 1–9 s and print when they are done;
 * `loop.runUntilComplete(asyncio.wait(coros))` runs them all at once, so the
 * whole program takes as long as the longest sleep, and the lines come out
 * in order of sleep time. The Python original:
 *
 * ```python
 * @asyncio.coroutine
 * def sleeper(i):
 *     sleep_time = random.randint(1, 9)
 *     yield from asyncio.sleep(sleep_time)
 *     print(f"[{i}] Sleep time : {sleep_time}, Complete time : {time.ctime()}")
 *
 * print("point 1 >")
 * loop = asyncio.get_event_loop()
 * coros = [sleeper(i) for i in range(10)]
 * print("point 2 >")
 * loop.run_until_complete(asyncio.wait(coros))
 * print("point 3 >")
 * loop.close()
 * print("point 4 >")
 * ```
 *
 * Run it with `deno run examples/generator_loop.ts` (it takes as long as
 * the longest sleep), or on virtual time, where it finishes at once while
 * the loop's clock still reads 1–9 s later:
 * `deno run examples/generator_loop.ts --virtual-time`. Sample output of
 * the latter (the real-clock run prints the same lines, less the last):
 *
 * ```text
 * point 1 >
 * point 2 >
 * [3] Sleep time : 1, Complete time : Wed Nov 25 06:40:02 2026
 * [7] Sleep time : 1, Complete time : Wed Nov 25 06:40:02 2026
 * [0] Sleep time : 2, Complete time : Wed Nov 25 06:40:03 2026
 * [5] Sleep time : 4, Complete time : Wed Nov 25 06:40:05 2026
 * [9] Sleep time : 4, Complete time : Wed Nov 25 06:40:05 2026
 * [1] Sleep time : 5, Complete time : Wed Nov 25 06:40:06 2026
 * [2] Sleep time : 6, Complete time : Wed Nov 25 06:40:07 2026
 * [4] Sleep time : 7, Complete time : Wed Nov 25 06:40:08 2026
 * [8] Sleep time : 8, Complete time : Wed Nov 25 06:40:09 2026
 * [6] Sleep time : 9, Complete time : Wed Nov 25 06:40:10 2026
 * point 3 >
 * point 4 >
 * (virtual time: 9 s of sleeping took 3 ms)
 * ```
 *
 * @module
 */
import { asyncio } from "../mod.ts";

const virtualTime = Deno.args.includes("--virtual-time");
if (virtualTime) asyncio.setEventLoop(asyncio.newEventLoop({ virtualTime }));

/** Python's `time.ctime()`, read from the loop's clock. */
function ctime(loop: asyncio.EventLoop): string {
  const date = new Date(startWall + (loop.time() - startLoop));
  const [day, month, dd, yyyy, hms] = date.toString().split(" ");
  return `${day} ${month} ${dd.padStart(2)} ${hms} ${yyyy}`;
}

function* sleeper(i: number): asyncio.Coroutine<void> {
  const sleepTime = 1 + Math.floor(Math.random() * 9);
  yield* asyncio.sleep(sleepTime * 1000);
  const loop = asyncio.getRunningLoop();
  console.log(
    `[${i}] Sleep time : ${sleepTime}, Complete time : ${ctime(loop)}`,
  );
}

const started = performance.now();
console.log("point 1 >");
const loop = asyncio.getEventLoop();
const startWall = Date.now();
const startLoop = loop.time();
const coros = Array.from({ length: 10 }, (_, i) => sleeper(i));
console.log("point 2 >");
await loop.runUntilComplete(asyncio.wait(coros));
console.log("point 3 >");
loop.close();
console.log("point 4 >");
if (virtualTime) {
  const took = (performance.now() - started).toFixed(0);
  const slept = (loop.time() - startLoop) / 1000;
  console.log(`(virtual time: ${slept} s of sleeping took ${took} ms)`);
}
