import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../shared/core/validate.ts';
import { MAX_ALARMS, MAX_FINAL_BAKE_SECONDS, MAX_REQUEST_BYTES } from '../../shared/core/model/request.ts';
import { rejected } from '../support/rejected.ts';

const base = { functionName: 'orders', alias: 'live', currentVersion: '7', targetVersion: '8', strategy: 'AllAtOnce' };
const alarmNames = (n: number, length = 255) => Array.from({ length: n }, (_, i) => `${i}-`.padEnd(length, 'a'));
const shifts = (n: number) => ({ steps: Array.from({ length: n }, (_, i) => ({ setWeight: Math.round(((i + 1) * 100) / (n + 1)) })) });

describe('request limits', () => {
  it('accepts the largest alarm list, names of 255 characters', () => {
    expect(parseRequest({ ...base, alarms: alarmNames(MAX_ALARMS) }).alarms).toHaveLength(MAX_ALARMS);
  });

  it('refuses 780 alarm names of 255 characters with a 99-shift plan, naming the request size', () => {
    const error = rejected(() => parseRequest({ ...base, alarms: alarmNames(780), strategy: shifts(99) }));
    expect(error.field).toBe('request');
    expect(error.message).toMatch(new RegExp(`^request: must be at most ${MAX_REQUEST_BYTES} bytes as JSON, is \\d+ bytes$`));
  });

  it('refuses more alarms than one DescribeAlarms call reads, naming alarms', () => {
    const error = rejected(() => parseRequest({ ...base, alarms: alarmNames(MAX_ALARMS + 1, 20) }));
    expect(error.code).toBe('INVALID_ALARM_CONFIG');
    expect(error.field).toBe('alarms');
    expect(error.message).toMatch(/^alarms: must hold at most 100 items/);
  });

  it('refuses an alarm name of 256 characters', () => {
    const error = rejected(() => parseRequest({ ...base, alarms: ['x'.repeat(256)] }));
    expect(error.field).toBe('alarms[0]');
    expect(error.message).toMatch(/^alarms\[0\]: must be at most 255 characters long/);
  });

  it('bounds finalBake to 14 days, as seconds or as text', () => {
    expect(parseRequest({ ...base, finalBake: MAX_FINAL_BAKE_SECONDS }).finalBake).toBe(MAX_FINAL_BAKE_SECONDS);
    for (const finalBake of [MAX_FINAL_BAKE_SECONDS + 1, '337h', `${100 * 365 * 24}h`]) {
      const error = rejected(() => parseRequest({ ...base, finalBake }));
      expect(error.field).toBe('finalBake');
      expect(error.message).toContain('finalBake: must be at most 14 days (1209600 seconds)');
    }
  });

  it('bounds every other duration to one year', () => {
    const error = rejected(() => parseRequest({ ...base, strategy: { steps: [{ setWeight: 50 }, { bake: '8761h' }] } }));
    expect(error.field).toBe('strategy.steps[1].bake');
    expect(error.message).toContain('must be at most one year (31536000 seconds)');
  });

  for (const functionName of ['orders:1', 'orders:live', 'orders:$LATEST', 'arn:aws:lambda:eu-west-1:123456789012:function:orders:live']) {
    it(`refuses the qualified function name ${functionName}`, () => {
      const error = rejected(() => parseRequest({ ...base, functionName }));
      expect(error.field).toBe('functionName');
      expect(error.message).toContain('must be the unqualified function name or ARN (no :version or :alias suffix');
    });
  }

  it('still accepts an unqualified ARN', () => {
    const functionName = 'arn:aws:lambda:eu-west-1:123456789012:function:orders';
    expect(parseRequest({ ...base, functionName }).functionName).toBe(functionName);
  });

  it('says a number out of range (1e309) is not finite, not "null"', () => {
    const input = JSON.parse('{"functionName":"orders","alias":"live","targetVersion":"8","strategy":"AllAtOnce","hookTimeoutSeconds":1e309}') as unknown;
    const error = rejected(() => parseRequest(input));
    expect(error.field).toBe('hookTimeoutSeconds');
    expect(error.message).toBe('hookTimeoutSeconds: must be a finite number (this one is out of range), got Infinity');
  });

  for (const input of [[], 42, 'x', null]) {
    it(`refuses the execution input ${JSON.stringify(input)} naming the request`, () => {
      const error = rejected(() => parseRequest(input));
      expect(error.code).toBe('INVALID_REQUEST');
      expect(error.field).toBe('request');
      expect(error.message).toMatch(/^request: must be an object/);
    });
  }
});
