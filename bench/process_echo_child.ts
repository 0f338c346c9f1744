// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * A child entry for `process_transport_figures.ts`: it answers each `run`
 * message as the task runner would, with one `done` message holding every
 * task's first argument as its result, and runs no code, so the figures
 * measure the transport alone.
 *
 * @module
 */
import { connectToPool } from "../executor/_runner/process_endpoint.ts";

const endpoint = connectToPool();
endpoint.listen((message) => {
  if (message.t !== "run") return;
  const m = message as unknown as { tasks: { id: number; args: unknown[] }[] };
  endpoint.post({
    t: "done",
    results: m.tasks.map((task) => ({
      id: task.id,
      ok: true,
      value: task.args[0],
    })),
    busy: 0,
  } as never);
});
endpoint.post({ t: "ready" });
