import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatZodError, parsePlanningRequest, parseRequest, parseWith } from '../../shared/core/validate.ts';
import { rejected } from '../support/rejected.ts';
import { describeValue } from '../../shared/core/describe.ts';

const base = { functionName: 'orders', alias: 'live', currentVersion: '7', targetVersion: '8', strategy: 'AllAtOnce' };

describe('parseRequest', () => {
  it('returns a valid request unchanged', () => {
    const input = {
      ...base,
      hooks: { beforeAllowTraffic: 'pre', afterAllowTraffic: 'arn:aws:lambda:eu-west-1:123456789012:function:post' },
      alarms: ['orders-5xx'],
      alarmPolicy: { checkIntervalSeconds: 10 },
      finalBake: '5m',
    };
    expect(parseRequest(input)).toEqual(input);
  });

  const cases: [string, Record<string, unknown>, string, string, string][] = [
    ['a missing function', { functionName: undefined }, 'INVALID_REVISION', 'functionName', 'functionName: is required'],
    ['$LATEST as target', { targetVersion: '$LATEST' }, 'INVALID_REVISION', 'targetVersion', 'targetVersion: must be a published version number (a positive integer, never $LATEST), got "$LATEST"'],
    ['a version given as a number', { currentVersion: 7 }, 'INVALID_REVISION', 'currentVersion', 'currentVersion: must be a string, got 7'],
    ['target equal to current', { targetVersion: '7' }, 'INVALID_REVISION', 'targetVersion', 'targetVersion: must differ from currentVersion, got "7"'],
    ['an all-digit alias', { alias: '123' }, 'INVALID_REVISION', 'alias', 'alias: must be letters, digits, - or _, and not only digits, got "123"'],
    ['an empty alarm name', { alarms: ['ok', ''] }, 'INVALID_ALARM_CONFIG', 'alarms[1]', 'alarms[1]: must not be empty, got ""'],
    ['alarms as a string', { alarms: 'orders-5xx' }, 'INVALID_ALARM_CONFIG', 'alarms', 'alarms: must be a list, got "orders-5xx"'],
    ['a check interval of 0', { alarmPolicy: { checkIntervalSeconds: 0 } }, 'INVALID_ALARM_CONFIG', 'alarmPolicy.checkIntervalSeconds', 'alarmPolicy.checkIntervalSeconds: must be at least 1, got 0'],
    ['an unknown top-level field', { strategyName: 'x' }, 'INVALID_REQUEST', 'strategyName', 'strategyName: is not a known field, got "x"'],
    ['an unknown hook', { hooks: { beforeInstall: 'x' } }, 'INVALID_REQUEST', 'hooks.beforeInstall', 'hooks.beforeInstall: is not a known field, got "x"'],
    ['a hook timeout above 12 h', { hookTimeoutSeconds: 43201 }, 'INVALID_REQUEST', 'hookTimeoutSeconds', 'hookTimeoutSeconds: must be at most 43200, got 43201'],
    ['percentage 150', { strategy: { type: 'TimeBasedCanary', percentage: 150, intervalMinutes: 5 } }, 'INVALID_DEPLOYMENT_CONFIG', 'strategy.percentage', 'strategy.percentage: must be an integer from 1 to 99, got 150'],
    ['percentage as a string', { strategy: { type: 'TimeBasedLinear', percentage: '10', intervalMinutes: 5 } }, 'INVALID_DEPLOYMENT_CONFIG', 'strategy.percentage', 'strategy.percentage: must be a number, got "10"'],
    ['an unknown time-based type', { strategy: { type: 'TimeBasedRandom', percentage: 10, intervalMinutes: 5 } }, 'INVALID_DEPLOYMENT_CONFIG', 'strategy.type', 'strategy.type: must be one of "TimeBasedCanary", "TimeBasedLinear", got "TimeBasedRandom"'],
    ['a missing intervalMinutes', { strategy: { type: 'TimeBasedCanary', percentage: 10 } }, 'INVALID_DEPLOYMENT_CONFIG', 'strategy.intervalMinutes', 'strategy.intervalMinutes: is required'],
    ['a strategy object of no known form', { strategy: { canary: 10 } }, 'INVALID_DEPLOYMENT_CONFIG', 'strategy', 'strategy: must be a strategy name, a {"type":"TimeBasedCanary"|"TimeBasedLinear","percentage","intervalMinutes"} object, {"type":"AllAtOnce"} or {"steps":[…]}, got {"canary":10}'],
    ['an empty strategy name', { strategy: '' }, 'INVALID_DEPLOYMENT_CONFIG', 'strategy', 'strategy: must not be empty, got ""'],
  ];
  for (const [label, change, code, field, message] of cases) {
    it(`rejects ${label}`, () => {
      const error = rejected(() => parseRequest({ ...base, ...change }));
      expect(error.code).toBe(code);
      expect(error.field).toBe(field);
      expect(error.message).toBe(message);
      expect(error.name).toBe(code);
    });
  }

  it('rejects input that is not an object', () => {
    const error = rejected(() => parseRequest(['orders']));
    expect(error.field).toBe('request');
    expect(error.message).toBe('request: must be an object, got ["orders"]');
  });

  it('shows long values cut short', () => {
    const error = rejected(() => parseRequest({ ...base, functionName: 'x'.repeat(200) }));
    expect(error.message).toMatch(/^functionName: must be at most 140 characters long, got "x{58}…$/);
  });

  it('keeps the deployment schema strict: the target version is required', () => {
    const { targetVersion: _omit, ...withoutTarget } = base;
    expect(rejected(() => parseRequest(withoutTarget)).message).toBe('targetVersion: is required');
  });
});

describe('parsePlanningRequest', () => {
  it('allows function, alias and versions to be left out', () => {
    expect(parsePlanningRequest({ strategy: 'Canary10Percent5Minutes' })).toEqual({ strategy: 'Canary10Percent5Minutes' });
  });
  it('still checks what is given', () => {
    expect(rejected(() => parsePlanningRequest({ strategy: 'AllAtOnce', targetVersion: '0' })).field).toBe('targetVersion');
    expect(rejected(() => parsePlanningRequest({ strategy: 'Nope' })).field).toBe('strategy');
    expect(rejected(() => parsePlanningRequest({})).message).toBe('strategy: is required');
  });
});

describe('formatZodError on another schema', () => {
  const groupSchema = z.strictObject({
    name: z.string().min(3),
    windows: z.array(z.strictObject({ start: z.string().regex(/^\d\d:\d\d$/, 'must be HH:MM') })),
  });

  it('names the dotted path and the rule, with the caller choosing the code', () => {
    const input = { name: 'orders', windows: [{ start: '09:00' }, { start: '9am' }] };
    const result = groupSchema.safeParse(input);
    expect(result.success).toBe(false);
    const error = formatZodError(result.error!, input, { codeFor: () => 'INVALID_DEPLOYMENT_CONFIG', rootField: 'group' });
    expect(error.code).toBe('INVALID_DEPLOYMENT_CONFIG');
    expect(error.field).toBe('windows[1].start');
    expect(error.message).toBe('windows[1].start: must be HH:MM, got "9am"');
  });

  it('parseWith gives the same rule texts as the request', () => {
    const error = rejected(() => parseWith(groupSchema, { name: 'ab', windows: [] }, { rootField: 'group' }));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toBe('name: must be at least 3 characters long, got "ab"');
    expect(rejected(() => parseWith(groupSchema, 5, { rootField: 'group' })).message).toBe('group: must be an object, got 5');
  });
});

describe('describeValue', () => {
  it('shows JSON, undefined and non-finite numbers', () => {
    expect(describeValue('a')).toBe('"a"');
    expect(describeValue({ a: [1] })).toBe('{"a":[1]}');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue('y'.repeat(100))).toHaveLength(60);
  });
});
