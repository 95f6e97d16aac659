/**
 * Parsing with rejections that name the field and the rule: zod does the checking; the first
 * issue becomes a ValidationError `<field>: <rule>, got <value>` with a code that fits the field.
 */
import { z } from 'zod';
import {
  MAX_REQUEST_BYTES,
  deploymentRequestSchema,
  planningRequestSchema,
  type DeploymentRequest,
  type PlanningRequest,
} from './model/request.ts';
import type { ValidationError } from './errors.ts';
import { formatPath, ruleViolation, type ValidationCode } from './describe.ts';
import { planPreview } from './planner.ts';
import { checkWindows } from './windows.ts';

type Path = readonly PropertyKey[];
type Issue = z.core.$ZodIssue;

export interface FormatOptions {
  /** The code for a rejected field (given the path from the root); INVALID_REQUEST when absent. */
  codeFor?: (path: Path) => ValidationCode;
  /**
   * Rules for unions whose input matches none of the forms, keyed by the field with indexes
   * written `[]` (`strategy.steps[]`).
   */
  unionRules?: Readonly<Record<string, string>>;
  /** The field named when the input itself is wrong (not an object, …). Default `request`. */
  rootField?: string;
}

/** Our rule texts for zod's issue codes; a message the schema sets itself takes precedence. */
export const zodRules: z.core.$ZodErrorMap = (raw) => ruleFor(raw as unknown as Record<string, unknown>);

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'a list',
  date: 'a date',
};

function ruleFor(iss: Record<string, unknown>): string | undefined {
  const bound = (key: 'minimum' | 'maximum') => String(iss[key]);
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      if (typeof iss.input === 'number' && !Number.isFinite(iss.input)) return 'must be a finite number (this one is out of range)';
      return `must be ${TYPE_NAMES[String(iss.expected)] ?? String(iss.expected)}`;
    case 'too_small':
      if (iss.origin === 'string') return iss.minimum === 1 ? 'must not be empty' : `must be at least ${bound('minimum')} characters long`;
      if (iss.origin === 'array' || iss.origin === 'set') return iss.minimum === 1 ? 'must not be empty' : `must hold at least ${bound('minimum')} items`;
      if (iss.minimum === 0 && iss.inclusive !== false) return 'must not be negative';
      return iss.inclusive === false ? `must be greater than ${bound('minimum')}` : `must be at least ${bound('minimum')}`;
    case 'too_big':
      if (iss.origin === 'string') return `must be at most ${bound('maximum')} characters long`;
      if (iss.origin === 'array' || iss.origin === 'set') return `must hold at most ${bound('maximum')} items`;
      return iss.inclusive === false ? `must be less than ${bound('maximum')}` : `must be at most ${bound('maximum')}`;
    case 'invalid_format':
      if (iss.format === 'regex') return `must match ${String(iss.pattern)}`;
      if (iss.format === 'datetime') return 'must be an ISO 8601 date-time with an offset (2025-01-31T09:00:00Z)';
      return `must be a valid ${String(iss.format)}`;
    case 'invalid_value': {
      const values = (iss.values as unknown[] | undefined) ?? [];
      const shown = values.map((v) => JSON.stringify(v));
      return shown.length === 1 ? `must be ${shown[0]}` : `must be one of ${shown.join(', ')}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${String(iss.divisor)}`;
    case 'unrecognized_keys':
      return 'is not a known field';
    case 'invalid_union':
      return 'does not match any accepted form';
    default:
      return undefined;
  }
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

interface Located {
  issue: Issue;
  path: Path;
}

/**
 * How far a union branch is from the input: [shape mismatches at the branch's root (wrong type,
 * unknown keys), required keys that are absent, other issues at the root]. Lower is closer.
 */
type Score = [number, number, number];

function branchScore(branch: Issue[], at: Path, input: unknown): Score {
  const score: Score = [0, 0, 0];
  for (const issue of branch) {
    if (issue.path.length === 0) {
      if (issue.code === 'invalid_type' || issue.code === 'unrecognized_keys' || issue.code === 'invalid_union') score[0]++;
      else score[2]++;
    } else if (issue.path.length === 1 && valueAt(input, [...at, ...issue.path]) === undefined) {
      // A required key that is absent (whatever its schema): the input may have another shape.
      score[1]++;
    }
  }
  return score;
}

function compareScores(a: Score, b: Score): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

const generic = (field: string) => field.replace(/\[\d+\]/g, '[]');

/**
 * Follows a union into the branch the input is closest to. It stops at the union itself (with
 * the union's rule) when no branch has the input's shape, or when two branches are equally close.
 */
function locate(issue: Issue, base: Path, input: unknown, options: FormatOptions): Located {
  const path = [...base, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  if (valueAt(input, path) === undefined) return { issue: { ...issue, message: 'is required' }, path };
  const ranked = issue.errors
    .filter((branch) => branch.length > 0)
    .map((branch) => ({ branch, score: branchScore(branch, path, input) }))
    .sort((a, b) => compareScores(a.score, b.score));
  const best = ranked[0];
  const tied = ranked.length > 1 && compareScores(ranked[0]!.score, ranked[1]!.score) === 0;
  const unionRule = options.unionRules?.[generic(formatPath(path))];
  const shapeMissed = best !== undefined && (best.score[0] > 0 || (tied && best.score[1] > 0));
  if (best === undefined || shapeMissed || (best.score[2] > 0 && unionRule !== undefined)) {
    return { issue: { ...issue, message: unionRule ?? issue.message }, path };
  }
  return locate(best.branch[0]!, path, input, options);
}

/** The first issue of a ZodError as a ValidationError naming the field and the rule. */
export function formatZodError(error: z.ZodError, input: unknown, options: FormatOptions = {}): ValidationError {
  const first = error.issues[0];
  const rootField = options.rootField ?? 'request';
  if (first === undefined) return ruleViolation('INVALID_REQUEST', rootField, 'is not valid');
  const { issue, path: located } = locate(first, [], input, options);
  let path = located;
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) path = [...path, issue.keys[0]!];
  const field = formatPath(path) || rootField;
  const code = options.codeFor?.(path) ?? 'INVALID_REQUEST';
  const value = valueAt(input, path);
  const rule = issue.message || 'is not valid';
  // A missing value is "is required" and has nothing to show.
  return ruleViolation(code, field, rule, value === undefined ? undefined : value);
}

/** Parses with zodRules and throws the first issue as a ValidationError. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, options: FormatOptions = {}): z.output<S> {
  const result = schema.safeParse(input, { error: zodRules });
  if (!result.success) throw formatZodError(result.error, input, options);
  return result.data;
}

/** Which code a rejected request field carries. */
export function requestFieldCode(path: Path): ValidationCode {
  switch (path[0]) {
    case 'strategy':
      return 'INVALID_DEPLOYMENT_CONFIG';
    case 'functionName':
    case 'alias':
    case 'currentVersion':
    case 'targetVersion':
      return 'INVALID_REVISION';
    case 'alarms':
    case 'alarmPolicy':
      return 'INVALID_ALARM_CONFIG';
    default:
      return 'INVALID_REQUEST';
  }
}

export const REQUEST_UNION_RULES: Readonly<Record<string, string>> = {
  strategy:
    'must be a strategy name, a {"type":"TimeBasedCanary"|"TimeBasedLinear","percentage","intervalMinutes"} object, {"type":"AllAtOnce"} or {"steps":[…]}',
  'strategy.steps[]': 'must be exactly one step: {"setWeight"}, {"bake"}, {"pause"}, {"approval"} or {"hook"}',
  'strategy.steps[].approval': 'must be {} or true',
};

const REQUEST_FORMAT: FormatOptions = { codeFor: requestFieldCode, unionRules: REQUEST_UNION_RULES };

/** Rules across fields that zod does not check: the strategy plans; target differs from current. */
function checkRequest(request: PlanningRequest): void {
  planPreview(request);
  checkWindows(request.windows);
  if (request.currentVersion !== undefined && request.currentVersion === request.targetVersion) {
    throw ruleViolation('INVALID_REVISION', 'targetVersion', 'must differ from currentVersion', request.targetVersion);
  }
}

/** The request as JSON must fit MAX_REQUEST_BYTES (its record, events and limits all follow from it). */
function checkRequestSize(input: unknown): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch {
    return; // zod names what cannot be serialized
  }
  const bytes = text === undefined ? 0 : new TextEncoder().encode(text).length;
  if (bytes > MAX_REQUEST_BYTES) {
    throw ruleViolation('INVALID_REQUEST', 'request', `must be at most ${MAX_REQUEST_BYTES} bytes as JSON, is ${bytes} bytes`);
  }
}

/** A deployment request, or a ValidationError naming the first field that breaks a rule. */
export function parseRequest(input: unknown): DeploymentRequest {
  checkRequestSize(input);
  const request = parseWith(deploymentRequestSchema, input, REQUEST_FORMAT);
  checkRequest(request);
  return request;
}

/** The same for planning: function, alias and target version may be left out. */
export function parsePlanningRequest(input: unknown): PlanningRequest {
  checkRequestSize(input);
  const request = parseWith(planningRequestSchema, input, REQUEST_FORMAT);
  checkRequest(request);
  return request;
}
