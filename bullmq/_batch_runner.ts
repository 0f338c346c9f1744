// Copyright 2026 the @concurrent/futures authors. MIT license.
// Runs on a worker of the worker program's local pool: several calls of one
// short module task in one message, each with its own outcome, so that one
// failure (or a result that cannot be cloned) touches only its own job.
import {
  cloneableError,
  marshalError,
  type MarshalledError,
} from "@concurrent/futures/_internal";
import { encode, type Encoded } from "./_codec.ts";

/** What became of one call: its encoded value or its error, and its time. */
export type Outcome =
  | { ok: true; value: Encoded; ms: number }
  | { ok: false; error: MarshalledError; ms: number };

/**
 * Calls export `name` of module `url` once per argument list, in order, and
 * reports each outcome with the milliseconds it took. A result is encoded
 * here, where it was made, so that one over `maxBytes` fails its own call
 * and never crosses to the worker program.
 */
export async function runBatch(
  this: unknown,
  url: string,
  name: string,
  calls: unknown[][],
  maxBytes: number,
): Promise<Outcome[]> {
  const module = await import(url);
  const fn = module[name];
  const out: Outcome[] = [];
  for (const args of calls) {
    const start = performance.now();
    try {
      if (typeof fn !== "function") {
        throw new TypeError(`Module ${url} has no exported function "${name}"`);
      }
      const value = encode(
        await fn.apply(this, args),
        maxBytes,
        "The task's result",
      );
      out.push({ ok: true, value, ms: performance.now() - start });
    } catch (error) {
      out.push({
        ok: false,
        error: cloneableError(marshalError(error)),
        ms: performance.now() - start,
      });
    }
  }
  return out;
}
