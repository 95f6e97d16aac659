/**
 * How a rejection is written: `<field>: <rule>, got <value>`. Every validator in the core
 * (zod formatting, strategies, readers) goes through here so the messages read the same.
 */
import { ValidationError } from './errors.ts';

export type ValidationCode = ConstructorParameters<typeof ValidationError>[0];

/** The longest rendering of an offending value before it is cut with `…`. */
export const MAX_VALUE_CHARS = 60;

/** The value as JSON (`undefined` spelled out), cut to MAX_VALUE_CHARS. */
export function describeValue(value: unknown): string {
  let text: string;
  if (value === undefined) text = 'undefined';
  else if (typeof value === 'number' && !Number.isFinite(value)) text = String(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** A ValidationError whose message is `<field>: <rule>, got <value>` (or `<field>: <rule>` when missing). */
export function ruleViolation(code: ValidationCode, field: string, rule: string, value?: unknown): ValidationError {
  const text = value === undefined ? rule : `${rule}, got ${describeValue(value)}`;
  return new ValidationError(code, field, text);
}

/** `a.b[2].c` from a path of keys and indexes; keys that are not identifiers are quoted. */
export function formatPath(path: readonly PropertyKey[], root = ''): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
