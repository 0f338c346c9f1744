// Copyright 2026 the @concurrent/futures authors. MIT license.
// A stand-in for `Deno.test` on Node, Bun and in browsers, so that the
// portable test files, written once for `deno test`, run unchanged on every
// runtime (tests/runtimes/run.ts bundles them with this module first). It
// installs a `Deno` global holding only `test`: the library tells Deno by
// `Deno.version`, which this stand-in does not have.

/** What a test body receives (the part of `Deno.TestContext` tests use). */
interface TestContext {
  name: string;
}

type TestBody = (t: TestContext) => void | Promise<void>;

interface TestDefinition {
  name: string;
  fn: TestBody;
  ignore?: boolean;
}

const tests: TestDefinition[] = [];

function register(
  first: string | TestDefinition | TestBody,
  second?: TestBody | Partial<TestDefinition>,
  third?: TestBody,
): void {
  if (typeof first === "function") {
    tests.push({ name: first.name, fn: first });
  } else if (typeof first === "object") {
    tests.push(first);
  } else if (typeof second === "function") {
    tests.push({ name: first, fn: second });
  } else {
    tests.push({ ...second, name: first, fn: third! });
  }
}

const globals = globalThis as unknown as { Deno?: { test?: unknown } };
if (globals.Deno === undefined) globals.Deno = { test: register };

/** The outcome of a run on one runtime. */
export interface RunSummary {
  passed: number;
  failed: number;
  ignored: number;
  skipped: number;
}

/** How a run reports; lines go to the console or to the test server. */
export interface RunOptions {
  /** Tests not run on this runtime (by name), with the reason. */
  skip: Record<string, string>;
  /** A test that takes longer fails (ms). */
  timeout: number;
  log(line: string): void;
  /** Runs only the tests whose name holds this text. */
  filter?: string;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${error.message}\n${error.stack ?? ""}`;
  }
  return String(error);
}

// An unhandled rejection during a test fails that test, as in `deno test`.
let stray: unknown[] = [];
function onStray(reason: unknown): void {
  stray.push(reason);
}
const host = globalThis as unknown as {
  process?: { on(event: string, listener: (reason: unknown) => void): void };
  addEventListener?(
    type: string,
    listener: (event: { reason: unknown; preventDefault(): void }) => void,
  ): void;
};
if (typeof host.process?.on === "function") {
  host.process.on("unhandledRejection", onStray);
} else {
  host.addEventListener?.("unhandledrejection", (event) => {
    event.preventDefault();
    onStray(event.reason);
  });
}

/** Runs every registered test in order; resolves with the counts. */
export async function runTests(options: RunOptions): Promise<RunSummary> {
  const summary: RunSummary = { passed: 0, failed: 0, ignored: 0, skipped: 0 };
  const names = new Set(tests.map((t) => t.name));
  for (const name of Object.keys(options.skip)) {
    if (!names.has(name)) {
      options.log(`FAILED skip list names no test: ${name}`);
      summary.failed++;
    }
  }
  for (const test of tests) {
    if (test.ignore) {
      summary.ignored++;
      continue;
    }
    if (options.filter && !test.name.includes(options.filter)) continue;
    if (test.name in options.skip) {
      summary.skipped++;
      continue;
    }
    stray = [];
    const start = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        (async () => await test.fn({ name: test.name }))(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`timed out after ${options.timeout} ms`)),
            options.timeout,
          );
        }),
      ]);
      // Let rejections of this test's leftovers surface before judging.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (stray.length > 0) {
        throw new Error(`unhandled rejection: ${describe(stray[0])}`);
      }
      summary.passed++;
      const ms = Math.round(performance.now() - start);
      options.log(`${test.name} ... ok (${ms}ms)`);
    } catch (error) {
      summary.failed++;
      options.log(`${test.name} ... FAILED\n  ${describe(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
  return summary;
}

/** The summary line, in `deno test`'s form, so CI can add the counts. */
export function summaryLine(summary: RunSummary, runtime: string): string {
  const status = summary.failed === 0 ? "ok" : "FAILED";
  const ignored = summary.ignored + summary.skipped;
  return `${status} | ${summary.passed} passed | ${summary.failed} failed` +
    ` | ${ignored} ignored (${runtime})`;
}
