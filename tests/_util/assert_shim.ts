// Copyright 2026 the @concurrent/futures authors. MIT license.
// `node:assert/strict` for the browser run of the portable tests
// (tests/runtimes/run.ts maps the specifier here): the assertions the
// tests use, with Node's strict semantics where the tests depend on them.

/** Node's `AssertionError`, as far as the tests read it. */
export class AssertionError extends Error {
  /** Creates an `AssertionError`. */
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function show(value: unknown): string {
  try {
    if (typeof value === "string") return JSON.stringify(value);
    if (typeof value === "bigint") return `${value}n`;
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    return String(JSON.stringify(value) ?? String(value));
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function fail(message: string | Error | undefined, fallback: string): never {
  if (message instanceof Error) throw message;
  throw new AssertionError(message ?? fallback);
}

function isDeepEqual(
  a: unknown,
  b: unknown,
  seen: Map<object, object>,
): boolean {
  if (Object.is(a, b)) return true;
  if (
    typeof a !== "object" || typeof b !== "object" || a === null || b === null
  ) {
    return false;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (a instanceof Error) {
    const e = b as Error;
    if (a.name !== e.name || a.message !== e.message) return false;
  }
  if (ArrayBuffer.isView(a)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = b as ArrayBufferView;
    const z = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
    return x.length === z.length && x.every((v, i) => v === z[i]);
  }
  if (a instanceof ArrayBuffer) {
    return isDeepEqual(
      new Uint8Array(a),
      new Uint8Array(b as ArrayBuffer),
      seen,
    );
  }
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    if (a.size !== m.size) return false;
    for (const [k, v] of a) {
      if (!m.has(k) || !isDeepEqual(v, m.get(k), seen)) return false;
    }
    return true;
  }
  if (a instanceof Set) {
    const s = b as Set<unknown>;
    if (a.size !== s.size) return false;
    for (const v of a) {
      if (!s.has(v) && ![...s].some((w) => isDeepEqual(v, w, seen))) {
        return false;
      }
    }
    return true;
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!Object.hasOwn(b, key)) return false;
    if (
      !isDeepEqual(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        seen,
      )
    ) return false;
  }
  return true;
}

type Expected =
  | (new (...args: never[]) => unknown)
  | RegExp
  | ((error: unknown) => boolean)
  | Record<string, unknown>;

function check(error: unknown, expected: Expected | undefined): void {
  if (expected === undefined) return;
  if (expected instanceof RegExp) {
    if (!expected.test(String(error))) {
      fail(undefined, `${show(error)} does not match ${expected}`);
    }
  } else if (typeof expected === "function") {
    if (expected.prototype !== undefined && error instanceof expected) return;
    if (
      expected.prototype !== undefined &&
        Object.prototype.isPrototypeOf.call(Error, expected) ||
      expected === Error
    ) {
      fail(undefined, `${show(error)} is not a ${expected.name}`);
    }
    if ((expected as (error: unknown) => boolean)(error) !== true) {
      fail(undefined, `${show(error)} fails the validation function`);
    }
  } else {
    for (const [key, want] of Object.entries(expected)) {
      const got = (error as Record<string, unknown>)?.[key];
      const ok = want instanceof RegExp && typeof got === "string"
        ? want.test(got)
        : isDeepEqual(got, want, new Map());
      if (!ok) {
        fail(undefined, `error.${key} is ${show(got)}, expected ${show(want)}`);
      }
    }
  }
}

/** Checks what `throws` or `rejects` caught, or fails if nothing was. */
function settle(
  thrown: { error: unknown } | undefined,
  expected: Expected | string | undefined,
  message: string | undefined,
  missing: string,
): void {
  const text = typeof expected === "string" ? expected : message;
  if (thrown === undefined) fail(text, missing);
  check(thrown.error, typeof expected === "string" ? undefined : expected);
}

function ok(value: unknown, message?: string | Error): asserts value {
  if (!value) fail(message, `${show(value)} is not truthy`);
}

const assert = Object.assign(ok, {
  AssertionError,
  ok,
  equal(actual: unknown, expected: unknown, message?: string | Error): void {
    if (!Object.is(actual, expected)) {
      fail(message, `${show(actual)} !== ${show(expected)}`);
    }
  },
  notEqual(actual: unknown, expected: unknown, message?: string | Error): void {
    if (Object.is(actual, expected)) {
      fail(message, `${show(actual)} === ${show(expected)}`);
    }
  },
  deepEqual(
    actual: unknown,
    expected: unknown,
    message?: string | Error,
  ): void {
    if (!isDeepEqual(actual, expected, new Map())) {
      fail(message, `${show(actual)} does not deep-equal ${show(expected)}`);
    }
  },
  match(actual: string, pattern: RegExp, message?: string | Error): void {
    if (typeof actual !== "string" || !pattern.test(actual)) {
      fail(message, `${show(actual)} does not match ${pattern}`);
    }
  },
  doesNotMatch(
    actual: string,
    pattern: RegExp,
    message?: string | Error,
  ): void {
    if (typeof actual !== "string" || pattern.test(actual)) {
      fail(message, `${show(actual)} matches ${pattern}`);
    }
  },
  fail(message?: string | Error): never {
    fail(message, "Failed");
  },
  throws(
    fn: () => unknown,
    expected?: Expected | string,
    message?: string,
  ): void {
    let thrown: { error: unknown } | undefined;
    try {
      fn();
    } catch (error) {
      thrown = { error };
    }
    settle(thrown, expected, message, "Missing expected exception");
  },
  async rejects(
    promiseOrFn: Promise<unknown> | (() => Promise<unknown>),
    expected?: Expected | string,
    message?: string,
  ): Promise<void> {
    let thrown: { error: unknown } | undefined;
    try {
      await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
    } catch (error) {
      thrown = { error };
    }
    settle(thrown, expected, message, "Missing expected rejection");
  },
});

export default assert;
