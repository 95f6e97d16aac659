/**
 * Model-constraint checks (required, type, length, range, pattern, enum) reported the way AWS's
 * request validation reports them: one error whose message lists every violation, e.g.
 * `1 validation error detected: Value 'x y' at 'name' failed to satisfy constraint: Member must
 * satisfy regular expression pattern: …`. Patterns come from the botocore models and, as the
 * service applies them, must match the whole value.
 */
import { ServiceError, type ServiceErrorOptions } from './errors.ts';

export interface Constraint {
  required?: boolean;
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'map' | 'structure';
  /** String length or list/map size bounds. */
  minLength?: number;
  maxLength?: number;
  /** Numeric bounds. */
  min?: number;
  max?: number;
  pattern?: string;
  enum?: readonly string[];
}

export type Check = readonly [path: string, value: unknown, constraint: Constraint];

const patternCache = new Map<string, RegExp>();
function wholeMatch(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 's');
    patternCache.set(pattern, re);
  }
  return re;
}

/** Renders a value the way the service echoes it in validation messages. */
export function renderValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${k}=${renderValue(v)}`).join(', ')}}`;
  }
  return String(value);
}

function typeOk(value: unknown, type: NonNullable<Constraint['type']>): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'list':
      return Array.isArray(value);
    case 'map':
    case 'structure':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}

function sizeOf(value: unknown): number | undefined {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.length;
  if (value && typeof value === 'object') return Object.keys(value).length;
  return undefined;
}

/** The first violated rule of one member, in the service's words; undefined when it holds. */
export function violation(path: string, value: unknown, c: Constraint): string | undefined {
  if (value === undefined || value === null) {
    return c.required ? `Value null at '${path}' failed to satisfy constraint: Member must not be null` : undefined;
  }
  // Rendered only for a violation: most requests have none, and a value may be large.
  const prefix = () => `Value '${renderValue(value)}' at '${path}' failed to satisfy constraint: Member must`;
  if (c.type && !typeOk(value, c.type)) return `${prefix()} be of type ${c.type}`;
  const size = sizeOf(value);
  if (size !== undefined && c.minLength !== undefined && size < c.minLength) {
    return `${prefix()} have length greater than or equal to ${c.minLength}`;
  }
  if (size !== undefined && c.maxLength !== undefined && size > c.maxLength) {
    return `${prefix()} have length less than or equal to ${c.maxLength}`;
  }
  if (typeof value === 'number') {
    if (c.min !== undefined && value < c.min) return `${prefix()} have value greater than or equal to ${c.min}`;
    if (c.max !== undefined && value > c.max) return `${prefix()} have value less than or equal to ${c.max}`;
  }
  if (typeof value === 'string') {
    if (c.pattern !== undefined && !wholeMatch(c.pattern).test(value)) {
      return `${prefix()} satisfy regular expression pattern: ${c.pattern}`;
    }
    if (c.enum && !c.enum.includes(value)) return `${prefix()} satisfy enum value set: [${c.enum.join(', ')}]`;
  }
  return undefined;
}

/** Every violation among the checks, in order. */
export function violations(checks: readonly Check[]): string[] {
  const found: string[] = [];
  for (const [path, value, constraint] of checks) {
    const v = violation(path, value, constraint);
    if (v) found.push(v);
  }
  return found;
}

/** Throws the service's validation error when any check fails. */
export function validate(
  checks: readonly Check[],
  code = 'ValidationException',
  options: ServiceErrorOptions = {},
): void {
  const found = violations(checks);
  if (found.length === 0) return;
  const count = `${found.length} validation error${found.length > 1 ? 's' : ''} detected`;
  throw new ServiceError(code, `${count}: ${found.join('; ')}`, options);
}
