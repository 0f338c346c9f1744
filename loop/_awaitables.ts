// Copyright 2026 the @concurrent/futures authors. MIT license.
// What the module functions accept: checks, descriptions for error
// messages, and the one conversion of an awaitable to a future of a loop.

import { Future } from "../future/future.ts";
import { isPromiseLike } from "../future/_is_promise_like.ts";
import { awaitPromise } from "./await_promise.ts";
import type { EventLoop } from "./event_loop.ts";
import { LazyFuture } from "./_lazy_future.ts";
import { Task } from "./task.ts";
import type { Awaitable, Coroutine } from "./types.ts";

/**
 * Gives `aw` itself if it is a future of `loop` (tasks included; a gather
 * or shield not yet bound is bound to `loop`), else a task of `loop` that
 * waits on it: a coroutine is run, a foreign future or a promise is awaited
 * as outside work.
 */
export function futureOn<T>(aw: Awaitable<T>, loop: EventLoop): Future<T> {
  if (aw instanceof Future) {
    if (aw instanceof LazyFuture) aw._bind(loop);
    if (loop._isOwn(aw)) return aw;
    return new Task(aw[Symbol.iterator](), { loop });
  }
  if (isCoroutine(aw)) return new Task(aw as Coroutine<T>, { loop });
  if (isPromiseLike(aw)) return new Task(awaitPromise(aw), { loop });
  throw new TypeError(
    `Expected a coroutine, a future or a promise, got ${describe(aw)}`,
  );
}

/** Whether `value` is a generator object (or looks like one). */
export function isCoroutine(value: unknown): value is Coroutine<unknown> {
  return typeof value === "object" && value !== null &&
    typeof (value as Coroutine<unknown>).next === "function" &&
    typeof (value as Coroutine<unknown>).throw === "function";
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    return name ? `an object of class ${name}` : "an object";
  }
  if (typeof value === "function") return "a function";
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** A coroutine that waits on `aw` in the calling task. */
export function toCoroutine<T>(aw: Awaitable<T>): Coroutine<T> {
  if (aw instanceof Future) return aw[Symbol.iterator]();
  if (isCoroutine(aw)) return aw as Coroutine<T>;
  if (isPromiseLike(aw)) return awaitPromise(aw);
  throw new TypeError(
    `Expected a coroutine, a future or a promise, got ${describe(aw)}`,
  );
}

/** Throws a TypeError unless `aw` is a coroutine, a future or a promise. */
export function checkAwaitable(aw: unknown, what: string): void {
  if (aw instanceof Future || isCoroutine(aw) || isPromiseLike(aw)) return;
  throw new TypeError(
    `${what} needs coroutines, futures or promises, got ${describe(aw)}`,
  );
}

/**
 * Copies an iterable of awaitables to an array, checking each; a single
 * awaitable given in place of the iterable is a TypeError.
 */
export function listAwaitables<T>(
  aws: Iterable<Awaitable<T>>,
  what: string,
): Awaitable<T>[] {
  if (
    aws instanceof Future || isCoroutine(aws) || aws === null ||
    typeof aws !== "object" || typeof aws[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(
      `${what} needs an iterable of awaitables, got ${describe(aws)}`,
    );
  }
  const list = [...aws];
  for (const aw of list) checkAwaitable(aw, what);
  return list;
}
