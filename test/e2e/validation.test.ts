/**
 * Bad input end to end: the execution starts (as the CLI would start it), Prepare refuses it
 * before anything changes, and the execution fails with its error code and a cause that
 * names the field and the rule. The alias is untouched (same RevisionId), no lock is left, and a
 * Failed record says why.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getLock } from '../../shared/aws/deployment-store.ts';
import { createApp, readAlias, type AliasView, type App } from './support/app.ts';
import { deploy } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { explain } from './support/expect.ts';

const ctx = useEngine({ speed: 10_000 });

let app: App;
let before: AliasView;

beforeAll(async () => {
  // One app for every case: a refused deployment must leave it as it was, so the next case starts clean.
  app = await createApp(ctx.lambda, 'invalid');
  before = await readAlias(ctx.lambda, app);
});

interface Case {
  what: string;
  request: (app: App) => Record<string, unknown>;
  code: string;
  /** The cause: `<field>: <rule>…`. */
  cause: string | RegExp;
}

const CASES: Case[] = [
  {
    what: 'a canary percentage of 150',
    request: () => ({ strategy: { type: 'TimeBasedCanary', percentage: 150, intervalMinutes: 5 } }),
    code: 'INVALID_DEPLOYMENT_CONFIG',
    cause: 'strategy.percentage: must be an integer from 1 to 99, got 150',
  },
  {
    what: 'a linear interval of 0 minutes',
    request: () => ({ strategy: { type: 'TimeBasedLinear', percentage: 10, intervalMinutes: 0 } }),
    code: 'INVALID_DEPLOYMENT_CONFIG',
    cause: /^strategy\.intervalMinutes: must be an integer from 1 to \d+ .*got 0/,
  },
  {
    what: 'an unknown strategy name',
    request: () => ({ strategy: 'Canary10Percent7Minutes' }),
    code: 'INVALID_DEPLOYMENT_CONFIG',
    cause: /^strategy: .*Canary10Percent7Minutes/,
  },
  {
    what: 'a step weight of 150',
    request: () => ({ strategy: { steps: [{ setWeight: 150 }] } }),
    code: 'INVALID_DEPLOYMENT_CONFIG',
    cause: /^strategy\.steps\[0\]\.setWeight: .*150/,
  },
  {
    what: 'the $LATEST target',
    request: () => ({ targetVersion: '$LATEST', strategy: 'AllAtOnce' }),
    code: 'INVALID_REVISION',
    cause: /^targetVersion: must be a published version number \(a positive integer, never \$LATEST\)/,
  },
  {
    what: 'a target version that does not exist',
    request: (a) => ({ targetVersion: '9', strategy: 'AllAtOnce', functionName: a.functionName }),
    code: 'INVALID_REVISION',
    cause: /^targetVersion: version 9 of invalid-\S+ does not exist/,
  },
  {
    what: 'the target the alias already serves',
    request: () => ({ targetVersion: '1', strategy: 'AllAtOnce' }),
    code: 'INVALID_REVISION',
    cause: /^targetVersion: version 1 is the version alias live serves already/,
  },
  {
    what: 'a current version the alias does not serve',
    request: () => ({ currentVersion: '2', targetVersion: '3', strategy: 'AllAtOnce' }),
    code: 'INVALID_LAMBDA_CONFIGURATION',
    cause: /^currentVersion: alias live serves version 1, not 2/,
  },
  {
    what: 'an unknown alarm name',
    request: () => ({ strategy: 'AllAtOnce', alarms: ['no-such-alarm'] }),
    code: 'INVALID_ALARM_CONFIG',
    cause: 'alarms: alarm no-such-alarm does not exist',
  },
  {
    what: 'an unknown hook function',
    request: () => ({ strategy: 'AllAtOnce', hooks: { beforeAllowTraffic: 'no-such-hook' } }),
    code: 'INVALID_LAMBDA_FUNCTION',
    cause: 'hooks.beforeAllowTraffic: hook function no-such-hook does not exist',
  },
  {
    // Today's local function of that name would be moved instead: refused before anything is read.
    what: 'the function ARN of another account',
    request: (a) => ({ strategy: 'AllAtOnce', functionName: `arn:aws:lambda:us-east-1:111122223333:function:${a.functionName}` }),
    code: 'INVALID_REQUEST',
    cause: "functionName: must be in the controller's account and region, 000000000000/us-east-1 (it names 111122223333/us-east-1)",
  },
  {
    what: 'the function ARN of another region',
    request: (a) => ({ strategy: 'AllAtOnce', functionName: `arn:aws:lambda:eu-west-1:000000000000:function:${a.functionName}` }),
    code: 'INVALID_REQUEST',
    cause: "functionName: must be in the controller's account and region, 000000000000/us-east-1 (it names 000000000000/eu-west-1)",
  },
  {
    what: 'an unknown field',
    request: () => ({ strategy: 'AllAtOnce', stratgey: 'AllAtOnce' }),
    code: 'INVALID_REQUEST',
    cause: /^stratgey: is not a known field/,
  },
];

describe('bad input is refused before anything changes', () => {
  for (const c of CASES) {
    it(`${c.what}: ${c.code}`, async () => {
      const outcome = await deploy(ctx, app, c.request(app));
      expect(outcome.status, explain(outcome)).toBe('FAILED');
      expect(outcome.error, explain(outcome)).toBe(c.code);
      if (typeof c.cause === 'string') expect(outcome.cause?.startsWith(c.cause), explain(outcome)).toBe(true);
      else expect(outcome.cause, explain(outcome)).toMatch(c.cause);

      expect(outcome.record, explain(outcome)).toMatchObject({ status: 'Failed', weights: [], error: { code: c.code } });
      expect(outcome.record!.events.map((e) => e.type)).toEqual(['Rejected']);
      // Untouched: the same version, no weights, the same revision; no lock taken.
      expect(outcome.alias).toEqual(before);
      expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
    });
  }

  it('a refusal with a very long list of violations: a clean message (no Lambda error JSON), saying how many more there are', async () => {
    // 100 unknown alarms of 255 characters and 40 unknown hooks: over the 32,768 characters Step Functions keeps of a Cause.
    const alarms = Array.from({ length: 100 }, (_, i) => `${'a'.repeat(250)}-${String(i).padStart(3, '0')}`);
    const steps = Array.from({ length: 40 }, (_, i) => ({ hook: `no-such-hook-${'h'.repeat(40)}-${i}` }));
    const outcome = await deploy(ctx, app, { strategy: { steps: [{ setWeight: 10 }, ...steps, { setWeight: 100 }] }, alarms });
    expect(outcome.status, explain(outcome)).toBe('FAILED');
    expect(outcome.error).toBe('INVALID_LAMBDA_FUNCTION');
    for (const message of [outcome.cause!, outcome.record!.error!.message]) {
      expect(message).not.toContain('errorType');
      expect(message).not.toMatch(/^\{/);
      expect(message).toMatch(/; … and \d+ more \(140 violations in all\)$/);
    }
    expect(outcome.cause).toBe(outcome.record!.error!.message);
    expect(outcome.alias).toEqual(before);
    expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
  });

  it('a function that does not exist: INVALID_LAMBDA_FUNCTION, and the app next to it untouched', async () => {
    const outcome = await deploy(ctx, app, { functionName: 'no-such-function', strategy: 'AllAtOnce' });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('INVALID_LAMBDA_FUNCTION');
    expect(outcome.cause?.startsWith('functionName: function no-such-function does not exist')).toBe(true);
    expect(outcome.record).toMatchObject({ status: 'Failed', functionName: 'no-such-function', weights: [] });
    expect(await getLock(ctx.store, 'no-such-function', app.alias)).toBeUndefined();
    expect(outcome.alias).toEqual(before);
  });
});
