/**
 * EventBridge event patterns, matched as EventBridge matches them (the "Amazon EventBridge event
 * patterns" and "content filtering" pages): every field of the pattern must match the event; a
 * list of values matches when any value matches (an event array, when any element does); an
 * object recurses into the event's object. Value filters: exact strings, numbers, booleans and
 * null; `prefix` and `suffix` (also with `equals-ignore-case`); `equals-ignore-case`; `anything-but`
 * (a value, a list, a `prefix` or a `suffix`); `exists`; `numeric` ranges; `wildcard` (`*`).
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Matcher = Json;

const isObject = (v: unknown): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Thrown for a pattern EventBridge would reject (PutRule's InvalidEventPatternException). */
export class InvalidPatternError extends Error {
  override name = 'InvalidEventPatternException';
}

function stringFilter(spec: Json, test: (value: string, text: string, ignoreCase: boolean) => boolean, value: Json): boolean {
  if (typeof value !== 'string') return false;
  if (typeof spec === 'string') return test(value, spec, false);
  if (isObject(spec) && typeof spec['equals-ignore-case'] === 'string') return test(value, spec['equals-ignore-case'], true);
  throw new InvalidPatternError(`a prefix/suffix must be a string or {"equals-ignore-case": string}, got ${JSON.stringify(spec)}`);
}

const starts = (v: string, t: string, ic: boolean) => (ic ? v.toLowerCase().startsWith(t.toLowerCase()) : v.startsWith(t));
const ends = (v: string, t: string, ic: boolean) => (ic ? v.toLowerCase().endsWith(t.toLowerCase()) : v.endsWith(t));

function wildcard(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/\\\\/g, '\\').replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
}

function numeric(spec: Json, value: Json): boolean {
  if (!Array.isArray(spec) || spec.length === 0 || spec.length % 2 !== 0) {
    throw new InvalidPatternError(`numeric: must be [op, number, …], got ${JSON.stringify(spec)}`);
  }
  if (typeof value !== 'number') return false;
  for (let i = 0; i < spec.length; i += 2) {
    const op = spec[i];
    const n = spec[i + 1];
    if (typeof n !== 'number') throw new InvalidPatternError(`numeric: ${JSON.stringify(n)} is not a number`);
    const ok = op === '=' ? value === n : op === '<' ? value < n : op === '<=' ? value <= n : op === '>' ? value > n : op === '>=' ? value >= n : undefined;
    if (ok === undefined) throw new InvalidPatternError(`numeric: unknown operator ${JSON.stringify(op)}`);
    if (!ok) return false;
  }
  return true;
}

/** One filter of a pattern list against one (present) event value. */
function matchValue(matcher: Matcher, value: Json): boolean {
  if (!isObject(matcher)) return matcher === value;
  const [kind, ...more] = Object.keys(matcher);
  if (kind === undefined || more.length > 0) throw new InvalidPatternError(`a filter holds exactly one operator, got ${JSON.stringify(matcher)}`);
  const spec = matcher[kind]!;
  switch (kind) {
    case 'prefix':
      return stringFilter(spec, starts, value);
    case 'suffix':
      return stringFilter(spec, ends, value);
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof spec === 'string' && value.toLowerCase() === spec.toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && typeof spec === 'string' && wildcard(spec, value);
    case 'numeric':
      return numeric(spec, value);
    case 'anything-but': {
      if (isObject(spec)) return !matchValue(spec, value);
      const excluded = Array.isArray(spec) ? spec : [spec];
      return !excluded.some((x) => x === value);
    }
    case 'exists':
      return spec === true; // the value is present here; `exists: false` is handled by the caller
    default:
      throw new InvalidPatternError(`unknown filter ${kind}`);
  }
}

function matchField(matchers: Json[], value: Json | undefined): boolean {
  for (const matcher of matchers) {
    if (isObject(matcher) && 'exists' in matcher) {
      const present = value !== undefined && !(Array.isArray(value) && value.length === 0);
      if (matcher.exists === present) return true;
      continue;
    }
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => matchValue(matcher, v))) return true;
  }
  return false;
}

/** Does `event` match `pattern`? Throws InvalidPatternError for a malformed pattern. */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new InvalidPatternError('an event pattern must be a JSON object');
  const node = isObject(event) ? event : {};
  for (const [key, spec] of Object.entries(pattern)) {
    const value = node[key];
    if (Array.isArray(spec)) {
      if (!matchField(spec, value)) return false;
    } else if (isObject(spec)) {
      if (!isObject(value)) {
        // A nested pattern on a missing object still matches when all it asks is `exists: false`.
        if (!matchesPattern(spec, {})) return false;
        continue;
      }
      if (!matchesPattern(spec, value)) return false;
    } else {
      throw new InvalidPatternError(`pattern field ${key}: must be a list of values or an object, got ${JSON.stringify(spec)}`);
    }
  }
  return true;
}
