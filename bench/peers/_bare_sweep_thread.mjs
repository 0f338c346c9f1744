// Copyright 2026 the @concurrent/futures authors. MIT license.
// Plain JavaScript shared with Node.js, typed by JSDoc: no TypeScript
// annotations are possible here.
// The speed-up sweep with no pool, on Node: a bare worker thread that gets
// its whole share of the job's parts in one message and answers once, so
// that no pool could send fewer messages.
import { parentPort } from "node:worker_threads";
import { collatzStepsInParts } from "./_cpu_job.mjs";

parentPort?.on(
  "message",
  /** @param {{ limit: number, parts: number, mine: number[] }} share */
  ({ limit, parts, mine }) => {
    parentPort?.postMessage(collatzStepsInParts(limit, parts, mine));
  },
);
