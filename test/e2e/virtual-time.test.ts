/**
 * Virtual time (`speed: 'max'`, as `--speed max` gives it): a rehearsal takes as long as its work.
 * The clock jumps over bakes (Wait states) and token waits with timeouts whenever nothing runs,
 * while every simulated timestamp stays where AWS would put it.
 */
import { describe, expect, it } from 'vitest';
import { GetExecutionHistoryCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { recordWithHistory } from './support/record.ts';
import { newDeploymentId } from '../../cli/deployment-id.ts';
import { createFunctionWithVersions } from '../../shared/aws/sample-app.ts';
import { ordersSource, zipHandler } from '../../cli/demo/samples.ts';
import { createApp, createFunction, deploy, zipFolder } from '../fixtures/hooks/deploy.ts';
import { useEngine } from './support/engine.ts';

const ctx = useEngine({ speed: 'max' });
const ROLE = 'arn:aws:iam::000000000000:role/virtual-time';

describe('virtual time', () => {
  it('rehearses Linear10PercentEvery10Minutes (90 simulated minutes) in seconds, each step 10 minutes after the last', async () => {
    const zips = ['v1', 'v2'].map((name) => zipHandler(ordersSource({ name, faulty: false })));
    await createFunctionWithVersions(ctx.lambda, { name: 'vt-orders', role: ROLE }, zips, 'live');
    const id = newDeploymentId();
    const sim0 = ctx.engine.clock.now();
    const t0 = performance.now();
    const request = { functionName: 'vt-orders', alias: 'live', currentVersion: '1', targetVersion: '2', strategy: 'Linear10PercentEvery10Minutes' };
    const out = await ctx.sfn.send(new StartExecutionCommand({ stateMachineArn: ctx.engine.stateMachineArn, name: id, input: JSON.stringify(request) }));
    const execution = ctx.engine.sfn.describeExecution(out.executionArn!);
    await execution.done;
    const wallMs = performance.now() - t0;
    expect(execution.status).toBe('SUCCEEDED');
    expect(ctx.engine.clock.now() - sim0).toBeGreaterThanOrEqual(90 * 60_000);
    expect(wallMs).toBeLessThan(20_000);
    const record = await recordWithHistory(ctx.store, id);
    const shifts = record!.weights.filter((w) => w.weight > 0).map((w) => Date.parse(w.at));
    expect(shifts).toHaveLength(10);
    for (let i = 1; i < shifts.length; i++) {
      // Each step one bake (600 s) after the last, plus the few simulated seconds of its checks.
      expect((shifts[i]! - shifts[i - 1]!) / 1000).toBeGreaterThanOrEqual(600);
      expect((shifts[i]! - shifts[i - 1]!) / 1000).toBeLessThan(620);
    }
  });

  it('a 48-hour TimeBasedLinear completes within Step Functions’ limits, its history counted', async () => {
    const zips = ['v1', 'v2'].map((name) => zipHandler(ordersSource({ name, faulty: false })));
    await createFunctionWithVersions(ctx.lambda, { name: 'vt-48h', role: ROLE }, zips, 'live');
    const id = newDeploymentId();
    const request = { functionName: 'vt-48h', alias: 'live', currentVersion: '1', targetVersion: '2', strategy: { type: 'TimeBasedLinear', percentage: 10, intervalMinutes: 320 } };
    const sim0 = ctx.engine.clock.now();
    const out = await ctx.sfn.send(new StartExecutionCommand({ stateMachineArn: ctx.engine.stateMachineArn, name: id, input: JSON.stringify(request) }));
    const execution = ctx.engine.sfn.describeExecution(out.executionArn!);
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(ctx.engine.clock.now() - sim0).toBeGreaterThanOrEqual(48 * 3600_000);
    const history = await ctx.sfn.send(new GetExecutionHistoryCommand({ executionArn: out.executionArn!, maxResults: 1000 }));
    // Far below the 25,000 Step Functions allows: a wait is one Task, however long.
    expect(history.events!.length).toBeLessThan(500);
    expect(history.nextToken).toBeUndefined();
    expect((await recordWithHistory(ctx.store, id))!.weights.map((w) => w.weight)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    // 2,880 simulated minutes, each a watcher tick that reads the deployment's metrics for the analysis.
  }, 90_000);

  it('a plan over the history budget is refused by Prepare with nothing touched', async () => {
    const zips = ['v1', 'v2'].map((name) => zipHandler(ordersSource({ name, faulty: false })));
    await createFunctionWithVersions(ctx.lambda, { name: 'vt-budget', role: ROLE }, zips, 'live');
    const before = await ctx.lambda.send(new GetAliasCommand({ FunctionName: 'vt-budget', Name: 'live' }));
    const steps = Array.from({ length: 99 }, (_, i) => [{ setWeight: i + 1 }, { bake: '1m' }, { bake: '1m' }, { bake: '1m' }, { bake: '1m' }, { approval: {} }]).flat();
    const id = newDeploymentId();
    const out = await ctx.sfn.send(new StartExecutionCommand({ stateMachineArn: ctx.engine.stateMachineArn, name: id, input: JSON.stringify({ functionName: 'vt-budget', alias: 'live', targetVersion: '2', strategy: { steps } }) }));
    const execution = ctx.engine.sfn.describeExecution(out.executionArn!);
    await execution.done;
    expect(execution.status).toBe('FAILED');
    const record = (await recordWithHistory(ctx.store, id))!;
    expect(record.status).toBe('Failed');
    expect(record.error).toMatchObject({ code: 'INVALID_DEPLOYMENT_CONFIG' });
    expect(record.error!.message).toMatch(/execution history events; Step Functions fails an execution at 25000 and Glidepath keeps to 24000/);
    const after = await ctx.lambda.send(new GetAliasCommand({ FunctionName: 'vt-budget', Name: 'live' }));
    expect(after.RevisionId).toBe(before.RevisionId);
    expect(after.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
  });

  it('times out a hook that never reports after its hookTimeoutSeconds of simulated time, in real milliseconds', async () => {
    await createApp(ctx.lambda, 'vt-app');
    await createFunction(ctx.lambda, 'vt-silent-hook', zipFolder('scripted-hook'), { HOOK_BEHAVIOR: 'silent', AWS_ENDPOINT_URL_CODEDEPLOY: ctx.engine.url });
    const sim0 = ctx.engine.clock.now();
    const outcome = await deploy(ctx.sfn, ctx.engine.stateMachineArn, {
      functionName: 'vt-app', alias: 'live', currentVersion: '1', targetVersion: '2', strategy: 'AllAtOnce',
      hooks: { beforeAllowTraffic: 'vt-silent-hook' }, hookTimeoutSeconds: 3000,
    });
    expect(outcome.status).toBe('FAILED');
    expect(JSON.stringify(outcome)).toContain('TIMEOUT');
    expect(ctx.engine.clock.now() - sim0).toBeGreaterThanOrEqual(3000_000);
    expect(outcome.ms).toBeLessThan(10_000);
  });
});
