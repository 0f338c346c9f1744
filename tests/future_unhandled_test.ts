// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import { Future } from "../future/mod.ts";

function failLoudly(): void {
  const failed = new Future<number>();
  failed.setException(new Error("nobody asks"));
  const late = new Future<number>();
  setTimeout(() => late.setException(new Error("nobody asks later")), 1);
  Future.from(Promise.reject(new Error("rejected promise")));
  const cancelled = new Future<number>();
  cancelled.cancel();
  // A timed-out wait that nobody awaits further is handled by its caller;
  // the future itself must not leave a rejection behind.
  const timed = new Future<number>();
  timed.result(1).catch(() => {});
}

Deno.test("a failed future nobody observes causes no unhandled rejection", async () => {
  const seen: unknown[] = [];
  const listener = (event: PromiseRejectionEvent) => {
    seen.push(event.reason);
    event.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", listener);
  try {
    failLoudly();
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    globalThis.removeEventListener("unhandledrejection", listener);
  }
  assert.deepEqual(seen, []);
});

Deno.test("the same program exits cleanly in a subprocess", async () => {
  const futureUrl = new URL("../future/mod.ts", import.meta.url).href;
  const script = `
    import { Future } from ${JSON.stringify(futureUrl)};
    const failed = new Future();
    failed.setException(new Error("nobody asks"));
    Future.from(Promise.reject(new Error("rejected promise")));
    const late = new Future();
    setTimeout(() => late.setException(new Error("later")), 1);
    setTimeout(() => console.log("clean exit"), 10);
  `;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(stderr);
  assert.equal(err, "");
  assert.equal(code, 0);
  assert.equal(new TextDecoder().decode(stdout), "clean exit\n");
});
