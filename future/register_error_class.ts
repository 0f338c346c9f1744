// Copyright 2026 the @concurrent/futures authors. MIT license.
import { setErrorClass } from "./_error_classes.ts";

/** Options for {@linkcode registerErrorClass}. */
export interface RegisterErrorClassOptions {
  /**
   * The name the class is known by where the error is thrown: the name of
   * its constructor there. @default {Class.name}
   */
  name?: string;
}

/**
 * Makes errors of `Class` thrown by tasks on other threads, processes or
 * machines come back as instances of `Class`, so that `instanceof` holds:
 * Python's `except ValidationError:` after a process pool re-raised it.
 *
 * Every executor sends an error back as data: its class's name, `name`,
 * `message`, the stack where it was thrown, `cause` and
 * `AggregateError.errors` (recursively, cycles kept), and its own
 * enumerable data fields (`code`, `status`, `field`, ...) as structured
 * clone copies them. The caller's side rebuilds it:
 *
 * - built-in classes (`TypeError`, `RangeError`, `AggregateError`,
 *   `DOMException`, `Deno.errors.*`, ...) and this package's own error
 *   classes (`TimeoutError`, `CancelledError`, `WorkerCrashedError`, ...)
 *   as themselves;
 * - a class registered here under its constructor's name as that class.
 *   Its constructor is not called (its parameters are unknown); the error
 *   gets the prototype of `Class` and the fields it carried. A field that
 *   the class's prototype defines (a method, a getter, `constructor`,
 *   `__proto__`) is never overwritten by one that arrives;
 * - any other error as an `Error` with the same `name` and fields.
 *
 * Register on the side that receives the errors (the caller), at start-up;
 * a later registration under the same name replaces the earlier one.
 *
 * @param Class A class extending `Error`.
 * @param options `name`, if the class is known by another name where it is thrown.
 * @returns `Class` itself.
 * @throws {TypeError} If `Class` is not a class of errors, or has no name.
 *
 * @example `instanceof` across a worker pool
 * ```ts
 * import { registerErrorClass, WorkerPoolExecutor } from "@concurrent/futures";
 * import assert from "node:assert/strict";
 *
 * class ValidationError extends Error {
 *   override name = "ValidationError";
 *   constructor(message: string, public field: string) {
 *     super(message);
 *   }
 * }
 * registerErrorClass(ValidationError);
 *
 * await using ex = new WorkerPoolExecutor({ maxWorkers: 1 });
 * const error = await ex.submit((age: number) => {
 *   // The task's own copy of the class, under the same name.
 *   class ValidationError extends Error {
 *     override name = "ValidationError";
 *     constructor(message: string, public field: string) {
 *       super(message);
 *     }
 *   }
 *   if (age < 0) throw new ValidationError("must not be negative", "age");
 *   return age;
 * }, -1).exception();
 * assert.ok(error instanceof ValidationError);
 * assert.equal(error.field, "age");
 * assert.equal(error.message, "must not be negative");
 * ```
 */
export function registerErrorClass<
  // deno-lint-ignore no-explicit-any
  C extends abstract new (...args: any[]) => Error,
>(
  Class: C,
  options?: RegisterErrorClassOptions,
): C {
  if (
    typeof Class !== "function" ||
    !(Class.prototype instanceof Error || Class === (Error as unknown))
  ) {
    throw new TypeError(
      `registerErrorClass() takes a class extending Error, got ${
        typeof Class === "function" ? `function ${Class.name}` : typeof Class
      }`,
    );
  }
  const name = options?.name ?? Class.name;
  if (typeof name !== "string" || name === "") {
    throw new TypeError(
      "registerErrorClass() needs a named class, or options.name",
    );
  }
  setErrorClass(name, Class);
  return Class;
}
