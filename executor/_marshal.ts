// Copyright 2026 the @concurrent/futures authors. MIT license.
// Errors cross the worker boundary as plain data and are rebuilt with the
// same class (for built-in ones), name, message, stack and cause.

/** An error, or any thrown value, as it travels in a message. */
export type MarshalledError =
  | {
    error: true;
    ctor: string;
    name: string;
    message: string;
    stack?: string;
    cause?: MarshalledError;
    hasCause?: boolean;
    errors?: MarshalledError[];
  }
  | { error: false; value: unknown };

type ErrorClass = new (message?: string) => Error;

const BUILT_INS: Record<string, ErrorClass> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** The name under which an error's class can be rebuilt, or `"Error"`. */
function classOf(error: Error): string {
  if (error instanceof DOMException) return "DOMException";
  if (error instanceof AggregateError) return "AggregateError";
  const ctor = error.constructor;
  for (const [name, value] of Object.entries(BUILT_INS)) {
    if (ctor === value) return name;
  }
  const denoErrors = (globalThis.Deno?.errors ?? {}) as Record<
    string,
    unknown
  >;
  if (denoErrors[ctor?.name] === ctor) return `Deno.errors.${ctor.name}`;
  return "Error";
}

/** Turns a thrown value into data a message can carry. */
export function marshalError(thrown: unknown, depth = 0): MarshalledError {
  if (!(thrown instanceof Error) || depth > 20) {
    return { error: false, value: thrown };
  }
  const out: MarshalledError = {
    error: true,
    ctor: classOf(thrown),
    name: String(thrown.name),
    message: String(thrown.message),
    stack: typeof thrown.stack === "string" ? thrown.stack : undefined,
  };
  if ("cause" in thrown) {
    out.hasCause = true;
    out.cause = marshalError(thrown.cause, depth + 1);
  }
  if (thrown instanceof AggregateError && Array.isArray(thrown.errors)) {
    out.errors = thrown.errors.map((e) => marshalError(e, depth + 1));
  }
  return out;
}

/**
 * Replaces thrown values that cannot be cloned (anywhere in the data) by
 * an `Error` describing them, so that the error message always arrives.
 * Returns a copy: a thrown object that the code changes later (a runner
 * holds results a while) is sent as it was when it was thrown.
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
    return {
      ...data,
      cause: data.cause && cloneableError(data.cause),
      errors: data.errors?.map(cloneableError),
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

/** Rebuilds a thrown value from its marshalled form. */
export function unmarshalError(data: MarshalledError): unknown {
  if (!data.error) return data.value;
  let error: Error;
  if (data.ctor === "DOMException") {
    error = new DOMException(data.message, data.name);
  } else if (data.ctor === "AggregateError") {
    error = new AggregateError(
      (data.errors ?? []).map(unmarshalError),
      data.message,
    );
  } else {
    const denoErrors = (globalThis.Deno?.errors ?? {}) as Record<
      string,
      ErrorClass
    >;
    const Class = data.ctor.startsWith("Deno.errors.")
      ? denoErrors[data.ctor.slice("Deno.errors.".length)] ?? Error
      : BUILT_INS[data.ctor] ?? Error;
    error = new Class(data.message);
  }
  if (error.name !== data.name) define(error, "name", data.name);
  if (data.stack !== undefined) define(error, "stack", data.stack);
  if (data.hasCause) define(error, "cause", unmarshalError(data.cause!));
  return error;
}
