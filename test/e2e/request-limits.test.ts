/**
 * Request limits end to end: a request too large, too many alarms, a qualified function name, a
 * final bake of a century, input that is no object. Prepare refuses each before anything changes:
 * the execution fails with a code (not retried) and a cause naming the field, no lock is left, the
 * alias is untouched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { getLock } from '../../shared/aws/deployment-store.ts';
import { newDeploymentId } from '../../cli/deployment-id.ts';
import { createApp, readAlias, type AliasView, type App } from './support/app.ts';
import { deploy, waitForEnd } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { explain } from './support/expect.ts';

const ctx = useEngine({ speed: 10_000 });

let app: App;
let before: AliasView;

beforeAll(async () => {
  app = await createApp(ctx.lambda, 'limits');
  before = await readAlias(ctx.lambda, app);
});

const names = (n: number, length: number) => Array.from({ length: n }, (_, i) => `${i}-`.padEnd(length, 'a'));
const shifts = (n: number) => ({ steps: Array.from({ length: n }, (_, i) => ({ setWeight: Math.round(((i + 1) * 100) / (n + 1)) })) });

interface Case {
  what: string;
  request: (app: App) => Record<string, unknown>;
  code: string;
  cause: RegExp;
}

const CASES: Case[] = [
  {
    what: '780 alarm names of 255 characters and a 99-shift plan',
    request: () => ({ alarms: names(780, 255), strategy: shifts(99) }),
    code: 'INVALID_REQUEST',
    cause: /^request: must be at most 65536 bytes as JSON, is \d+ bytes/,
  },
  {
    what: '850 alarm names',
    request: () => ({ alarms: names(850, 20), strategy: 'AllAtOnce' }),
    code: 'INVALID_ALARM_CONFIG',
    cause: /^alarms: must hold at most 100 items/,
  },
  {
    what: 'a function name qualified with a version',
    request: (a) => ({ functionName: `${a.functionName}:1`, strategy: 'AllAtOnce' }),
    code: 'INVALID_REVISION',
    cause: /^functionName: must be the unqualified function name or ARN/,
  },
  {
    what: 'a function name qualified with an alias',
    request: (a) => ({ functionName: `${a.functionName}:live`, strategy: 'AllAtOnce' }),
    code: 'INVALID_REVISION',
    cause: /^functionName: must be the unqualified function name or ARN/,
  },
  {
    what: 'a final bake of 100 years',
    request: () => ({ strategy: 'AllAtOnce', finalBake: `${100 * 365 * 24}h` }),
    code: 'INVALID_REQUEST',
    cause: /^finalBake: must be at most 14 days \(1209600 seconds\)/,
  },
];

describe('request limits are checked before anything changes', () => {
  for (const c of CASES) {
    it(`${c.what}: ${c.code}`, async () => {
      const outcome = await deploy(ctx, app, c.request(app));
      expect(outcome.status, explain(outcome)).toBe('FAILED');
      expect(outcome.error, explain(outcome)).toBe(c.code);
      expect(outcome.cause, explain(outcome)).toMatch(c.cause);
      expect(outcome.record, explain(outcome)).toMatchObject({ status: 'Failed', error: { code: c.code } });
      expect(outcome.alias).toEqual(before);
      expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
    });
  }

  for (const input of ['[]', '42', '"x"']) {
    it(`execution input ${input}: INVALID_REQUEST naming the request, no record`, async () => {
      const id = newDeploymentId();
      const out = await ctx.sfn.send(new StartExecutionCommand({ stateMachineArn: ctx.engine.stateMachineArn, name: id, input }));
      const outcome = await waitForEnd(ctx, { deploymentId: id, executionArn: out.executionArn!, startedMs: performance.now() }, app);
      expect(outcome.status, explain(outcome)).toBe('FAILED');
      expect(outcome.error, explain(outcome)).toBe('INVALID_REQUEST');
      expect(outcome.cause, explain(outcome)).toMatch(/^request: must be an object/);
      // No function or alias to file a record under.
      expect(outcome.record).toBeUndefined();
      expect(outcome.alias).toEqual(before);
    });
  }
});
