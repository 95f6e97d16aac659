/**
 * Reconcile end to end on the local engine: the engine's Step Functions and CloudWatch send their
 * status and state-change events to its EventBridge, whose rules (template.yaml's, as
 * CloudFormation would make them) deliver them to the reconcile function — the path they take on
 * AWS. Nothing here calls reconcile directly.
 *
 * - An execution stopped from outside (StopExecution through the SDK, as the console does) at 10%:
 *   the alias goes back, the record ends Stopped/MANUAL_STOP, the lock is released, and the next
 *   deployment of the alias starts and succeeds.
 * - An alarm that fires while a deployment waits (approval, `pause: {}`, an operator's pause):
 *   the wait fails with ALARM_ACTIVE and the deployment rolls back, nobody acting.
 * - An alarm no deployment watches, and an execution that ended through its own Catch: nothing.
 *
 * Bakes the tests act in last 12 hours (4.3 s real at speed 10,000); every wait polls state.
 */
import { describe, expect, it } from 'vitest';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { deploymentsWatching } from '../../shared/aws/alarm-watches.ts';
import { getLock } from '../../shared/aws/deployment-store.ts';
import type { RecordWithHistory } from './support/record.ts';
import { createApp, readAlias } from './support/app.ts';
import { atWeight, control, deploy, readRecord, requestFor, startDeployment, waitForEnd, waitForRecord, type Started } from './support/deploy.ts';
import { useEngine, type E2E } from './support/engine.ts';
import { manualAlarm } from './support/alarms.ts';
import { explain, expectFailed, expectSucceeded, expectTerminalInvariant, weightsOf } from './support/expect.ts';

const ctx = useEngine({ speed: 10_000 });

const longCanary = { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 720 };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


/** Polls the record until the deployment has ended (its execution has already, so waitForRecord would not wait). */
async function waitForRecordEnd(c: E2E, started: Started, limitMs = 15_000): Promise<RecordWithHistory> {
  const t0 = performance.now();
  for (;;) {
    const record = await readRecord(c, started.deploymentId);
    if (record && ['Succeeded', 'Failed', 'Stopped'].includes(record.status)) return record;
    if (performance.now() - t0 > limitMs) throw new Error(`deployment ${started.deploymentId} still ${record?.status} after ${limitMs} ms: ${JSON.stringify(record?.events.map((e) => e.message))}`);
    await pause(10);
  }
}

/** The events an AWS service (`aws.states`, `aws.cloudwatch`) put on the engine's bus whose detail matches. */
function serviceEvents(c: E2E, source: string, detailMatch: (detail: Record<string, unknown>) => boolean) {
  return c.engine.waysIn.events.events.filter((e) => e.source === source && detailMatch(e.detail as Record<string, unknown>));
}

/** The deliveries of the engine's EventBridge to reconcile by `rule`, for the events of `source` whose detail matches. */
function reconcileDeliveries(c: E2E, rule: string, source: string, detailMatch: (detail: Record<string, unknown>) => boolean) {
  const ids = new Set(serviceEvents(c, source, detailMatch).map((e) => e.id));
  return c.engine.waysIn.events.deliveries.filter((d) => ids.has(d.eventId) && d.rule === rule);
}

describe('an execution stopped from outside Glidepath', () => {
  it('StopExecution at 10%: alias back on the current version, Stopped/MANUAL_STOP, lock released; the next deployment succeeds', async () => {
    const app = await createApp(ctx.lambda, 'stopped', ['ok', 'ok', 'ok']);
    const started = await startDeployment(ctx, requestFor(app, { strategy: longCanary }));
    await waitForRecord(ctx, started, 'baking at 10%', atWeight(10));
    expect((await readAlias(ctx.lambda, app)).weights).toEqual({ [app.versions[1]!]: 0.1 });

    await ctx.sfn.send(new StopExecutionCommand({ executionArn: started.executionArn, error: 'OperatorStop', cause: 'e2e: stopped from the console' }));
    const record = await waitForRecordEnd(ctx, started);
    const outcome = await waitForEnd(ctx, started, app);

    expect(outcome.status).toBe('ABORTED');
    expect(record.status, explain(outcome)).toBe('Stopped');
    expect(record.error?.code).toBe('MANUAL_STOP');
    expect(record.error?.message).toBe('the execution was stopped outside Glidepath (StopExecution or the console): OperatorStop: e2e: stopped from the console');
    await expectTerminalInvariant(ctx, app, outcome, 'current');
    expect(weightsOf(record)).toEqual([0, 10, 0]);
    expect(record.events.map((e) => e.type)).toEqual(expect.arrayContaining(['RolledBack', 'Stopped']));
    expect(record.waitToken).toBeUndefined();
    // Delivered by the rule, as EventBridge would: once, to reconcile.
    const deliveries = reconcileDeliveries(ctx, 'ReconcileExecutionEndRule', 'aws.states', (d) => d.executionArn === started.executionArn);
    expect(deliveries.map((d) => [d.target.split(':').pop(), d.status])).toEqual([['glidepath-reconcile', 'delivered']]);
    const event = ctx.engine.waysIn.events.events.find((e) => e.id === deliveries[0]!.eventId)!;
    expect(event).toMatchObject({ source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', resources: [started.executionArn] });
    expect(event.detail).toMatchObject({
      executionArn: started.executionArn,
      stateMachineArn: ctx.engine.stateMachineArn,
      name: started.deploymentId,
      status: 'ABORTED',
      error: 'OperatorStop',
      cause: 'e2e: stopped from the console',
      output: null,
    });
    const { startDate, stopDate } = event.detail as { startDate: number; stopDate: number };
    expect(Number.isInteger(startDate) && Number.isInteger(stopDate) && stopDate >= startDate).toBe(true);

    // The alias is free again: a new deployment of it (to version 3) starts and succeeds.
    const next = await deploy(ctx, app, { targetVersion: app.versions[2], strategy: 'AllAtOnce' });
    expectSucceeded(next);
    await expectTerminalInvariant(ctx, app, next, 'target', { current: app.versions[0]!, target: app.versions[2]! });
  });

  it('a second delivery of the same event changes nothing (idempotent)', async () => {
    const app = await createApp(ctx.lambda, 'stopped-twice');
    const started = await startDeployment(ctx, requestFor(app, { strategy: longCanary }));
    await waitForRecord(ctx, started, 'baking at 10%', atWeight(10));
    await ctx.sfn.send(new StopExecutionCommand({ executionArn: started.executionArn }));
    const first = await waitForRecordEnd(ctx, started);
    await ctx.engine.waysIn.drain();
    const aliasAfter = await readAlias(ctx.lambda, app);

    const [event] = serviceEvents(ctx, 'aws.states', (x) => x.executionArn === started.executionArn);
    if (!event) throw new Error('no status change event for the stopped execution');
    const d = event.detail as Record<string, unknown>;
    ctx.engine.waysIn.events.publish({ source: event.source, detailType: event['detail-type'], detail: d, resources: event.resources, time: Number(d.stopDate) });
    await ctx.engine.waysIn.drain();

    expect(reconcileDeliveries(ctx, 'ReconcileExecutionEndRule', 'aws.states', (x) => x.executionArn === started.executionArn).map((x) => x.status)).toEqual(['delivered', 'delivered']);
    expect(await readRecord(ctx, started.deploymentId)).toEqual(first);
    expect(await readAlias(ctx.lambda, app)).toEqual(aliasAfter);
  });

  it('an execution that failed through its own Catch (a refused deployment) is left as its Finish left it', async () => {
    const app = await createApp(ctx.lambda, 'refused');
    const outcome = await deploy(ctx, app, { targetVersion: '99', strategy: 'AllAtOnce' });
    expect(outcome.status).toBe('FAILED');
    await ctx.engine.waysIn.drain();
    const deliveries = reconcileDeliveries(ctx, 'ReconcileExecutionEndRule', 'aws.states', (d) => d.executionArn === outcome.executionArn);
    expect(deliveries.map((d) => d.status)).toEqual(['delivered']);
    expect(await readRecord(ctx, outcome.deploymentId)).toEqual(outcome.record);
  });
});

describe('an alarm that fires while a deployment waits on a token', () => {
  it('at an approval: the wait fails with ALARM_ACTIVE and the deployment rolls back, nobody approving', async () => {
    const app = await createApp(ctx.lambda, 'alarm-approval');
    const alarm = await manualAlarm(ctx, 'OK', 'reconcile-alarm');
    const steps = [{ setWeight: 10 }, { approval: {} }, { setWeight: 100 }];
    const started = await startDeployment(ctx, requestFor(app, { strategy: { steps }, alarms: [alarm] }));
    await waitForRecord(ctx, started, 'waiting for approval', (r) => r.waitToken?.kind === 'approval');
    expect(await deploymentsWatching(ctx.store, alarm)).toEqual([started.deploymentId]);

    await ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'e2e: errors at 10%' }));
    const outcome = await waitForEnd(ctx, started, app);

    expectFailed(outcome, 'ALARM_ACTIVE');
    // The event or the watcher, whichever comes first, fails the wait (the watcher says it was the one).
    expect(outcome.cause?.replace(/ \(seen by the watcher\)$/, '')).toBe(`alarm ${alarm} is in ALARM (e2e: errors at 10%) while the deployment was waiting for an approval at step 1`);
    await expectTerminalInvariant(ctx, app, outcome, 'current');
    expect(weightsOf(outcome.record)).toEqual([0, 10, 0]);
    const types = outcome.record!.events.map((e) => e.type);
    expect(types).not.toContain('ControlAction');
    expect(outcome.record!.events.find((e) => e.type === 'Released')).toMatchObject({ stepIndex: 1, released: 'fail' });
    // Finish deleted the deployment's watch of the alarm.
    expect(await deploymentsWatching(ctx.store, alarm)).toEqual([]);
  });

  it.each([
    ['a pause: {} step', 'pause'],
    ["an operator's pause of a bake", 'hold'],
  ] as const)('at %s: rolled back with ALARM_ACTIVE', async (_what, kind) => {
    const app = await createApp(ctx.lambda, `alarm-${kind}`);
    const alarm = await manualAlarm(ctx, 'OK', 'reconcile-alarm');
    const steps = kind === 'pause' ? [{ setWeight: 10 }, { pause: {} }, { setWeight: 100 }] : [{ setWeight: 10 }, { bake: '12h' }, { setWeight: 100 }];
    const started = await startDeployment(ctx, requestFor(app, { strategy: { steps }, alarms: [alarm] }));
    if (kind === 'hold') {
      await waitForRecord(ctx, started, 'baking at 10%', atWeight(10));
      await control(ctx, started.deploymentId, 'pause');
    }
    const waiting = await waitForRecord(ctx, started, `waiting (${kind})`, (r) => r.waitToken?.kind === kind);
    expect(waiting.status).toBe(kind === 'hold' ? 'Paused' : 'InProgress');

    await ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'e2e: while waiting' }));
    const outcome = await waitForEnd(ctx, started, app);

    expectFailed(outcome, 'ALARM_ACTIVE');
    expect(outcome.cause).toContain(`while the deployment was ${kind === 'hold' ? 'paused at step 1' : 'paused until resumed at step 1'}`);
    expect(outcome.cause?.startsWith(`alarm ${alarm} is in ALARM (e2e: while waiting) while`), outcome.cause).toBe(true);
    await expectTerminalInvariant(ctx, app, outcome, 'current');
    expect(weightsOf(outcome.record)).toEqual([0, 10, 0]);
  });

  it('an alarm no deployment watches: delivered to reconcile, and nothing happens', async () => {
    const app = await createApp(ctx.lambda, 'alarm-other');
    const watched = await manualAlarm(ctx, 'OK', 'reconcile-alarm');
    const other = await manualAlarm(ctx, 'OK', 'reconcile-alarm');
    const steps = [{ setWeight: 10 }, { approval: {} }, { setWeight: 100 }];
    const started = await startDeployment(ctx, requestFor(app, { strategy: { steps }, alarms: [watched] }));
    const waiting = await waitForRecord(ctx, started, 'waiting for approval', (r) => r.waitToken?.kind === 'approval');
    const aliasBefore = await readAlias(ctx.lambda, app);

    await ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: other, StateValue: 'ALARM', StateReason: 'e2e: someone else' }));
    await ctx.engine.waysIn.drain();

    const deliveries = reconcileDeliveries(ctx, 'ReconcileAlarmRule', 'aws.cloudwatch', (d) => d.alarmName === other);
    expect(deliveries.map((d) => d.status)).toEqual(['delivered']);
    expect(await readRecord(ctx, started.deploymentId)).toEqual(waiting);
    expect(await readAlias(ctx.lambda, app)).toEqual(aliasBefore);
    expect((await ctx.sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }))).status).toBe('RUNNING');
    expect(await getLock(ctx.store, app.functionName, app.alias)).toMatchObject({ deploymentId: started.deploymentId });

    // It still waits for its approval, and goes on when given it.
    expect(await control(ctx, started.deploymentId, 'approve')).toMatchObject({ released: 'next' });
    const outcome = await waitForEnd(ctx, started, app);
    expectSucceeded(outcome);
    await expectTerminalInvariant(ctx, app, outcome, 'target');
  });

  it('the event has CloudWatch\'s shape, and only a change into ALARM reaches reconcile', async () => {
    const alarm = await manualAlarm(ctx, 'OK', 'reconcile-alarm');
    await ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'e2e: up' }));
    await ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'e2e: still up' }));
    await ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'OK', StateReason: 'e2e: down' }));
    await ctx.engine.waysIn.drain();

    const events = serviceEvents(ctx, 'aws.cloudwatch', (d) => d.alarmName === alarm);
    // OK (from INSUFFICIENT_DATA), ALARM, OK: a SetAlarmState to the state the alarm is in changes nothing.
    expect(events.map((e) => (e.detail as { state: { value: string } }).state.value)).toEqual(['OK', 'ALARM', 'OK']);
    const fired = events[1]!;
    expect(fired).toMatchObject({ source: 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', resources: [`arn:aws:cloudwatch:us-east-1:000000000000:alarm:${alarm}`] });
    expect(fired.detail).toMatchObject({
      alarmName: alarm,
      state: { value: 'ALARM', reason: 'e2e: up', timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/) },
      previousState: { value: 'OK', reason: 'e2e: OK' },
      configuration: { metrics: [{ metricStat: { metric: { name: 'Unused', namespace: 'Glidepath/E2E', dimensions: {} }, period: 60, stat: 'Sum' }, returnData: true }] },
    });
    const delivered = new Set(ctx.engine.waysIn.events.deliveries.filter((d) => d.rule === 'ReconcileAlarmRule').map((d) => d.eventId));
    expect(events.map((e) => delivered.has(e.id))).toEqual([false, true, false]);
  });
});
