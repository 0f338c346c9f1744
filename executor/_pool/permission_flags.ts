// Copyright 2026 the @concurrent/futures authors. MIT license.
// A child process's sandbox is its command line: the `--allow-*` flags
// that grant what a Deno Worker's `permissions` option would grant.
//
// A permissions object is read as for a Worker: a key left out is denied,
// `true` grants all of it, a list grants those values. `"inherit"`, for
// the whole object or one key, passes on what the parent holds in full,
// as `Deno.permissions.querySync` reports it. A program cannot list the
// values of a partial grant (`--allow-read=/data`) nor its deny lists
// (`--deny-read=/etc`), so those are not passed on: a child of a parent
// run with `--allow-read=/data` gets no read access under "inherit" (name
// the paths instead), and one of a parent run with
// `--allow-read --deny-read=/etc` gets all of read. (A Worker inherits
// both exactly; a child process can only be told on its command line.)

/** The permission names a child process can be granted, in flag order. */
export const PERMISSION_NAMES = [
  "read",
  "write",
  "net",
  "env",
  "sys",
  "run",
  "ffi",
  "import",
] as const;

/** One of {@linkcode PERMISSION_NAMES}. */
export type PermissionName = typeof PERMISSION_NAMES[number];

/** Names whose values are paths, given as strings or file URLs. */
const PATH_NAMES: ReadonlySet<string> = new Set([
  "read",
  "write",
  "ffi",
  "run",
]);

/** Reads whether the parent holds permission `name` in full. */
export type GrantQuery = (name: PermissionName) => boolean;

/** What `Deno.permissions` says of this process. */
export function parentGrants(name: PermissionName): boolean {
  return Deno.permissions.querySync({ name }).state === "granted";
}

function valueOf(name: PermissionName, value: unknown): string {
  let text: string;
  if (value instanceof URL) {
    if (value.protocol !== "file:" || !PATH_NAMES.has(name)) {
      throw new TypeError(
        `permissions.${name} cannot take the URL ${value.href}`,
      );
    }
    text = decodeURIComponent(value.pathname);
  } else if (typeof value === "string") {
    text = value;
  } else {
    throw new TypeError(
      `permissions.${name} must list strings${
        PATH_NAMES.has(name) ? " or file URLs" : ""
      }, got ${value === null ? "null" : typeof value}`,
    );
  }
  if (text === "") {
    throw new RangeError(`permissions.${name} lists an empty string`);
  }
  // Deno's flag separates values by commas, with no way to escape one.
  if (text.includes(",")) {
    throw new RangeError(
      `permissions.${name} lists "${text}", which a child process cannot ` +
        `be granted: a comma cannot appear in a --allow-${name} value`,
    );
  }
  return text;
}

/**
 * The `--allow-*` flags of a child process run with `permissions`:
 * `"inherit"` (each permission the parent holds in full), `"none"`, or an
 * object read as for a Deno Worker (a key left out is denied).
 * All permissions granted come out as `--allow-all`.
 *
 * @param permissions What to grant.
 * @param grants Whether the parent holds a permission in full (tests give
 * their own).
 * @returns The flags, in a fixed order.
 * @throws {TypeError} For an unknown permission name or a value of the
 * wrong type.
 * @throws {RangeError} For a value Deno's flags cannot carry (an empty
 * string, a comma).
 */
export function permissionFlags(
  permissions: Deno.PermissionOptions | "inherit" | undefined,
  grants: GrantQuery = parentGrants,
): string[] {
  if (permissions === undefined || permissions === "inherit") {
    const flags = PERMISSION_NAMES.filter(grants).map((n) => `--allow-${n}`);
    return flags.length === PERMISSION_NAMES.length ? ["--allow-all"] : flags;
  }
  if (permissions === "none") return [];
  if (typeof permissions !== "object" || permissions === null) {
    throw new TypeError(
      `permissions must be "inherit", "none" or an object, got ${
        permissions === null ? "null" : typeof permissions
      }`,
    );
  }
  const given = permissions as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(PERMISSION_NAMES as readonly string[]).includes(key)) {
      throw new TypeError(
        `permissions has an unknown name "${key}"; known: ${
          PERMISSION_NAMES.join(", ")
        }`,
      );
    }
  }
  const flags: string[] = [];
  let all = 0;
  for (const name of PERMISSION_NAMES) {
    const value = given[name];
    if (value === undefined || value === false) continue;
    if (value === true || (value === "inherit" && grants(name))) {
      flags.push(`--allow-${name}`);
      all++;
    } else if (value === "inherit") {
      continue;
    } else if (Array.isArray(value)) {
      if (value.length === 0) continue;
      const values = value.map((v) => valueOf(name, v));
      flags.push(`--allow-${name}=${values.join(",")}`);
    } else {
      throw new TypeError(
        `permissions.${name} must be "inherit", a boolean or an array, got ${
          value === null ? "null" : typeof value
        }`,
      );
    }
  }
  return all === PERMISSION_NAMES.length ? ["--allow-all"] : flags;
}
