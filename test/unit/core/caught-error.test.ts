/**
 * A Catch's `{Error, Cause}` read back (shared/core/deployment/caught-error.ts), when the Cause is
 * a Lambda error's JSON that Step Functions cut at 32,768 characters: the code and a clean
 * message, never the JSON. And Prepare's refusal message, which stays short enough not to be cut.
 */
import { describe, expect, it } from 'vitest';
import { lambdaErrorOf, MAX_CAUSE_CHARS, summarizeCaught } from '../../../shared/core/deployment/caught-error.ts';
import { MAX_REFUSAL_CHARS, refusalMessage } from '../../../shared/tasks/prepare.ts';

const envelope = (errorType: string, errorMessage: string) => JSON.stringify({ errorType, errorMessage, trace: ['at x (index.mjs:1:2)'] });
const cut = (text: string) => text.slice(0, MAX_CAUSE_CHARS);

describe('a Lambda error cut short', () => {
  const long = `orders-api:live already has an active deployment: gp-1; ${'alarms: alarm "x\\y" does not exist; '.repeat(1200)}`;

  it('DEPLOYMENT_IN_PROGRESS: the code and the message kept, saying it was cut, no JSON', () => {
    const cause = cut(envelope('DEPLOYMENT_IN_PROGRESS', long));
    expect(() => JSON.parse(cause)).toThrow();
    const summary = summarizeCaught({ Error: 'DEPLOYMENT_IN_PROGRESS', Cause: cause });
    expect(summary.code).toBe('DEPLOYMENT_IN_PROGRESS');
    expect(summary.message.startsWith('orders-api:live already has an active deployment: gp-1; alarms: alarm "x\\y" does not exist')).toBe(true);
    expect(summary.message).toMatch(/… \(cut short at 32768 characters\)$/);
    expect(summary.message).not.toContain('errorType');
    expect(summary.message).not.toContain('{"');
  });

  it('the code read from the JSON when Error is Lambda\'s own', () => {
    expect(summarizeCaught({ Error: 'States.TaskFailed', Cause: cut(envelope('DEPLOYMENT_IN_PROGRESS', long)) }).code).toBe('DEPLOYMENT_IN_PROGRESS');
  });

  it.each([1, 2, 3, 4, 5, 6])('cut inside an escape (%i characters of it kept)', (kept) => {
    const text = `abc\\u00e9`;
    const cause = `{"errorType":"INVALID_REQUEST","errorMessage":"${text.slice(0, 3 + kept)}`;
    const read = lambdaErrorOf(cause);
    expect(read?.errorType).toBe('INVALID_REQUEST');
    expect(read?.errorMessage?.startsWith('abc')).toBe(true);
    expect(read?.errorMessage).toMatch(/… \(cut short/);
  });

  it('whole JSON and plain text read as before', () => {
    expect(summarizeCaught({ Error: 'DEPLOYMENT_IN_PROGRESS', Cause: envelope('DEPLOYMENT_IN_PROGRESS', 'a:b already has an active deployment: gp-2') })).toEqual({
      code: 'DEPLOYMENT_IN_PROGRESS',
      message: 'a:b already has an active deployment: gp-2',
    });
    expect(summarizeCaught({ Error: 'MANUAL_STOP', Cause: '{not json' })).toEqual({ code: 'MANUAL_STOP', message: '{not json' });
    expect(lambdaErrorOf('plain')).toBeUndefined();
  });
});

describe("Prepare's refusal message", () => {
  const violation = (i: number) => ({ code: 'INVALID_ALARM_CONFIG' as const, field: 'alarms', message: `alarms: alarm ${'a'.repeat(240)}-${i} does not exist` });

  it('100 long violations: as many as fit, then how many more; its Lambda error is never cut', () => {
    const all = Array.from({ length: 100 }, (_, i) => violation(i));
    const message = refusalMessage(all);
    expect(message.length).toBeLessThanOrEqual(MAX_REFUSAL_CHARS + 100);
    const listed = message.split('; ').filter((m) => m.startsWith('alarms:')).length;
    expect(message.endsWith(`; … and ${100 - listed} more (100 violations in all)`)).toBe(true);
    expect(envelope('INVALID_ALARM_CONFIG', message).length).toBeLessThan(MAX_CAUSE_CHARS);
  });

  it('a few: all of them, joined', () => {
    expect(refusalMessage([violation(1), violation(2)])).toBe(`${violation(1).message}; ${violation(2).message}`);
  });
});
