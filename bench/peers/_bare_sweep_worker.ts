// Copyright 2026 the @concurrent/futures authors. MIT license.
// The speed-up sweep with no pool: a bare Deno Worker that gets its whole
// share of the job's parts in one message and answers once, so that no pool
// could send fewer messages. What the runtime itself gets out of 2 threads
// (a static split: it cannot even out parts that happen to run slower).
import { collatzStepsInParts } from "./_cpu_job.mjs";

interface Share {
  limit: number;
  parts: number;
  mine: number[];
}

interface Port {
  onmessage: ((event: MessageEvent<Share>) => void) | null;
  postMessage(message: unknown): void;
}

const port = self as unknown as Port;
port.onmessage = ({ data: { limit, parts, mine } }) => {
  port.postMessage(collatzStepsInParts(limit, parts, mine));
};
