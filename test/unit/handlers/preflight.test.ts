import { describe, expect, it } from 'vitest';
import { preflight, type PreflightInput } from '../../../shared/core/preflight.ts';
import type { DeploymentRequest } from '../../../shared/core/model/request.ts';

const request: DeploymentRequest = {
  functionName: 'orders-api',
  alias: 'live',
  targetVersion: '8',
  strategy: 'Canary10Percent5Minutes',
  alarms: ['orders-5xx'],
};
const role = 'arn:aws:iam::123456789012:role/orders';

function healthy(overrides: Partial<PreflightInput> = {}): PreflightInput {
  return {
    request,
    functionFound: true,
    alias: { functionVersion: '7', weights: {} },
    currentVersion: '7',
    current: { version: '7', role },
    target: { version: '8', role },
    hooks: [],
    alarms: { alarms: [{ name: 'orders-5xx', state: 'OK' }], missing: [] },
    ...overrides,
  };
}

const codes = (input: PreflightInput) => preflight(input).map((v) => `${v.code} ${v.field}`);

describe('Function: preflight', () => {
  it('finds nothing wrong with a ready alias, versions, hooks and alarms', () => {
    expect(preflight(healthy())).toEqual([]);
    expect(preflight(healthy({ alarms: { alarms: [{ name: 'orders-5xx', state: 'INSUFFICIENT_DATA' }], missing: [] } }))).toEqual([]);
  });

  it('a missing function is INVALID_LAMBDA_FUNCTION and nothing about it is checked further', () => {
    expect(codes(healthy({ functionFound: false }))).toEqual(['INVALID_LAMBDA_FUNCTION functionName']);
  });

  it('a missing alias is INVALID_LAMBDA_FUNCTION on alias', () => {
    const { alias: _alias, ...rest } = healthy();
    expect(codes(rest)).toEqual(['INVALID_LAMBDA_FUNCTION alias']);
  });

  it('the alias must serve the current version with no weights', () => {
    expect(preflight(healthy({ request: { ...request, currentVersion: '6' }, currentVersion: '6', current: { version: '6', role } }))).toEqual([
      { code: 'INVALID_LAMBDA_CONFIGURATION', field: 'currentVersion', message: 'currentVersion: alias live serves version 7, not 6' },
    ]);
    const weighted = preflight(healthy({ alias: { functionVersion: '7', weights: { '9': 0.25 } } }));
    expect(weighted).toHaveLength(1);
    expect(weighted[0]).toMatchObject({ code: 'INVALID_LAMBDA_CONFIGURATION', field: 'alias' });
    expect(weighted[0]!.message).toContain('25% to version 9');
    expect(codes(healthy({ alias: { functionVersion: '$LATEST', weights: {} }, currentVersion: '$LATEST', current: undefined }))).toEqual([
      'INVALID_LAMBDA_CONFIGURATION alias',
    ]);
  });

  it('the target must differ from the version the alias serves', () => {
    expect(preflight(healthy({ request: { ...request, targetVersion: '7' } }))).toEqual([
      { code: 'INVALID_REVISION', field: 'targetVersion', message: 'targetVersion: version 7 is the version alias live serves already' },
    ]);
  });

  it('both versions must exist and be published', () => {
    expect(codes(healthy({ target: undefined }))).toEqual(['INVALID_REVISION targetVersion']);
    expect(codes(healthy({ current: undefined }))).toEqual(['INVALID_LAMBDA_FUNCTION currentVersion']);
    expect(codes(healthy({ target: { version: '$LATEST', role } }))).toEqual(['INVALID_REVISION targetVersion']);
  });

  it('both versions must share the execution role and the dead-letter configuration', () => {
    const other = preflight(healthy({ target: { version: '8', role: 'arn:aws:iam::123456789012:role/other' } }));
    expect(other).toHaveLength(1);
    expect(other[0]).toMatchObject({ code: 'INVALID_LAMBDA_CONFIGURATION', field: 'targetVersion' });
    expect(other[0]!.message).toContain('role/other');
    const dlq = preflight(healthy({ target: { version: '8', role, deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:dlq' } }));
    expect(dlq[0]!.message).toContain('dead-letter');
    expect(preflight(healthy({ current: { version: '7', role, deadLetterTargetArn: 'q' }, target: { version: '8', role, deadLetterTargetArn: 'q' } }))).toEqual([]);
  });

  it('every hook must exist, named by the field that names it', () => {
    const v = preflight(
      healthy({
        hooks: [
          { field: 'hooks.beforeAllowTraffic', name: 'pre-check', exists: true },
          { field: 'strategy.steps[2].hook', name: 'smoke', exists: false },
        ],
      }),
    );
    expect(v).toEqual([{ code: 'INVALID_LAMBDA_FUNCTION', field: 'strategy.steps[2].hook', message: 'strategy.steps[2].hook: hook function smoke does not exist' }]);
  });

  it('an unknown alarm is INVALID_ALARM_CONFIG, never OK', () => {
    expect(preflight(healthy({ alarms: { alarms: [], missing: ['orders-5xx'] } }))).toEqual([
      { code: 'INVALID_ALARM_CONFIG', field: 'alarms', message: 'alarms: alarm orders-5xx does not exist' },
    ]);
  });

  it('an alarm already in ALARM is ALARM_ACTIVE unless ignoreAlarmsAtStart', () => {
    const firing = { alarms: [{ name: 'orders-5xx', state: 'ALARM' }], missing: [] };
    expect(codes(healthy({ alarms: firing }))).toEqual(['ALARM_ACTIVE alarms']);
    expect(preflight(healthy({ alarms: firing, request: { ...request, alarmPolicy: { ignoreAlarmsAtStart: true } } }))).toEqual([]);
  });

  it('lists every violation, in order', () => {
    expect(
      codes(
        healthy({
          alias: { functionVersion: '7', weights: { '8': 0.1 } },
          target: { version: '8', role: 'other' },
          hooks: [{ field: 'hooks.afterAllowTraffic', name: 'post', exists: false }],
          alarms: { alarms: [{ name: 'orders-5xx', state: 'ALARM' }], missing: ['x'] },
        }),
      ),
    ).toEqual([
      'INVALID_LAMBDA_CONFIGURATION alias',
      'INVALID_LAMBDA_CONFIGURATION targetVersion',
      'INVALID_LAMBDA_FUNCTION hooks.afterAllowTraffic',
      'INVALID_ALARM_CONFIG alarms',
      'ALARM_ACTIVE alarms',
    ]);
  });
});
