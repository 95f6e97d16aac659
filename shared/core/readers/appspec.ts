/**
 * CodeDeploy AppSpec files for Lambda (YAML or JSON) → the parts of a deployment request they hold:
 * function, alias, current and target version, and the BeforeAllowTraffic / AfterAllowTraffic hooks.
 *
 * AWS documents keys in both cases (`Resources`, `resources`), so keys are matched without regard
 * to case; Resources and Hooks are lists of one-key maps in AWS's examples, and a plain map is
 * accepted too. Every rejection is INVALID_REVISION (CodeDeploy's code for a bad AppSpec) and names
 * the field by its path in the file.
 */
import { parse as parseYaml } from 'yaml';
import { FUNCTION_NAME_PATTERN, ALIAS_PATTERN, VERSION_PATTERN } from '../model/request.ts';
import { ruleViolation } from '../describe.ts';

export interface AppSpecRequest {
  functionName: string;
  alias: string;
  currentVersion: string;
  targetVersion: string;
  hooks?: { beforeAllowTraffic?: string; afterAllowTraffic?: string };
}

const LAMBDA_TYPE = 'AWS::Lambda::Function';
const HOOK_EVENTS = { beforeallowtraffic: 'beforeAllowTraffic', afterallowtraffic: 'afterAllowTraffic' } as const;

type Obj = Record<string, unknown>;

const fail = (field: string, rule: string, value?: unknown) => ruleViolation('INVALID_REVISION', field, rule, value);

const isObject = (value: unknown): value is Obj => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The object's keys by lower-case name; a key that appears twice in different cases, or that is not
 * in `allowed`, is rejected.
 */
function keysOf(obj: Obj, allowed: readonly string[], at: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const key of Object.keys(obj)) {
    const lower = key.toLowerCase();
    const field = at === '' ? key : `${at}.${key}`;
    if (!allowed.includes(lower)) {
      throw fail(field, `is not an AppSpec field here (expected ${allowed.map(canonical).join(', ')})`);
    }
    if (keys.has(lower)) throw fail(field, `appears twice (also as ${keys.get(lower)}); keys ignore case`);
    keys.set(lower, key);
  }
  return keys;
}

const CANONICAL: Record<string, string> = {
  version: 'version',
  resources: 'Resources',
  hooks: 'Hooks',
  type: 'Type',
  properties: 'Properties',
  name: 'Name',
  alias: 'Alias',
  currentversion: 'CurrentVersion',
  targetversion: 'TargetVersion',
  beforeallowtraffic: 'BeforeAllowTraffic',
  afterallowtraffic: 'AfterAllowTraffic',
};
const canonical = (lower: string) => CANONICAL[lower] ?? lower;

/** `[{a: x}, {b: y}]` or `{a: x, b: y}` as entries; each list item must be a one-key map. */
function entriesOf(value: unknown, field: string): { key: string; value: unknown; field: string }[] {
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      const at = `${field}[${index}]`;
      if (!isObject(item) || Object.keys(item).length !== 1) throw fail(at, 'must be a map with exactly one key', item);
      const key = Object.keys(item)[0]!;
      return { key, value: item[key], field: `${at}.${key}` };
    });
  }
  if (isObject(value)) return Object.entries(value).map(([key, v]) => ({ key, value: v, field: `${field}.${key}` }));
  throw fail(field, 'must be a list of one-key maps or a map', value);
}

function text(text: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw fail('appspec', `must be YAML or JSON (${reason})`);
  }
}

/** A version as the AppSpec gives it: a positive integer string (an unquoted YAML integer is accepted). */
function version(value: unknown, field: string): string {
  const shown = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (value === undefined) throw fail(field, 'is required');
  if (shown === '$LATEST') throw fail(field, 'must be a published version, never $LATEST', value);
  if (typeof shown !== 'string' || !VERSION_PATTERN.test(shown)) {
    throw fail(field, 'must be a published version number (a positive integer)', value);
  }
  return shown;
}

function functionName(value: unknown, field: string): string {
  if (value === undefined) throw fail(field, 'is required');
  if (typeof value !== 'string' || value.length > 140 || !FUNCTION_NAME_PATTERN.test(value)) {
    throw fail(field, 'must be a Lambda function name or ARN', value);
  }
  return value;
}

/** Reads an AppSpec (YAML or JSON text) into the request fields it holds. */
export function readAppSpec(source: string): AppSpecRequest {
  const doc = text(source);
  if (!isObject(doc)) throw fail('appspec', 'must be a map with version, Resources and Hooks', doc);
  const top = keysOf(doc, ['version', 'resources', 'hooks'], '');

  const versionKey = top.get('version');
  const versionValue = versionKey === undefined ? undefined : doc[versionKey];
  if (versionValue === undefined) throw fail('version', 'is required (0.0)');
  if (versionValue !== 0 && versionValue !== '0.0') throw fail(versionKey!, 'must be 0.0', versionValue);

  const resourcesKey = top.get('resources') ?? 'Resources';
  const resources = entriesOf(doc[resourcesKey], resourcesKey);
  if (resources.length === 0) throw fail(resourcesKey, `must hold exactly one resource of Type ${LAMBDA_TYPE}`);
  if (resources.length > 1) {
    throw fail(resources[1]!.field, `is one resource too many: a Lambda AppSpec holds exactly one, of Type ${LAMBDA_TYPE}`);
  }
  const resource = resources[0]!;
  if (!isObject(resource.value)) throw fail(resource.field, 'must be a map with Type and Properties', resource.value);
  const resourceObj = resource.value;
  const resourceKeys = keysOf(resourceObj, ['type', 'properties'], resource.field);
  const typeKey = resourceKeys.get('type') ?? 'Type';
  const type = resourceObj[typeKey];
  if (typeof type !== 'string' || type.toLowerCase() !== LAMBDA_TYPE.toLowerCase()) {
    throw fail(`${resource.field}.${typeKey}`, type === undefined ? 'is required' : `must be ${LAMBDA_TYPE}`, type);
  }
  const propsField = `${resource.field}.${resourceKeys.get('properties') ?? 'Properties'}`;
  const props = resourceObj[resourceKeys.get('properties') ?? 'Properties'];
  if (!isObject(props)) throw fail(propsField, props === undefined ? 'is required' : 'must be a map', props);
  const propKeys = keysOf(props, ['name', 'alias', 'currentversion', 'targetversion'], propsField);
  const prop = (lower: string) => {
    const key = propKeys.get(lower) ?? canonical(lower);
    return { value: props[key], field: `${propsField}.${key}` };
  };

  const name = prop('name');
  const alias = prop('alias');
  if (alias.value === undefined) throw fail(alias.field, 'is required');
  if (typeof alias.value !== 'string' || alias.value.length > 128 || !ALIAS_PATTERN.test(alias.value)) {
    throw fail(alias.field, 'must be an alias name (letters, digits, - or _, not only digits)', alias.value);
  }
  const current = prop('currentversion');
  const target = prop('targetversion');
  const request: AppSpecRequest = {
    functionName: functionName(name.value, name.field),
    alias: alias.value,
    currentVersion: version(current.value, current.field),
    targetVersion: version(target.value, target.field),
  };
  if (request.currentVersion === request.targetVersion) {
    throw fail(target.field, `must differ from CurrentVersion`, target.value);
  }

  const hooksKey = top.get('hooks');
  if (hooksKey !== undefined && doc[hooksKey] !== null) {
    const hooks: NonNullable<AppSpecRequest['hooks']> = {};
    for (const entry of entriesOf(doc[hooksKey], hooksKey)) {
      const event = HOOK_EVENTS[entry.key.toLowerCase() as keyof typeof HOOK_EVENTS];
      if (event === undefined) {
        throw fail(entry.field, 'is not a Lambda lifecycle hook (only BeforeAllowTraffic and AfterAllowTraffic)');
      }
      if (hooks[event] !== undefined) throw fail(entry.field, 'is given twice');
      hooks[event] = functionName(entry.value, entry.field);
    }
    if (Object.keys(hooks).length > 0) request.hooks = hooks;
  }
  return request;
}
