// Copyright 2026 the @concurrent/futures authors. MIT license.
// Plain-function tasks travel by source text. Each function gets an id
// once, so a worker receives its source once and then only the id.

/** A function's source and the id that names it in messages. */
export interface FunctionSource {
  /** The function's number, the same for the same source text. */
  id: number;
  /** Its source text, revived where the task runs. */
  code: string;
}

const sources = new WeakMap<object, FunctionSource>();
// Inline arrows make a new function object per call; keyed by their text,
// they still share one id, and so one revived function per worker.
const byCode = new Map<string, FunctionSource>();
let nextId = 1;

const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;
/**
 * Whether `code` parses as an expression, as the worker will revive it:
 * true for function expressions and arrows, false for shorthand methods
 * (`name() {}`, also one named `async`).
 */
function isExpression(code: string): boolean {
  try {
    // Parsed, never called: only the syntax is checked here.
    new Function(`return (${code}\n);`);
    return true;
  } catch {
    return false;
  }
}

/**
 * The source of a function, checked to be something a worker can revive.
 *
 * @throws {TypeError} For native and bound functions, classes, and
 * methods written in shorthand (`name() {}`), whose source is not an
 * expression.
 */
export function functionSource(
  fn: (...args: never[]) => unknown,
): FunctionSource {
  let source = sources.get(fn);
  if (source !== undefined) return source;
  const code = Function.prototype.toString.call(fn);
  const name = fn.name ? `"${fn.name}"` : "(anonymous)";
  if (NATIVE.test(code)) {
    throw new TypeError(
      fn.name.startsWith("bound ")
        ? `Function ${name} is a bound function, whose source cannot be sent to a worker: pass its this and arguments to submit() instead`
        : `Function ${name} is native code, whose source cannot be sent to a worker: wrap it in a function, or use moduleTask()`,
    );
  }
  if (/^class\b/.test(code)) {
    throw new TypeError(`Class ${name} cannot be run as a task`);
  }
  if (!isExpression(code)) {
    throw new TypeError(
      `Function ${name} is written as a method (${
        code.slice(0, 40).split("\n")[0]
      }...), which a worker cannot revive from its source: use a function expression, an arrow function, or moduleTask()`,
    );
  }
  source = byCode.get(code);
  if (source === undefined) {
    source = { id: nextId++, code };
    byCode.set(code, source);
  }
  sources.set(fn, source);
  return source;
}
