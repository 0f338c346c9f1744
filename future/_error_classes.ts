// Copyright 2026 the @concurrent/futures authors. MIT license.
// The error classes a caller's side can rebuild by name, when an error
// comes back from a worker, a child process or another machine: this
// package's own, and those the program registers.
import {
  BrokenExecutorError,
  CancelledError,
  InvalidStateError,
  TimeoutError,
  WorkerCrashedError,
} from "./errors.ts";

/** A class of errors, whatever its constructor's parameters. */
// deno-lint-ignore no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => Error;

const classes = new Map<string, ErrorClass>();
for (
  const Class of [
    TimeoutError,
    CancelledError,
    InvalidStateError,
    BrokenExecutorError,
    WorkerCrashedError,
  ]
) {
  classes.set(Class.name, Class);
}

/** Makes `Class` the one rebuilt for errors whose class is named `name`. */
export function setErrorClass(name: string, Class: ErrorClass): void {
  classes.set(name, Class);
}

/** The class registered under `name`, if any. */
export function errorClassNamed(name: string): ErrorClass | undefined {
  return classes.get(name);
}
