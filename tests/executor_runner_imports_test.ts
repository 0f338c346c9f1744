// Copyright 2026 the @concurrent/futures authors. MIT license.
// The worker side (executor/_runner/) loads in every Worker and child
// process: its module graph, walked by `deno info --json` from the two
// entry points, holds only what a worker must run (the protocol,
// marshalling, the stop flag and reason, errors, the task context), never
// the pool, the executors, futures or the loop. A new import there fails
// this test, to be weighed and added on purpose.
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

/** The modules `entry` loads, as paths from the repository's root. */
async function moduleGraph(entry: string): Promise<string[]> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  assert.equal(code, 0, text.decode(stderr));
  const graph = JSON.parse(text.decode(stdout)) as {
    modules: { specifier: string }[];
  };
  return graph.modules
    .map(({ specifier }) =>
      specifier.startsWith(ROOT.href)
        ? specifier.slice(ROOT.href.length)
        : specifier
    )
    .sort();
}

/** What both entries share: the runner and what it needs. */
const RUNNER = [
  "executor/_fifo.ts", // the runner's inbox
  "executor/_lost_values.ts", // a result that would arrive changed fails
  "executor/_marshal.ts", // errors as data
  "executor/_protocol.ts", // the messages and the slots' states
  "executor/_runner/functions.ts", // reviving and importing task functions
  "executor/_runner/results.ts", // the outbox
  "executor/_runner/runner.ts",
  "executor/_snapshot.ts", // copying results that wait
  "executor/_stop.ts", // the stop area and reasons
  "executor/_task_context.ts", // the `this` of a task
  "executor/_transport.ts", // WorkerEndpoint (a type)
  "executor/task_context.ts", // TaskContext (a type)
  "future/_error_classes.ts",
  "future/errors.ts", // CancelledError, TimeoutError, the registry
];

Deno.test("a Worker loads the runner, the protocol, marshalling, stops and errors, nothing of the pool", async () => {
  assert.deepEqual(
    await moduleGraph("executor/_runner/worker.ts"),
    [...RUNNER, "executor/_runner/worker.ts"].sort(),
  );
});

Deno.test("a child process loads the same, with its channel", async () => {
  assert.deepEqual(
    await moduleGraph("executor/_runner/process_child.ts"),
    [
      ...RUNNER,
      "executor/_process_wire.ts", // frames, V8 serialization
      "executor/_runner/process_child.ts",
      "executor/_runner/process_endpoint.ts", // fd 3, the watchdog
      "node:fs",
      "node:v8",
    ].sort(),
  );
});
