/**
 * Deployment groups (shared/core/model/group.ts, shared/core/groups.ts): validated like a request, a clear
 * error per field; turned into a request for a version.
 */
import { describe, expect, it } from 'vitest';
import { groupRequest, parseGroup } from '../../../shared/core/groups.ts';
import { ValidationError } from '../../../shared/core/errors.ts';

const valid = {
  name: 'orders',
  function: 'orders-api',
  alias: 'live',
  strategy: 'Canary10Percent5Minutes',
  alarms: ['orders-5xx'],
  windows: [{ days: ['Mon', 'Tue'], start: '09:00', end: '17:00', timezone: 'Europe/Paris' }],
  sources: { s3: [{ bucket: 'orders-artifacts', prefix: 'builds/', suffix: '.zip' }], ecr: [{ repository: 'team/orders', tagPattern: 'v*' }] },
};

function rejection(input: unknown): ValidationError {
  try {
    parseGroup(input);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseGroup', () => {
  it('accepts a full group', () => {
    expect(parseGroup(valid)).toEqual(valid);
  });

  it.each([
    [{ ...valid, name: 'has space' }, 'INVALID_REQUEST', /^name: must be 1–100 letters/],
    [{ ...valid, function: undefined }, 'INVALID_REVISION', /^function: is required$/],
    [{ ...valid, alias: '123' }, 'INVALID_REVISION', /^alias: must be letters/],
    [{ ...valid, strategy: 'Canary10Percent7Minutes' }, 'INVALID_DEPLOYMENT_CONFIG', /^strategy/],
    [{ ...valid, strategy: { type: 'TimeBasedCanary', percentage: 150, intervalMinutes: 5 } }, 'INVALID_DEPLOYMENT_CONFIG', /^strategy\.percentage: must be an integer from 1 to 99, got 150/],
    [{ ...valid, windows: [{ start: '9am', end: '17:00' }] }, 'INVALID_REQUEST', /^windows\[0\]\.start: must be HH:MM \(24-hour\), got "9am"/],
    [{ ...valid, windows: [{ start: '09:00', end: '17:00', timezone: 'Paris' }] }, 'INVALID_REQUEST', /^windows\[0\]\.timezone: must be an IANA time zone/],
    [{ ...valid, windows: [{ days: ['Monday'], start: '09:00', end: '17:00' }] }, 'INVALID_REQUEST', /^windows\[0\]\.days\[0\]: must be one of "Mon"/],
    [{ ...valid, sources: { s3: [{ bucket: 'Orders_Artifacts' }] } }, 'INVALID_REQUEST', /^sources\.s3\[0\]\.bucket: must be an S3 bucket name/],
    [{ ...valid, sources: { ecr: [{ repository: 'Orders' }] } }, 'INVALID_REQUEST', /^sources\.ecr\[0\]\.repository: must be an ECR repository name/],
    [{ ...valid, sources: { ecr: [{ repository: 'orders', tagPattern: 'v[0-9]' }] } }, 'INVALID_REQUEST', /^sources\.ecr\[0\]\.tagPattern: must be an image tag pattern/],
    [{ ...valid, sources: { sqs: [] } }, 'INVALID_REQUEST', /^sources\.sqs: is not a known field/],
    [{ ...valid, sources: { s3: [{ bucket: 'a-b-c' }, { bucket: 'a-b-c' }] } }, 'INVALID_REQUEST', /^sources\.s3\[1\]: repeats sources\.s3\[0\]/],
    [{ ...valid, alarmPolicy: { checkIntervalSeconds: 0 } }, 'INVALID_ALARM_CONFIG', /^alarmPolicy\.checkIntervalSeconds: must be at least 1, got 0/],
    [{ ...valid, targetVersion: '3' }, 'INVALID_REQUEST', /^targetVersion: is not a known field/],
    ['orders', 'INVALID_REQUEST', /^group: must be an object/],
  ])('refuses %j', (input, code, message) => {
    const error = rejection(input);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});

describe('groupRequest', () => {
  it('is the group as a deployment request for the version', () => {
    const request = groupRequest(parseGroup(valid), { targetVersion: '8', description: 's3://orders-artifacts/builds/x.zip' });
    expect(request).toEqual({
      functionName: 'orders-api',
      alias: 'live',
      targetVersion: '8',
      strategy: 'Canary10Percent5Minutes',
      alarms: ['orders-5xx'],
      windows: valid.windows,
      description: 's3://orders-artifacts/builds/x.zip',
    });
  });

  it('refuses a version the request would refuse', () => {
    expect(() => groupRequest(parseGroup(valid), { targetVersion: '$LATEST' })).toThrow(/^targetVersion: must be a published version number/);
  });
});
