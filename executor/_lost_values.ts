// Copyright 2026 the @concurrent/futures authors. MIT license.
// Values that structured clone would not refuse but would change on the
// way: an instance whose state lives in private fields or in the runtime
// (a URL, a Deno.FsFile, a Headers) arrives as `{}`, and a child process's
// V8 serializer writes Blob, File and CryptoKey as `{}` too. Such a value
// fails its task with a DataCloneError instead of arriving different.

/** Classes structured clone copies with their state, wherever it goes. */
const CARRIED: (abstract new (...args: never[]) => unknown)[] = [
  Date,
  RegExp,
  ArrayBuffer,
  Error,
  Boolean,
  Number,
  String,
  BigInt as unknown as abstract new () => unknown,
];
if (typeof SharedArrayBuffer === "function") CARRIED.push(SharedArrayBuffer);

/** Classes a Worker carries and a child process's V8 serializer empties. */
const HOST_OBJECTS: (abstract new (...args: never[]) => unknown)[] = [];
for (const name of ["Blob", "CryptoKey"]) {
  const Class = (globalThis as Record<string, unknown>)[name];
  if (typeof Class === "function") {
    HOST_OBJECTS.push(Class as abstract new () => unknown);
  }
}

/**
 * Whether the messages of the worker this code runs in carry Blob, File
 * and CryptoKey: a Worker's do, a child process's do not.
 */
export const CARRIES_HOST_OBJECTS: boolean = "WorkerGlobalScope" in globalThis;

/** What to say about a class whose instances cannot travel. */
const ADVICE: Record<string, string> = {
  URL: "send its href",
  URLSearchParams: "send its toString()",
  Blob: "send its bytes (await blob.bytes())",
  File: "send its bytes (await file.bytes()) and name",
  CryptoKey: "export it (crypto.subtle.exportKey) and import it in the task",
  "Deno.FsFile": "send its path and open it in the task",
};

/**
 * The class of an object as a reader knows it: `Deno.FsFile` rather than
 * `FsFile`, the constructor's name, or what `toString` tells.
 */
function className(value: object): string {
  let ctor: unknown;
  try {
    ctor = Object.getPrototypeOf(value)?.constructor;
  } catch {
    ctor = undefined;
  }
  const name = typeof ctor === "function" ? ctor.name : "";
  if (name === "") return Object.prototype.toString.call(value).slice(8, -1);
  const deno = (globalThis as { Deno?: Record<string, unknown> }).Deno;
  if (deno !== undefined && Object.hasOwn(deno, name) && deno[name] === ctor) {
    return `Deno.${name}`;
  }
  return name;
}

/** The error for `value`, found in `where` ("argument", "result"). */
function lostError(value: object, where: string): DOMException {
  const name = className(value);
  const advice = ADVICE[name] ??
    "send plain data, or give it fields of its own";
  const what = where === "result"
    ? "The task's result holds a"
    : where === "argument"
    ? "An argument of the task holds a"
    : `A ${where} of the task holds a`;
  return new DOMException(
    `${what} ${name}, which structured clone cannot carry between the ` +
      `caller and a worker: it would arrive as an empty object. Instead, ` +
      `${advice}`,
    "DataCloneError",
  );
}

/**
 * Finds, in a value about to be sent to or from a worker, the first object
 * that would arrive as something else, and returns the `DataCloneError`
 * that names its class (or the error a getter threw while it was read);
 * `undefined` when everything travels as it is.
 *
 * A class instance with fields of its own arrives as a plain object with
 * those fields (structured clone's rule) and passes; one without any
 * arrives as `{}` and fails, unless structured clone carries its class
 * (`Date`, `Map`, typed arrays, errors, ...). Every object is looked at
 * once (cycles end), with no recursion, so the cost is bounded by the size
 * of the value, which structured clone pays anyway, and a typed array or a
 * primitive costs nothing.
 *
 * @param value What is sent.
 * @param where What it is, for the message: "argument" or "result".
 * @param carriesHostObjects Whether the transport carries `Blob`, `File`
 * and `CryptoKey` (a Worker does, a child process does not).
 * @param moved Objects listed to be transferred, which are not copied.
 */
export function findLostValue(
  value: unknown,
  where: string,
  carriesHostObjects: boolean,
  moved?: readonly unknown[],
): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  try {
    return walk(value, where, carriesHostObjects, moved);
  } catch (error) {
    // A getter that throws, a revoked proxy: structured clone would throw
    // the same; the task fails with it.
    return error ?? new DOMException(
      `An ${where} of the task cannot be read`,
      "DataCloneError",
    );
  }
}

/** Holes in an array this long are found by its keys, not its length. */
const SPARSE_CHECK = 1 << 20;

function walk(
  value: object,
  where: string,
  carriesHostObjects: boolean,
  moved: readonly unknown[] | undefined,
): DOMException | undefined {
  const seen = new Set<unknown>(moved);
  const stack: object[] = [value];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (seen.has(item)) continue;
    seen.add(item);
    if (Array.isArray(item)) {
      if (item.length > SPARSE_CHECK) {
        // `new Array(2 ** 32 - 1)` holds nothing: look at what it holds.
        for (const key of Object.keys(item)) {
          const child = item[key as unknown as number];
          if (typeof child === "object" && child !== null) stack.push(child);
        }
        continue;
      }
      for (let i = 0; i < item.length; i++) {
        const child = item[i];
        if (typeof child === "object" && child !== null) stack.push(child);
      }
      continue;
    }
    const proto = Object.getPrototypeOf(item);
    if (proto !== Object.prototype && proto !== null) {
      if (ArrayBuffer.isView(item)) continue;
      if (item instanceof Map) {
        for (const [k, v] of item) {
          if (typeof k === "object" && k !== null) stack.push(k);
          if (typeof v === "object" && v !== null) stack.push(v);
        }
        continue;
      }
      if (item instanceof Set) {
        for (const v of item) {
          if (typeof v === "object" && v !== null) stack.push(v);
        }
        continue;
      }
      if (CARRIED.some((Class) => item instanceof Class)) continue;
      if (HOST_OBJECTS.some((Class) => item instanceof Class)) {
        if (carriesHostObjects) continue;
        return lostError(item, where);
      }
      // Structured clone keeps only own enumerable fields of an instance.
      const keys = Object.keys(item);
      if (keys.length === 0) return lostError(item, where);
      for (const key of keys) {
        const child = (item as Record<string, unknown>)[key];
        if (typeof child === "object" && child !== null) stack.push(child);
      }
      continue;
    }
    for (const key in item) {
      const child = (item as Record<string, unknown>)[key];
      if (typeof child === "object" && child !== null) stack.push(child);
    }
  }
  return undefined;
}
