// Copyright 2026 the @concurrent/futures authors. MIT license.
import assert from "node:assert/strict";
import {
  BrokenExecutorError,
  CancelledError,
  InvalidStateError,
  TimeoutError,
  WorkerCrashedError,
} from "../future/mod.ts";

const classes = [
  [TimeoutError, "The operation timed out"],
  [CancelledError, "The operation was cancelled"],
  [InvalidStateError, "Invalid state"],
  [BrokenExecutorError, "The executor can no longer run work"],
  [WorkerCrashedError, "The worker running the task died"],
] as const;

for (const [ErrorClass, defaultMessage] of classes) {
  Deno.test(`${ErrorClass.name}: name, message, cause`, () => {
    const plain = new ErrorClass();
    assert.ok(plain instanceof Error);
    assert.equal(plain.name, ErrorClass.name);
    assert.equal(plain.message, defaultMessage);
    assert.equal(plain.cause, undefined);

    const cause = new Error("root");
    const withCause = new ErrorClass("custom", { cause });
    assert.equal(withCause.message, "custom");
    assert.equal(withCause.cause, cause);
    assert.match(String(withCause), new RegExp(`^${ErrorClass.name}: custom`));
    assert.ok(withCause.stack?.includes("custom"));
  });
}

Deno.test("WorkerCrashedError is a BrokenExecutorError", () => {
  const e = new WorkerCrashedError("died");
  assert.ok(e instanceof BrokenExecutorError);
  assert.ok(!(new BrokenExecutorError() instanceof WorkerCrashedError));
});

Deno.test("the error classes are distinct", () => {
  assert.ok(!(new TimeoutError() instanceof CancelledError));
  assert.ok(!(new CancelledError() instanceof TimeoutError));
  assert.ok(!(new InvalidStateError() instanceof BrokenExecutorError));
});
