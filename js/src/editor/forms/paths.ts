// Small pure helpers on JSON paths inside a task.
import type { JsonPath } from "../protocol";

type Json = unknown;

/** The value at `path` in `obj`, or undefined when any step is missing. */
export function getPath(obj: Json, path: JsonPath): unknown {
  let cur: unknown = obj;
  for (const step of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[step];
  }
  return cur;
}

/**
 * A copy of `obj` with `value` at `path` (undefined deletes the key). Missing objects on the way
 * are created (arrays when the next step is a number). The input is never changed.
 */
export function setPath(obj: Json, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const child = obj !== null && typeof obj === "object" ? (obj as Record<string | number, unknown>)[head] : undefined;
  const next = setPath(child, rest, value);
  if (Array.isArray(obj) && typeof head === "number") {
    const copy = obj.slice();
    if (next === undefined) copy.splice(head, 1);
    else copy[head] = next;
    return copy;
  }
  const base: Record<string | number, unknown> =
    obj !== null && typeof obj === "object" && !Array.isArray(obj)
      ? { ...(obj as Record<string, unknown>) }
      : typeof head === "number" && obj === undefined
        ? ([] as unknown as Record<number, unknown>)
        : {};
  if (next === undefined) delete base[head];
  else base[head] = next;
  return base;
}

/** "notebook_task.base_parameters.x" (the `data-path` of a field). */
export function pathKey(path: JsonPath): string {
  return path.join(".");
}

export function samePath(a: JsonPath, b: JsonPath): boolean {
  return a.length === b.length && a.every((step, i) => String(step) === String(b[i]));
}

/** True when `prefix` is a (non-strict) prefix of `path`. */
export function isPrefix(prefix: JsonPath, path: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((step, i) => String(step) === String(path[i]));
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((item, i) => jsonEqual(item, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = new Set(Object.keys(b as object));
  return ka.length === kb.size && ka.every((k) => kb.has(k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
