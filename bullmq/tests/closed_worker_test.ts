// Copyright 2026 the @concurrent/futures authors. MIT license.
// A worker runs only what it was started to run (--tasks), as an attacker
// who can write jobs to Redis would try it, and never prints a credential.
import assert from "node:assert/strict";
import { BrokenExecutorError } from "@concurrent/futures";
import { BullMQExecutor } from "../mod.ts";
import { PROTOCOL } from "../_protocol.ts";
import { Cluster, redisTest, tasks } from "./_cluster.ts";
import { RedisServer } from "./_redis.ts";
import {
  FIXTURE_TASKS,
  runWorker,
  text,
  workerFlags,
  WorkerProcess,
} from "./_worker_process.ts";

const EVIL = new URL("./fixtures/evil.ts", import.meta.url);

/** Every way a job could name a module the worker was not given. */
function refusedModules(markers: string, httpUrl: string): string[] {
  const write = `Deno.writeTextFileSync(${
    JSON.stringify(`${markers}/ran-data`)
  }, "")`;
  const data = `data:text/javascript,${write}; export const run = () => 1;`;
  const served = FIXTURE_TASKS.href;
  return [
    EVIL.href, // another file
    EVIL.pathname, // a path, not a URL
    "node:fs",
    "node:child_process",
    "NODE:fs",
    data,
    ` ${data}`, // leading space
    `\t${data}`,
    `\n${data}`,
    `\u0001${data}`, // control character
    `\u0000${data}`,
    `${data} `,
    `da\tta:text/javascript,${write}; export const run = () => 1;`,
    `da\nta:text/javascript,${write}; export const run = () => 1;`,
    `DATA:text/javascript,${write}; export const run = () => 1;`,
    "blob:null/5b4a1f0e-0000-4000-8000-000000000000",
    ` blob:null/5b4a1f0e-0000-4000-8000-000000000000`,
    httpUrl,
    ` ${httpUrl}`,
    `h\tttp${httpUrl.slice(4)}`,
    `${served}?x=1`, // a prefix of it is the served module
    `${served}#x`,
    `${served}x`,
    `${served.slice(0, -"tasks.ts".length)}evil.ts`,
    "./fixtures/evil.ts",
    "",
  ];
}

redisTest(
  "a worker refuses every module it was not given, however it is spelled, and imports nothing for it",
  async () => {
    const markers = await Deno.makeTempDir({ prefix: "bullmq-markers-" });
    Deno.env.set("BULLMQ_TEST_MARKERS", markers);
    let requests = 0;
    await using server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => {
        requests++;
        return new Response(
          `Deno.writeTextFileSync(${
            JSON.stringify(`${markers}/ran-http`)
          }, ""); export const run = () => 1;`,
          { headers: { "content-type": "application/javascript" } },
        );
      },
    );
    const httpUrl = `http://127.0.0.1:${server.addr.port}/evil.js`;
    try {
      for (const pool of ["worker", "async"] as const) {
        await using c = await Cluster.start({ pool });
        // What an attacker with write access to Redis adds: raw jobs.
        await using queue = c.openQueue();
        const modules = refusedModules(markers, httpUrl);
        const names = [
          "run",
          "writeFileSync",
          "execSync",
        ];
        const futures = [];
        for (const [i, url] of modules.entries()) {
          for (const name of names) {
            const id = `attack-${i}-${name}`;
            const args = name === "execSync"
              ? [`touch ${markers}/ran-shell`]
              : [`${markers}/ran-fs`, "x"];
            await queue.add(name, {
              v: PROTOCOL,
              fn: { url, name },
              args: { j: args },
            }, { jobId: id });
            futures.push([url, c.ex.attach(id)] as const);
          }
        }
        for (const [url, future] of futures) {
          const error = await future.exception(10_000) as Error;
          assert.ok(error instanceof TypeError, `${url}: ${error}`);
          assert.ok(
            error.message.includes(
              `does not serve the module ${JSON.stringify(url)}`,
            ),
            `${JSON.stringify(url)}: ${error.message}`,
          );
          assert.match(error.message, /--tasks/);
        }
        // The served module runs, however it is spelled: it resolves to
        // the same URL, and that URL is what is imported.
        const served = FIXTURE_TASKS.href;
        for (
          const [i, url] of [
            ` ${served.slice(0, 9)}\t${served.slice(9)}`,
            served.replace("file://", "file://localhost"),
            served.replace("/tests/", "/tests/../tests/"),
          ].entries()
        ) {
          await queue.add("add", {
            v: PROTOCOL,
            fn: { url, name: "add" },
            args: { j: [2, i] },
          }, { jobId: `served-${i}` });
          assert.equal(
            await c.ex.attach(`served-${i}`).result(10_000),
            2 + i,
          );
        }
        assert.equal(await c.ex.submit(tasks.add, 1, 2).result(), 3);
      }
      assert.deepEqual(await Array.fromAsync(Deno.readDir(markers)), []);
      assert.equal(requests, 0);
    } finally {
      Deno.env.delete("BULLMQ_TEST_MARKERS");
      await Deno.remove(markers, { recursive: true });
    }
  },
);

redisTest(
  "a worker needs --tasks (or --allow-source), and stops with 2 when one does not load",
  async () => {
    await using redis = await RedisServer.start();
    const base = ["--queue", "q", "--redis", redis.url];
    const none = await runWorker(base);
    assert.equal(none.code, 2);
    assert.match(text(none.stderr), /--tasks <module> is required/);
    for (
      const [module, reason] of [
        [
          "./no/such/tasks.ts",
          /no\/such\/tasks\.ts.*(not found|No such file)/is,
        ],
        [
          new URL("./fixtures/broken.ts", import.meta.url).href,
          /broken\.ts: .*broken on purpose/,
        ],
      ] as const
    ) {
      const { code, stderr } = await runWorker([
        ...base,
        "--tasks",
        FIXTURE_TASKS.href,
        "--tasks",
        module,
      ]);
      assert.equal(code, 2, text(stderr));
      assert.match(text(stderr), /Cannot load the --tasks module/);
      assert.match(text(stderr), reason);
    }
  },
);

redisTest(
  "--pool async runs jobs on the worker's own thread; the default pool on Workers",
  async () => {
    for (
      const [pool, onWorker] of [["async", false], ["worker", true]] as const
    ) {
      await using c = await Cluster.start({ pool });
      assert.equal(await c.ex.submit(tasks.onWorkerThread).result(), onWorker);
      assert.deepEqual(
        await Array.fromAsync(
          c.ex.map(tasks.square, [1, 2, 3], { chunksize: 2 }),
        ),
        [1, 4, 9],
      );
      const error = await c.ex.submit(tasks.failWithCause, "x").exception();
      assert.ok(error instanceof RangeError);
    }
  },
);

redisTest(
  "no credential of the Redis URL in any output of the worker or the executor",
  async () => {
    const password = "s3cr:t/pw";
    await using redis = await RedisServer.start("always", password);
    const encoded = encodeURIComponent(password);
    const secrets = [password, encoded, "s3cr", "ACLuser"];
    const url = `redis://:${encoded}@127.0.0.1:${redis.port}`;
    const check = (output: string) => {
      for (const secret of secrets) {
        assert.ok(!output.includes(secret), `${secret} in:\n${output}`);
      }
    };
    const queue = "secret";
    await using ex = new BullMQExecutor({ queue, connection: url });
    await ex.ready;
    const worker = await WorkerProcess.start(workerFlags(queue, url, 1));
    assert.match(
      worker.output,
      /serving queue secret on redis:\/\/127\.0\.0\.1:/,
    );
    assert.equal(await ex.submit(tasks.add, 1, 2).result(), 3);
    await worker.stop("SIGTERM");
    check(worker.output);
    // A wrong password, a user of its own, a URL that does not parse.
    for (
      const bad of [
        `redis://:wrong${encoded}@127.0.0.1:${redis.port}`,
        `redis://ACLuser:${encoded}@127.0.0.1:${redis.port}`,
        `redis://ACLuser:${encoded}@127.0.0.1:99999`,
        `redis://ACLuser:${password}@127.0.0.1:${redis.port}`,
        `redis//ACLuser:${encoded}@127.0.0.1`,
      ]
    ) {
      const { code, stdout, stderr } = await runWorker([
        ...workerFlags(queue, bad, 1),
        "--connect-timeout",
        "300",
      ]);
      assert.notEqual(code, 0);
      check(text(stdout) + text(stderr));
      let message = "";
      try {
        const other = new BullMQExecutor({
          queue,
          connection: bad,
          connectTimeout: 300,
        });
        message = String(await other.ready.catch((e) => e));
        await other.shutdown();
      } catch (error) {
        message = String(error);
      }
      assert.ok(message.length > 0);
      check(message);
    }
    assert.ok(BrokenExecutorError);
  },
);

redisTest(
  "--pool async hides the worker's own globals from a plain function and explains a closure, as the pools do",
  async () => {
    for (const pool of ["async", "worker"] as const) {
      await using c = await Cluster.start({ pool, allowSource: true });
      // On the worker's own thread, close() would end the worker program.
      const hidden = await c.ex.submit(() => close()).exception();
      assert.ok(hidden instanceof ReferenceError, `${pool}: ${hidden}`);
      assert.match(hidden.message, /^close is not defined in the task/);
      const factor = 3;
      const closure = await c.ex.submit((n: number) => n * factor, 2)
        .exception();
      assert.ok(closure instanceof ReferenceError, `${pool}: ${closure}`);
      assert.match(
        closure.message,
        /^factor is not defined in the task \(line 1 of its source\).*pass factor as an argument, or use moduleTask/,
      );
      assert.equal(await c.ex.submit((n: number) => n * 3, 2).result(), 6);
    }
  },
);
