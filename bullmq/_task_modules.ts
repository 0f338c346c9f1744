// Copyright 2026 the @concurrent/futures authors. MIT license.
// The modules a worker serves (`--tasks`): resolved to absolute URLs as
// moduleTask() resolves them, and imported at the worker's start.

/**
 * The absolute URL of a `--tasks` module: a URL or specifier as it is
 * (`https:`, `jsr:`, `npm:`, `file:`), a path from the working directory.
 *
 * @throws {TypeError} If it names no module.
 */
export function resolveTaskModule(spec: string): string {
  if (typeof spec !== "string" || spec.trim() === "") {
    throw new TypeError("A --tasks module must be a path or a URL");
  }
  try {
    return URL.canParse(spec)
      ? new URL(spec).href
      : new URL(spec, `file://${Deno.cwd()}/`).href;
  } catch (error) {
    throw new TypeError(
      `Cannot resolve the --tasks module ${describeModule(spec)}`,
      { cause: error },
    );
  }
}

/**
 * Resolves and imports each module, so that a typo or a broken module stops
 * the worker at its start rather than failing every job.
 *
 * @returns Their absolute URLs.
 * @throws {TypeError} Naming the first module that does not load, and why.
 */
export async function loadTaskModules(
  specs: readonly string[],
): Promise<Set<string>> {
  const urls = new Set<string>();
  for (const spec of specs) {
    const url = resolveTaskModule(spec);
    try {
      await import(url);
    } catch (error) {
      throw new TypeError(
        `Cannot load the --tasks module ${url}: ${
          error instanceof Error ? error.message : String(error)
        }`,
        { cause: error },
      );
    }
    urls.add(url);
  }
  return urls;
}

/** A module URL from a job, quoted, its control characters shown. */
export function describeModule(url: unknown): string {
  if (typeof url !== "string") return `(a ${typeof url})`;
  const text = JSON.stringify(url.length > 200 ? url.slice(0, 200) : url);
  return url.length > 200 ? `${text.slice(0, -1)}..."` : text;
}
