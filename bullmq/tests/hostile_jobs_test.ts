// Copyright 2026 the @concurrent/futures authors. MIT license.
// A worker bounds what it reads from Redis, as an attacker with write access
// to it would test it: jobs too large or malformed, written raw, fail on
// their own and the worker takes the next job; a settings hash of garbage
// falls back to the defaults, with a warning.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { serialize } from "node:v8";
import { cancelChannel, PROTOCOL, settingsKey } from "../_protocol.ts";
import { raw } from "../_raw_redis.ts";
import { Cluster, redisTest, sleep, tasks } from "./_cluster.ts";
import { FIXTURE_TASKS } from "./_worker_process.ts";

const MIB = 1024 * 1024;
const base64 = (value: unknown) =>
  Buffer.from(serialize(value)).toString("base64");
const echo = { url: FIXTURE_TASKS.href, name: "echoAfter" };
const job = (args: unknown, more: Record<string, unknown> = {}) =>
  JSON.stringify({ v: PROTOCOL, fn: echo, args, ...more });

/**
 * Each hostile job: the job hash fields written raw over a real job's, the
 * error class its future must fail with, and what the message must say.
 */
const HOSTILE: [string, Record<string, string>, ErrorConstructor, RegExp][] = [
  [
    "raw-too-large",
    { data: job({ j: ["x".repeat(2 * MIB), 0] }) },
    RangeError,
    /^Job raw-too-large takes 209\d{4} bytes in Redis, more than maxPayloadBytes \(1000 bytes\) plus 1048576 bytes/,
  ],
  [
    "json-args-too-large",
    { data: job({ j: ["x".repeat(5000), 0] }) },
    RangeError,
    /^The task's arguments are 5006 bytes, more than maxPayloadBytes \(1000 bytes\)/,
  ],
  [
    "serialized-args-too-large",
    { data: job({ b: base64([new Uint8Array(5000), 0]) }) },
    RangeError,
    /^The task's arguments are 66\d\d bytes, more than maxPayloadBytes \(1000 bytes\)/,
  ],
  [
    "chunk-too-large",
    { data: job({ j: Array(600).fill(1) }, { batch: true }) },
    RangeError,
    /^The chunk's items are 1201 bytes, more than maxPayloadBytes \(1000 bytes\)/,
  ],
  [
    "data-not-json",
    { data: "{not json" },
    TypeError,
    /^Job data-not-json cannot be read: its data is not JSON/,
  ],
  [
    "opts-not-json",
    { opts: "{]" },
    TypeError,
    /^Job opts-not-json cannot be read: its opts is not JSON/,
  ],
  [
    "progress-not-json",
    { progress: "{" },
    TypeError,
    /^Job progress-not-json cannot be read: its progress is not JSON/,
  ],
  [
    "opts-null",
    { opts: "null" },
    TypeError,
    /^Job opts-null cannot be read/,
  ],
  [
    "data-null",
    { data: "null" },
    TypeError,
    /^Job data-null is not a BullMQExecutor job of this version/,
  ],
  [
    "fn-missing",
    { data: JSON.stringify({ v: PROTOCOL, args: { j: [] } }) },
    TypeError,
    /^Job fn-missing is not a BullMQExecutor job of this version/,
  ],
  [
    "fn-array",
    { data: JSON.stringify({ v: PROTOCOL, fn: [], args: { j: [] } }) },
    TypeError,
    /^Job fn-array names no task/,
  ],
  [
    "args-missing",
    { data: JSON.stringify({ v: PROTOCOL, fn: echo }) },
    TypeError,
    /^The task's arguments are not in the format of this package/,
  ],
  [
    "args-not-a-list",
    { data: job({ j: "text" }) },
    TypeError,
    /^Job args-not-a-list has no argument list/,
  ],
  [
    "args-bad-base64",
    { data: job({ b: "not base64!*" }) },
    TypeError,
    /^The task's arguments are not base64/,
  ],
  [
    "args-not-serialized",
    { data: job({ b: btoa("plain bytes, not V8's") }) },
    TypeError,
    /^The task's arguments cannot be decoded: /,
  ],
  [
    "args-b-not-string",
    { data: job({ b: 5 }) },
    TypeError,
    /^The task's arguments are not in the format of this package/,
  ],
  [
    // JSON that encode() would have sent by V8: too deep to copy safely.
    "args-nested-too-deep",
    {
      data: job({ j: "DEEP" }).replace(
        '"DEEP"',
        `[${"[".repeat(100_000)}${"]".repeat(100_000)}, 0]`,
      ),
    },
    TypeError,
    /^The task's arguments are not JSON as this package writes it/,
  ],
  [
    // A sparse list as long as an array can be, in a few bytes: a chunk
    // would loop over four billion holes.
    "chunk-of-holes",
    { data: job({ b: base64(new Array(2 ** 32 - 1)) }, { batch: true }) },
    TypeError,
    /^Job chunk-of-holes has an argument list of 4294967295 items in \d+ bytes/,
  ],
];

redisTest(
  "hostile jobs written raw fail on their own, before they are decoded; the worker takes the next job",
  async () => {
    await using c = await Cluster.start({
      executor: { maxPayloadBytes: 1000 },
    });
    await using queue = c.openQueue();
    const client = raw(await queue.client);
    // The worker sees each job only once its hash is what an attacker
    // wrote: the queue is paused meanwhile.
    await queue.pause();
    for (const [id, fields] of HOSTILE) {
      await queue.add("echoAfter", {
        v: PROTOCOL,
        fn: echo,
        args: { j: [1, 0] },
      }, {
        jobId: id,
      });
      await client.call(
        "HSET",
        `bull:${c.queue}:${id}`,
        ...Object.entries(fields).flat(),
      );
    }
    const futures = HOSTILE.map(([id]) => c.ex.attach(id));
    await queue.resume();
    for (const [i, [id, , type, message]] of HOSTILE.entries()) {
      const error = await futures[i].exception(20_000);
      assert.ok(error instanceof type, `${id}: ${error}`);
      assert.match(
        (error as Error).message,
        message,
        `${id}: ${(error as Error).message}`,
      );
    }
    // Still the same worker, serving.
    assert.equal(await c.ex.submit(tasks.add, 1, 2).result(10_000), 3);
    assert.equal(c.workers[0].stats.failed, HOSTILE.length);
  },
);

/** Runs `fn` with console.warn collected; returns what it printed. */
async function warnings(fn: () => Promise<unknown>): Promise<string[]> {
  const printed: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => printed.push(args.join(" "));
  try {
    await fn();
  } finally {
    console.warn = warn;
  }
  return printed;
}

redisTest(
  "a settings hash of garbage: each setting falls back to its default, with a warning",
  async () => {
    await using c = await Cluster.start({
      workers: 0,
      executor: { maxPayloadBytes: 1000, maxCrashes: 3, lockDuration: 7000 },
    });
    await using queue = c.openQueue();
    const client = raw(await queue.client);
    const key = settingsKey("bull", c.queue);
    for (
      const [settings, wanted] of [
        [
          {
            lockDuration: "1e300",
            stalledInterval: "-5",
            maxCrashes: "abc",
            maxPayloadBytes: "1e400",
          },
          [5000, 2500, 1, 64 * MIB],
        ],
        [
          {
            lockDuration: " 7000",
            stalledInterval: "0x10",
            maxCrashes: "1.5",
            maxPayloadBytes: "x".repeat(10 * MIB),
          },
          [5000, 2500, 1, 64 * MIB],
        ],
        [
          {
            lockDuration: String(2 ** 31),
            stalledInterval: "0",
            maxCrashes: "",
            maxPayloadBytes: "9007199254740993",
          },
          [5000, 2500, 1, 64 * MIB],
        ],
      ] as const
    ) {
      await client.call("HSET", key, ...Object.entries(settings).flat());
      const printed = await warnings(() => c.addWorker());
      const worker = c.workers.at(-1)!;
      assert.deepEqual(
        [
          worker.lockDuration,
          worker.stalledInterval,
          worker.maxCrashes,
          worker.maxPayloadBytes,
        ],
        wanted,
      );
      assert.equal(printed.length, 4, printed.join("\n"));
      for (const [name, value] of Object.entries(settings)) {
        const line = printed.find((l) => l.includes(` ${name} `));
        assert.ok(line, `no warning for ${name}: ${printed.join("\n")}`);
        assert.match(line, /using the default/);
        if (value.length > 100) {
          assert.match(line, /10485760 bytes/);
          assert.ok(line.length < 300);
        } else assert.ok(line.includes(JSON.stringify(value)), line);
      }
      assert.equal(await c.ex.submit(tasks.add, 1, 2).result(10_000), 3);
    }
    // A key of another type than a hash: all defaults, one warning.
    await client.call("DEL", key);
    await client.call("SET", key, "not a hash");
    const printed = await warnings(() => c.addWorker());
    assert.equal(c.workers.at(-1)!.maxPayloadBytes, 64 * MIB);
    assert.equal(printed.length, 1, printed.join("\n"));
    assert.match(printed[0], /is a string, not a hash: using the defaults/);
    // Good settings are taken without a word.
    await client.call("DEL", key);
    await client.call(
      "HSET",
      key,
      "lockDuration",
      "7000",
      "maxPayloadBytes",
      "1000",
    );
    assert.deepEqual(await warnings(() => c.addWorker()), []);
    assert.equal(c.workers.at(-1)!.lockDuration, 7000);
    assert.equal(c.workers.at(-1)!.maxPayloadBytes, 1000);
  },
);

redisTest(
  "a stop request for an id longer than any job id's is not kept",
  async () => {
    await using c = await Cluster.start();
    await using queue = c.openQueue();
    const client = raw(await queue.client);
    const [long, short] = ["l".repeat(1025), "s".repeat(1024)];
    // Requests for jobs not started yet are kept, so that their start is
    // stopped: a long one could hold the worker's memory.
    for (const id of [long, short]) {
      await client.call("PUBLISH", cancelChannel("bull", c.queue), id);
    }
    await sleep(100);
    for (const id of [long, short]) {
      await queue.add("add", {
        v: PROTOCOL,
        fn: { url: FIXTURE_TASKS.href, name: "add" },
        args: { j: [1, 2] },
      }, { jobId: id });
    }
    assert.equal(await c.ex.attach(long).result(10_000), 3);
    assert.match(
      String(await c.ex.attach(short).exception(10_000)),
      /stopped by its executor/,
    );
  },
);
