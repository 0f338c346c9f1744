// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import { EventLoop, sleep, timeout, waitFor } from "../loop/mod.ts";

Deno.test("durations that are not numbers are RangeErrors naming the call", () => {
  const cases: [string, () => unknown][] = [
    ["sleep() ms must be a number of milliseconds, got NaN", () => sleep(NaN)],
    [
      "waitFor() ms must be a number of milliseconds, got string",
      // @ts-expect-error: checking bad input at run time
      () => waitFor(sleep(1), "10"),
    ],
    [
      "timeout() ms must be a number of milliseconds, got undefined",
      // @ts-expect-error: checking bad input at run time
      () => timeout(undefined, sleep(1)),
    ],
  ];
  for (const [message, call] of cases) {
    assert.throws(
      call,
      (e) => e instanceof RangeError && e.message === message,
      message,
    );
  }
  const loop = new EventLoop();
  try {
    assert.throws(
      () => loop.callLater(NaN, () => {}),
      (e) =>
        e instanceof RangeError &&
        e.message === "ms must be a number of milliseconds, got NaN",
    );
    assert.throws(
      // @ts-expect-error: checking bad input at run time
      () => loop.callAt("soon", () => {}),
      /^RangeError: when must be a number of milliseconds, got string$/,
    );
  } finally {
    loop.close();
  }
});
