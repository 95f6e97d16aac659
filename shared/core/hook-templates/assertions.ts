/**
 * Small response assertions for smoke tests: a JSON subset match and `$.a.b[0]` path equality.
 * Messages say where the first difference is, e.g. `$.body.status: expected "ok", got "degraded"`.
 */
import { isDeepStrictEqual } from 'node:util';

function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Every key of `expected` is in `actual` with a matching value (recursively); arrays match
 * element by element and must have the same length. Returns the first difference, or undefined.
 */
export function subsetMismatch(actual: unknown, expected: unknown, path = '$'): string | undefined {
  if (isObject(expected)) {
    if (!isObject(actual)) return `${path}: expected an object, got ${show(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      const child = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      const mismatch = subsetMismatch(actual[key], value, child);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${show(actual)}`;
    if (actual.length !== expected.length) return `${path}: expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const mismatch = subsetMismatch(actual[i], expected[i], `${path}[${i}]`);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  return Object.is(actual, expected) ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

/** `$`, `$.a`, `$.a.b[2]`, `$["odd key"]` → the keys; throws on anything else. */
export function parsePath(path: string): (string | number)[] {
  if (!path.startsWith('$')) throw new Error(`path ${JSON.stringify(path)}: must start with $`);
  const parts: (string | number)[] = [];
  const token = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/y;
  token.lastIndex = 1;
  while (token.lastIndex < path.length) {
    const at = token.lastIndex;
    const match = token.exec(path);
    if (!match) throw new Error(`path ${JSON.stringify(path)}: cannot read from character ${at + 1}`);
    parts.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : JSON.parse(`"${match[3]}"`)));
  }
  return parts;
}

export function readPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of parsePath(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Each `path → expected` holds, with deep equality. Returns the first that does not. */
export function pathMismatch(actual: unknown, paths: Record<string, unknown>): string | undefined {
  for (const [path, expected] of Object.entries(paths)) {
    const value = readPath(actual, path);
    if (!isDeepStrictEqual(value, expected)) return `${path}: expected ${show(expected)}, got ${show(value)}`;
  }
  return undefined;
}
