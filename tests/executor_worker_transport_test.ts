// Copyright 2026 the @concurrent/futures authors. MIT license.
// Where the Worker transport finds the worker entry: `_runner/worker` from
// its own place in `_pool/`, with its own extension (sources, JSR's npm
// build), or `_worker.js` beside a bundle that holds its code.
import assert from "node:assert/strict";
import { defaultWorkerUrl } from "../executor/_pool/worker_transport.ts";

Deno.test("the worker entry is ../_runner/worker from _pool/worker_transport, with its extension", () => {
  const base = "https://jsr.io/@concurrent/futures/0.1.0/executor/";
  assert.equal(
    defaultWorkerUrl(new URL(`${base}_pool/worker_transport.ts`)).href,
    `${base}_runner/worker.ts`,
  );
  assert.equal(
    defaultWorkerUrl(new URL(`file:///npm/executor/_pool/worker_transport.js`))
      .href,
    "file:///npm/executor/_runner/worker.js",
  );
  // From these sources, the file exists.
  const here = defaultWorkerUrl();
  assert.ok(here.pathname.endsWith("/executor/_runner/worker.ts"));
  assert.ok(Deno.statSync(here).isFile);
});

Deno.test("a bundle finds the worker entry as _worker.js beside itself", () => {
  assert.equal(
    defaultWorkerUrl(new URL("https://example.com/app/dist/bundle.js")).href,
    "https://example.com/app/dist/_worker.js",
  );
  assert.equal(
    defaultWorkerUrl(new URL("file:///srv/portable.mjs")).href,
    "file:///srv/_worker.mjs",
  );
});
