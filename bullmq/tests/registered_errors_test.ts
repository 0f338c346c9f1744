// Copyright 2026 the @concurrent/futures authors. MIT license.
// A task's error travels through Redis as a worker stores it and the
// executor reads it back (no Redis needed to follow that path): the class
// given to registerErrorClass comes back, fields and cause included, and a
// hostile writer cannot reach a prototype.
import assert from "node:assert/strict";
import { registerErrorClass, TimeoutError } from "@concurrent/futures";
import {
  cloneableError,
  marshalError,
  unmarshalError,
} from "@concurrent/futures/_internal";
import { decode, encode } from "../_codec.ts";
import { reviveError } from "../_errors.ts";

/** What a worker stores in the job's hash, and the executor reads back. */
function throughRedis(error: unknown): unknown {
  const stored = JSON.stringify(encode(cloneableError(marshalError(error))));
  return reviveError(decode(JSON.parse(stored)) as never);
}

class PaymentError extends Error {
  code = "E_PAYMENT";
  constructor(message: string, public amount: number) {
    super(message);
    this.name = "PaymentError";
  }
}

Deno.test("BullMQExecutor: a registered error class comes back with its fields and cause", () => {
  registerErrorClass(PaymentError);
  const back = throughRedis(
    new Error("checkout failed", {
      cause: new PaymentError("declined", 42),
    }),
  ) as Error;
  assert.equal(back.message, "checkout failed");
  const cause = back.cause;
  assert.ok(cause instanceof PaymentError);
  assert.equal(cause.amount, 42);
  assert.equal(cause.code, "E_PAYMENT");
  assert.equal(cause.message, "declined");
  // Unregistered: an Error with the name and the fields.
  class RateError extends Error {
    constructor(public retryAfter: number) {
      super("slow down");
      this.name = "RateError";
    }
  }
  const rate = throughRedis(new RateError(30)) as Error & {
    retryAfter: number;
  };
  assert.equal(Object.getPrototypeOf(rate), Error.prototype);
  assert.equal(rate.name, "RateError");
  assert.equal(rate.retryAfter, 30);
  assert.ok(throughRedis(new TimeoutError("late")) instanceof TimeoutError);
});

Deno.test("BullMQExecutor: a class name survives the hop through a worker's local pool", () => {
  class LateError extends Error {
    constructor(public attempt: number) {
      super("late");
      this.name = "LateError";
    }
  }
  // On the worker's machine, which does not know the class, its local pool
  // rebuilds the task's error as an Error...
  const onWorker = unmarshalError(
    structuredClone(marshalError(new LateError(3))),
  );
  assert.equal(Object.getPrototypeOf(onWorker), Error.prototype);
  // ...and what it stores in Redis still names the class for the caller,
  // which registered it.
  registerErrorClass(LateError);
  const back = throughRedis(onWorker) as LateError;
  assert.ok(back instanceof LateError);
  assert.equal(back.attempt, 3);
});
