// Copyright 2026 the @concurrent/futures authors. MIT license.
// The members of the Executor interface, and a check that a class has each
// of them, of the same kind, on its prototype: shared by the core's tests
// and bullmq's.
import assert from "node:assert/strict";
import type { Executor } from "../../executor/executor.ts";

/** Each member of `Executor`, as a method or a getter. */
export const EXECUTOR_MEMBERS: Record<keyof Executor, "method" | "getter"> = {
  submit: "method",
  run: "method",
  map: "method",
  shutdown: "method",
  stats: "getter",
  [Symbol.asyncDispose]: "method",
};

/** The kind of each public member of a class, found on its prototype. */
export function membersOf(
  Class: { prototype: object },
): Map<string | symbol, "method" | "getter"> {
  const members = new Map<string | symbol, "method" | "getter">();
  for (const key of Reflect.ownKeys(Class.prototype)) {
    if (key === "constructor") continue;
    const descriptor = Object.getOwnPropertyDescriptor(Class.prototype, key)!;
    if (descriptor.get !== undefined) members.set(key, "getter");
    else if (typeof descriptor.value === "function") members.set(key, "method");
  }
  return members;
}

/** Asserts that `Class` has every member of `Executor`, of its kind. */
export function assertExecutorMembers(
  Class: { name: string; prototype: object },
): void {
  const members = membersOf(Class);
  for (const key of Reflect.ownKeys(EXECUTOR_MEMBERS)) {
    assert.equal(
      members.get(key),
      EXECUTOR_MEMBERS[key as keyof Executor],
      `${Class.name}.${String(key)}`,
    );
  }
}
