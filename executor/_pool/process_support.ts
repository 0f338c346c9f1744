// Copyright 2026 the @concurrent/futures authors. MIT license.
// What ProcessPoolExecutor checks when it is made, before the process
// transport (and its `node:` modules) is loaded on first use.

/**
 * Throws unless this program may start the pool's child processes: it
 * needs `--allow-run` (for the Deno binary) and `--allow-env`, and must not
 * be a `deno compile`d binary nor run on Windows.
 *
 * @throws {Deno.errors.NotCapable} Without those permissions.
 * @throws {Deno.errors.NotSupported} In a compiled program, or on Windows
 * (where a child cannot read its channel as file descriptor 3).
 */
export function checkProcessSupport(): void {
  if ((Deno.build as { standalone?: boolean }).standalone) {
    throw new Deno.errors.NotSupported(
      "ProcessPoolExecutor cannot start child processes from a program " +
        "made by deno compile: use WorkerPoolExecutor",
    );
  }
  if (Deno.build.os === "windows") {
    throw new Deno.errors.NotSupported(
      "ProcessPoolExecutor does not run on Windows yet: use " +
        "WorkerPoolExecutor",
    );
  }
  const missing: string[] = [];
  const run = Deno.permissions.querySync({
    name: "run",
    command: Deno.execPath(),
  });
  if (run.state !== "granted") missing.push("--allow-run");
  if (Deno.permissions.querySync({ name: "env" }).state !== "granted") {
    missing.push("--allow-env");
  }
  if (missing.length > 0) {
    throw new Deno.errors.NotCapable(
      `ProcessPoolExecutor runs tasks in child processes of ${Deno.execPath()}` +
        `, which needs ${missing.join(" and ")}: run the program with ` +
        `--allow-run --allow-env (or -A)`,
    );
  }
}

/** Throws a RangeError for a V8 flag that cannot be passed on. */
export function checkV8Flags(v8Flags: readonly unknown[]): void {
  for (const flag of v8Flags) {
    if (typeof flag !== "string" || flag.includes(",")) {
      throw new RangeError(`v8Flags cannot hold ${JSON.stringify(flag)}`);
    }
  }
}
