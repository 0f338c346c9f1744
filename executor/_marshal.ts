// Copyright 2026 the @concurrent/futures authors. MIT license.
// Errors cross the worker boundary as plain data and are rebuilt with the
// same class (built-in ones, this package's, and those registered with
// registerErrorClass), name, message, stack, cause, AggregateError.errors
// and own data fields. The data comes from another thread, process or
// machine: rebuilding it never runs a getter or a constructor of a user's
// class, never sets a prototype, and stops at a bounded depth.
import { errorClassNamed } from "../future/_error_classes.ts";

/** An error, or any thrown value, as it travels in a message. */
export type MarshalledError =
  | {
    error: true;
    /** The built-in class to rebuild (`"Error"` for any other). */
    ctor: string;
    /** The name of the error's own class, when it is not `ctor` itself. */
    class?: string;
    name: string;
    message: string;
    stack?: string;
    cause?: MarshalledError;
    hasCause?: boolean;
    errors?: MarshalledError[];
    /** Own enumerable fields other than the standard ones. */
    fields?: Record<string, unknown>;
    /**
     * The error met earlier in the same data, at this index in the order
     * errors are first met (a cause chain that loops); the other keys are
     * then empty.
     */
    ref?: number;
  }
  | { error: false; value: unknown };

type BuiltInClass = new (message?: string) => Error;

const BUILT_INS: Record<string, BuiltInClass> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** How deep causes and errors nest before the rest is cut off. */
const MAX_DEPTH = 32;

/** Keys every error has, carried by name rather than as fields. */
const STANDARD = new Set(["name", "message", "stack", "cause", "errors"]);

/**
 * The class names of errors rebuilt without their class (it was not
 * registered here), so that an error passed on again (a BullMQ worker
 * sends on what its local pool's worker threw) still names its class.
 */
const unrestored = new WeakMap<Error, string>();

/** The name under which an error's class can be rebuilt, or `"Error"`. */
function classOf(error: Error, ctor: unknown): string {
  if (error instanceof DOMException) return "DOMException";
  if (error instanceof AggregateError) return "AggregateError";
  for (const name in BUILT_INS) {
    if (ctor === BUILT_INS[name]) return name;
  }
  const denoErrors = (globalThis.Deno?.errors ?? {}) as Record<
    string,
    unknown
  >;
  const name = (ctor as { name?: unknown } | undefined)?.name;
  if (typeof name === "string" && Object.hasOwn(denoErrors, name)) {
    if (denoErrors[name] === ctor) return `Deno.errors.${name}`;
  }
  return "Error";
}

/**
 * Turns a thrown value into data a message can carry. An error met twice
 * (a cause that loops back) is sent once and referred to after.
 */
export function marshalError(thrown: unknown): MarshalledError {
  return marshal(thrown, new Map(), 0);
}

function marshal(
  thrown: unknown,
  seen: Map<Error, number>,
  depth: number,
): MarshalledError {
  if (!(thrown instanceof Error)) return { error: false, value: thrown };
  const ref = seen.get(thrown);
  if (ref !== undefined) {
    return { error: true, ctor: "Error", name: "", message: "", ref };
  }
  if (depth >= MAX_DEPTH) {
    return marshal(
      new Error(`(an error nested deeper than ${MAX_DEPTH} was cut off)`),
      seen,
      0,
    );
  }
  seen.set(thrown, seen.size);
  const ctor = Object.getPrototypeOf(thrown)?.constructor;
  const builtIn = classOf(thrown, ctor);
  const out: MarshalledError = {
    error: true,
    ctor: builtIn,
    name: String(thrown.name),
    message: String(thrown.message),
    stack: typeof thrown.stack === "string" ? thrown.stack : undefined,
  };
  const ownClass = unrestored.get(thrown) ??
    (typeof ctor === "function" ? ctor.name : undefined);
  if (
    typeof ownClass === "string" && ownClass !== "" &&
    ownClass !== builtIn.replace("Deno.errors.", "")
  ) {
    out.class = ownClass;
  }
  if ("cause" in thrown) {
    out.hasCause = true;
    out.cause = marshal(thrown.cause, seen, depth + 1);
  }
  if (thrown instanceof AggregateError && Array.isArray(thrown.errors)) {
    out.errors = thrown.errors.map((e) => marshal(e, seen, depth + 1));
  }
  let fields: Record<string, unknown> | undefined;
  for (const key of Object.keys(thrown)) {
    if (STANDARD.has(key)) continue;
    fields ??= {};
    // Defined, not assigned: a "__proto__" key stays a key.
    Object.defineProperty(fields, key, {
      value: (thrown as unknown as Record<string, unknown>)[key],
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  if (fields !== undefined) out.fields = fields;
  return out;
}

/**
 * Replaces thrown values that cannot be cloned (anywhere in the data) by
 * an `Error` describing them, and drops fields that cannot be cloned, so
 * that the error message always arrives. Returns a copy: a thrown object
 * that the code changes later (a runner holds results a while) is sent as
 * it was when it was thrown.
 */
export function cloneableError(data: MarshalledError): MarshalledError {
  try {
    return structuredClone(data);
  } catch {
    if (!data.error) {
      return marshalError(
        new TypeError(
          `The task threw a value that cannot be cloned: ${
            describe(data.value)
          }`,
        ),
      );
    }
    let fields: Record<string, unknown> | undefined;
    for (const key of Object.keys(data.fields ?? {})) {
      try {
        const value = structuredClone(data.fields![key]);
        fields ??= {};
        Object.defineProperty(fields, key, {
          value,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } catch {
        // A field that cannot travel (a function, a socket) stays behind.
      }
    }
    return {
      ...data,
      cause: data.cause && cloneableError(data.cause),
      errors: data.errors?.map(cloneableError),
      fields,
    };
  }
}

function describe(value: unknown): string {
  try {
    return typeof value === "function"
      ? `function ${value.name || "(anonymous)"}`
      : String(value);
  } catch {
    return typeof value;
  }
}

const define = (target: object, key: string, value: unknown) =>
  Object.defineProperty(target, key, {
    value,
    writable: true,
    configurable: true,
    enumerable: false,
  });

/** An own data property of `data`, never a getter nor an inherited one. */
function own(data: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(data, key);
  return descriptor === undefined ? undefined : descriptor.value;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/**
 * Rebuilds a thrown value from its marshalled form. The data may come from
 * a hostile writer (a worker, a Redis client): anything malformed becomes
 * an empty part, never a crash of the caller, a polluted prototype or a
 * call of the caller's code.
 */
export function unmarshalError(data: MarshalledError): unknown {
  try {
    return revive(data, [], 0);
  } catch (failure) {
    // A registered class whose getters cannot cope with the data sent.
    const message = typeof data === "object" && data !== null
      ? text(own(data, "message"))
      : "";
    return new Error(message, { cause: failure });
  }
}

function revive(data: unknown, built: unknown[], depth: number): unknown {
  if (typeof data !== "object" || data === null) return data;
  if (own(data, "error") !== true) return own(data, "value");
  const ref = own(data, "ref");
  if (ref !== undefined) {
    return typeof ref === "number" && Object.hasOwn(built, ref)
      ? built[ref]
      : undefined;
  }
  if (depth > MAX_DEPTH) {
    const cut = new Error(
      `${
        text(own(data, "message"))
      } (nested deeper than ${MAX_DEPTH}: cut off)`,
    );
    built.push(cut);
    return cut;
  }
  const ownClass = own(data, "class");
  const error = create(text(own(data, "ctor")), ownClass, data);
  built.push(error);
  if (typeof ownClass === "string" && errorClassNamed(ownClass) === undefined) {
    unrestored.set(error, ownClass);
  }
  const name = text(own(data, "name"));
  if (!(error instanceof DOMException) && error.name !== name) {
    define(error, "name", name);
  }
  const stack = own(data, "stack");
  if (typeof stack === "string") define(error, "stack", stack);
  if (own(data, "hasCause") === true) {
    define(error, "cause", revive(own(data, "cause"), built, depth + 1));
  }
  const errors = own(data, "errors");
  if (error instanceof AggregateError) {
    define(
      error,
      "errors",
      Array.isArray(errors)
        ? errors.map((e) => revive(e, built, depth + 1))
        : [],
    );
  }
  const fields = own(data, "fields");
  if (typeof fields === "object" && fields !== null) {
    for (const key of Object.keys(fields)) {
      // A field never replaces what the class defines (a method, a
      // getter, `constructor`, `__proto__`) nor a standard key.
      if (STANDARD.has(key) || key in error) continue;
      Object.defineProperty(error, key, {
        value: own(fields, key),
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
  }
  return error;
}

/** A new error of the class the data names, its constructor not run. */
function create(ctor: string, ownClass: unknown, data: object): Error {
  const message = text(own(data, "message"));
  const Class = typeof ownClass === "string"
    ? errorClassNamed(ownClass)
    : undefined;
  if (Class !== undefined) {
    // A registered class: its constructor's parameters are unknown, so the
    // error is made by the built-in base with the class's prototype.
    if (Class.prototype instanceof AggregateError) {
      return Reflect.construct(AggregateError, [[], message], Class);
    }
    if (Class.prototype instanceof DOMException) {
      const name = text(own(data, "name"));
      return Reflect.construct(DOMException, [message, name], Class);
    }
    return Reflect.construct(Error, [message], Class);
  }
  if (ctor === "DOMException") {
    return new DOMException(message, text(own(data, "name")));
  }
  if (ctor === "AggregateError") return new AggregateError([], message);
  if (ctor.startsWith("Deno.errors.")) {
    const denoErrors = (globalThis.Deno?.errors ?? {}) as Record<
      string,
      BuiltInClass
    >;
    const key = ctor.slice("Deno.errors.".length);
    const Class = Object.hasOwn(denoErrors, key) ? denoErrors[key] : Error;
    return new Class(message);
  }
  return new (Object.hasOwn(BUILT_INS, ctor) ? BUILT_INS[ctor] : Error)(
    message,
  );
}
