/**
 * Alarms end to end: an alarm already in ALARM refuses the deployment before the
 * first shift; an alarm that fires during a bake — set with SetAlarmState, or a real metric alarm
 * on the alias's Errors tripped by invoking the faulty target version through the alias — rolls
 * the alias back to the current version with ALARM_ACTIVE.
 *
 * The bake tests run a Canary10Percent30Minutes at speed 1,000 (the bake lasts 1.8 s real, the
 * alarm is checked every 10 ms real): the test acts as soon as the record shows 10%.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { PutMetricAlarmCommand, SetAlarmStateCommand, type PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { GlidepathError } from '../../shared/core/errors.ts';
import { createApp, readAlias, uniqueName, type App } from './support/app.ts';
import { atWeight, control, deploy, requestFor, startDeployment, waitForEnd, waitForRecord } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { manualAlarm } from './support/alarms.ts';
import { expectFailed, expectTerminalInvariant, weightsOf } from './support/expect.ts';

const SPEED = 10_000;
const ctx = useEngine({ speed: SPEED });

afterEach(() => {
  ctx.engine.clock.speed = SPEED;
});


/** CloudWatch's own kind of alarm on a Lambda alias: Errors ≥ 1 in a minute, through `fn:alias`. */
function aliasErrorsAlarm(app: App, name: string): PutMetricAlarmCommandInput {
  return {
    AlarmName: name,
    Namespace: 'AWS/Lambda',
    MetricName: 'Errors',
    Dimensions: [
      { Name: 'FunctionName', Value: app.functionName },
      { Name: 'Resource', Value: `${app.functionName}:${app.alias}` },
    ],
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  };
}

describe('an alarm already in ALARM at the start', () => {
  it('refuses with ALARM_ACTIVE before the first shift: nothing shifted, the alias untouched', async () => {
    const app = await createApp(ctx.lambda, 'alarm-start');
    const before = await readAlias(ctx.lambda, app);
    const ok = await manualAlarm(ctx, 'OK');
    const firing = await manualAlarm(ctx, 'ALARM');

    const outcome = await deploy(ctx, app, { strategy: 'Canary10Percent5Minutes', alarms: [ok, firing] });
    expectFailed(outcome, 'ALARM_ACTIVE');
    expect(outcome.cause).toContain(`alarm ${firing} is in ALARM before the first shift`);
    expect(outcome.cause).not.toContain(`alarm ${ok} `);
    await expectTerminalInvariant(ctx, app, outcome, 'current');
    // Untouched: the same revision as before the deployment.
    expect(outcome.alias).toEqual(before);
    expect(weightsOf(outcome.record)).toEqual([]);
    expect(outcome.record!.events.map((e) => e.type)).toEqual(['Rejected']);
  });
});

describe('an alarm firing during a bake', () => {
  it('SetAlarmState ALARM at 10%: rolled back, Failed with ALARM_ACTIVE naming the alarm; weights [0,10,0]', async () => {
    const app = await createApp(ctx.lambda, 'alarm-bake');
    const quiet = await manualAlarm(ctx, 'OK');
    const alarm = await manualAlarm(ctx, 'OK');
    ctx.engine.clock.speed = 1_000;
    const started = await startDeployment(ctx, requestFor(app, { strategy: 'Canary10Percent30Minutes', alarms: [quiet, alarm] }));
    const baking = await waitForRecord(ctx, started, 'baking at 10%', atWeight(10));
    expect((await readAlias(ctx.lambda, app)).weights).toEqual({ [app.versions[1]!]: 0.1 });

    await ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'e2e: errors on the canary' }));
    const outcome = await waitForEnd(ctx, started, app);
    expectFailed(outcome, 'ALARM_ACTIVE');
    expect(outcome.cause).toContain(`alarm ${alarm} is in ALARM (e2e: errors on the canary)`);
    expect(outcome.cause).not.toContain(quiet);
    await expectTerminalInvariant(ctx, app, outcome, 'current');
    expect(weightsOf(outcome.record)).toEqual([0, 10, 0]);
    // Rolled back well inside the 30-minute bake.
    const rolledBackAt = Date.parse(outcome.record!.weights[2]!.at);
    expect(rolledBackAt - Date.parse(baking.weights[1]!.at)).toBeLessThan(30 * 60_000);
  });

  it('a metric alarm on the alias’s Errors, tripped by invoking the faulty target through the alias', async () => {
    const app = await createApp(ctx.lambda, 'alarm-metric', ['ok', 'throw']);
    const alarm = uniqueName('alias-errors');
    await ctx.cloudwatch.send(new PutMetricAlarmCommand(aliasErrorsAlarm(app, alarm)));
    ctx.engine.clock.speed = 1_000;
    const started = await startDeployment(ctx, requestFor(app, { strategy: 'Canary10Percent30Minutes', alarms: [alarm] }));
    await waitForRecord(ctx, started, 'baking at 10%', atWeight(10));

    // Traffic through the alias until the canary (version 2, which throws) serves a request.
    let served = { ok: 0, failed: 0 };
    for (let i = 0; i < 500 && served.failed === 0; i++) {
      const out = await ctx.lambda.send(new InvokeCommand({ FunctionName: app.functionName, Qualifier: app.alias, Payload: Buffer.from('{}') }));
      if (out.FunctionError) {
        expect(out.ExecutedVersion).toBe(app.versions[1]);
        served = { ...served, failed: served.failed + 1 };
      } else {
        expect(out.ExecutedVersion).toBe(app.versions[0]);
        served = { ...served, ok: served.ok + 1 };
      }
    }
    expect(served.failed).toBe(1);

    const outcome = await waitForEnd(ctx, started, app);
    expectFailed(outcome, 'ALARM_ACTIVE');
    expect(outcome.cause).toContain(`alarm ${alarm} is in ALARM`);
    await expectTerminalInvariant(ctx, app, outcome, 'current');
    expect(weightsOf(outcome.record)).toEqual([0, 10, 0]);
    // Back on version 1: the alias serves the good version again.
    const after = await ctx.lambda.send(new InvokeCommand({ FunctionName: app.functionName, Qualifier: app.alias, Payload: Buffer.from('{}') }));
    expect(after.FunctionError).toBeUndefined();
    expect(after.ExecutedVersion).toBe(app.versions[0]);
  });

  it('during the final bake at 100%: the promoted alias is rolled back to the current version', async () => {
    const app = await createApp(ctx.lambda, 'alarm-final');
    const alarm = await manualAlarm(ctx, 'OK');
    ctx.engine.clock.speed = 1_000;
    const started = await startDeployment(ctx, requestFor(app, { strategy: 'AllAtOnce', finalBake: '30m', alarms: [alarm] }));
    // The final bake's first check marks it started, as step `stepCount` (after the last step).
    const inFinalBake = await waitForRecord(ctx, started, 'in the final bake', (r) => r.weight === 100 && r.stepIndex === r.plan.steps.length);
    expect(await readAlias(ctx.lambda, app)).toMatchObject({ version: app.versions[1], weights: {} });
    expect(inFinalBake.status).toBe('InProgress');

    await ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'e2e: after promotion' }));
    const outcome = await waitForEnd(ctx, started, app);
    expectFailed(outcome, 'ALARM_ACTIVE');
    await expectTerminalInvariant(ctx, app, outcome, 'current');
    expect(weightsOf(outcome.record)).toEqual([0, 100, 0]);
  });

  it('while an approval waits: the approve does not raise traffic on the alarming target; rolled back from 10%', async () => {
    const app = await createApp(ctx.lambda, 'alarm-approval');
    const alarm = await manualAlarm(ctx, 'OK');
    const steps = [{ setWeight: 10 }, { approval: {} }, { setWeight: 50 }, { bake: '10m' }, { setWeight: 100 }];
    const started = await startDeployment(ctx, requestFor(app, { strategy: { steps }, alarms: [alarm] }));
    await waitForRecord(ctx, started, 'waiting for approval', (r) => r.waitToken?.kind === 'approval');
    await ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'e2e: while waiting' }));
    // Reconcile may fail the wait on the alarm first (test/e2e/reconcile.test.ts): then there is nothing left to approve.
    await control(ctx, started.deploymentId, 'approve').catch((error: unknown) => {
      if (!(error instanceof GlidepathError && error.code === 'INVALID_CONTROL_ACTION')) throw error;
    });

    const outcome = await waitForEnd(ctx, started, app);
    expectFailed(outcome, 'ALARM_ACTIVE');
    await expectTerminalInvariant(ctx, app, outcome, 'current');
    // Never 50%: the shift after the approval saw the alarm before it moved the alias.
    expect(weightsOf(outcome.record)).toEqual([0, 10, 0]);
  });
});
