/**
 * Other writers and a busy Lambda: a second deployment on an alias that already has
 * one (DEPLOYMENT_IN_PROGRESS naming the active id, the first unaffected); a manual UpdateAlias
 * during a bake (CONCURRENT_MODIFICATION, the alias left exactly as the other writer set it);
 * Lambda throttling UpdateAlias (TooManyRequestsException injected at the endpoint) answered by
 * the SDK's and the state machine's retries.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { getLock } from '../../shared/aws/deployment-store.ts';
import { createApp, readAlias, uniqueName, type App } from './support/app.ts';
import { atWeight, control, deploy, requestFor, startDeployment, waitForEnd, waitForRecord, type Outcome } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { manualAlarm } from './support/alarms.ts';
import { expectFailed, expectSucceeded, expectTerminalInvariant, gapsOf, weightsOf } from './support/expect.ts';

const SPEED = 10_000;
const ctx = useEngine({ speed: SPEED });

afterEach(() => {
  ctx.engine.clock.speed = SPEED;
  ctx.engine.endpoint.faults.clear();
});

describe('a second deployment on the same alias', () => {
  it('is refused with DEPLOYMENT_IN_PROGRESS naming the active deployment; the first goes on unaffected', async () => {
    const app = await createApp(ctx.lambda, 'second', ['ok', 'ok', 'ok']);
    // The first waits at an approval after 10%: it is surely running while the second starts.
    const steps = [{ setWeight: 10 }, { bake: '5m' }, { approval: {} }, { setWeight: 100 }];
    const first = await startDeployment(ctx, requestFor(app, { strategy: { steps } }));
    const waiting = await waitForRecord(ctx, first, 'waiting for approval', (r) => r.waitToken?.kind === 'approval');

    // The same alias named three ways: by name to another target, with the versions spelled out, by ARN.
    const arn = `arn:aws:lambda:${ctx.engine.region}:000000000000:function:${app.functionName}`;
    for (const extra of [{ targetVersion: '3' }, { currentVersion: '1', targetVersion: '2' }, { functionName: arn, targetVersion: '3' }]) {
      const second = await deploy(ctx, app, { strategy: 'AllAtOnce', ...extra });
      expectFailed(second, 'DEPLOYMENT_IN_PROGRESS');
      // The message itself, never the Lambda error's JSON, in the execution's cause and the record.
      expect(second.cause).toBe(`${app.functionName}:${app.alias} already has an active deployment: ${first.deploymentId}`);
      expect(second.record?.error?.message).toBe(second.cause);
      expect(second.record?.weights).toEqual([]);
      // The alias still serves the first deployment's 10%, and the lock is still the first's.
      expect(second.alias.version).toBe('1');
      expect(second.alias.weights).toEqual({ '2': 0.1 });
      expect((await getLock(ctx.store, app.functionName, app.alias))?.deploymentId).toBe(first.deploymentId);
    }

    const unaffected = await waitForRecord(ctx, first, 'still waiting', () => true);
    expect(unaffected).toMatchObject({ status: 'InProgress', weight: 10, revisionId: waiting.revisionId, events: waiting.events });
    await control(ctx, first.deploymentId, 'approve');
    const outcome = await waitForEnd(ctx, first, app);
    await expectCanarySucceeded(app, outcome);
    expect(gapsOf(outcome.record)[1]).toBeGreaterThanOrEqual(300);
  });
});

describe('a manual UpdateAlias that looks like one Glidepath could have made, then a rollback', () => {
  it.each([
    { set: 'the target alone', weights: {} as Record<string, number>, then: 'abort' as const, status: 'Stopped' as const },
    { set: 'a planned 50%', weights: { '2': 0.5 }, then: 'alarm' as const, status: 'Failed' as const },
  ])('someone sets $set mid-bake, then $then: CONCURRENT_MODIFICATION, the alias as they set it', async ({ weights, then, status }) => {
    const app = await createApp(ctx.lambda, 'lookalike');
    const alarm = await manualAlarm(ctx, 'OK');
    const steps = [{ setWeight: 10 }, { bake: '720m' }, { setWeight: 50 }, { bake: '5m' }, { setWeight: 100 }];
    const started = await startDeployment(ctx, requestFor(app, { strategy: { steps }, alarms: [alarm] }));
    await waitForRecord(ctx, started, 'baking at 10%', (r) => r.weight === 10 && r.waitToken?.kind === 'timed');
    const version = Object.keys(weights).length === 0 ? '2' : '1';
    const other = await ctx.lambda.send(
      new UpdateAliasCommand({ FunctionName: app.functionName, Name: app.alias, FunctionVersion: version, RoutingConfig: { AdditionalVersionWeights: weights } }),
    );
    if (then === 'abort') await control(ctx, started.deploymentId, 'abort');
    else await ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'e2e: ALARM' }));

    const outcome = await waitForEnd(ctx, started, app);
    expectFailed(outcome, 'CONCURRENT_MODIFICATION', status);
    expect(outcome.cause).toMatch(/changed by someone else/);
    expect(outcome.alias).toEqual({ version, weights, revisionId: other.RevisionId! });
    expect(outcome.record!.events.map((e) => e.type)).not.toContain('RolledBack');
    expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
  });
});

describe('two deployments started at the same moment on one alias', () => {
  it('exactly one takes the alias; the other is refused naming it', async () => {
    const app = await createApp(ctx.lambda, 'race', ['ok', 'ok', 'ok']);
    const [a, b] = await Promise.all([
      startDeployment(ctx, requestFor(app, { strategy: 'Canary10Percent5Minutes', targetVersion: '2' })),
      startDeployment(ctx, requestFor(app, { strategy: 'Canary10Percent5Minutes', targetVersion: '3' })),
    ]);
    const outcomes = await Promise.all([waitForEnd(ctx, a, app), waitForEnd(ctx, b, app)]);
    const winner = outcomes.find((o) => o.status === 'SUCCEEDED');
    const loser = outcomes.find((o) => o.status !== 'SUCCEEDED');
    expect(winner, JSON.stringify(outcomes.map((o) => [o.status, o.error, o.cause]))).toBeDefined();
    expect(loser).toBeDefined();
    expectFailed(loser!, 'DEPLOYMENT_IN_PROGRESS');
    expect(loser!.cause).toContain(winner!.deploymentId);
    expect(weightsOf(loser!.record)).toEqual([]);
    expect(weightsOf(winner!.record)).toEqual([0, 10, 100]);
    const target = winner!.record!.targetVersion;
    const final = await readAlias(ctx.lambda, app);
    expect(final).toMatchObject({ version: target, weights: {} });
    expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
  });
});

describe('a manual UpdateAlias during a bake', () => {
  it('stops with CONCURRENT_MODIFICATION and leaves the alias exactly as the other writer set it', async () => {
    const app = await createApp(ctx.lambda, 'other-writer', ['ok', 'ok', 'ok']);
    ctx.engine.clock.speed = 1_000; // the 30-minute bake lasts 1.8 s real while the test acts
    const started = await startDeployment(ctx, requestFor(app, { strategy: 'Canary10Percent30Minutes' }));
    await waitForRecord(ctx, started, 'baking at 10%', atWeight(10));

    // Someone else points the alias at version 3 with 20% on version 1.
    const other = await ctx.lambda.send(
      new UpdateAliasCommand({ FunctionName: app.functionName, Name: app.alias, FunctionVersion: '3', RoutingConfig: { AdditionalVersionWeights: { '1': 0.2 } } }),
    );
    const set = { version: '3', weights: { '1': 0.2 }, revisionId: other.RevisionId! };
    // Acted on: let the rest of the bake pass quickly.
    ctx.engine.clock.speed = SPEED;

    const outcome = await waitForEnd(ctx, started, app);
    expectFailed(outcome, 'CONCURRENT_MODIFICATION');
    expect(outcome.cause).toMatch(/changed by someone else/);
    expect(outcome.cause).toContain('version 3 with 20% on version 1');
    // Not rolled back, not overwritten: the other writer's alias, revision and all.
    expect(outcome.alias).toEqual(set);
    expect(weightsOf(outcome.record)).toEqual([0, 10]);
    expect(outcome.record!.events.map((e) => e.type)).toContain('RollbackSkipped');
    expect(outcome.record!.events.map((e) => e.type)).not.toContain('RolledBack');
    expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
    // The bake ran its course before the next shift found the change.
    expect(ctx.engine.clock.now() - Date.parse(outcome.record!.weights[1]!.at)).toBeGreaterThanOrEqual(30 * 60_000);
  });
});

/** A canary that ended Succeeded: the alias on the target alone, after 10 % and 100 %. */
async function expectCanarySucceeded(app: App, outcome: Outcome): Promise<void> {
  expectSucceeded(outcome);
  await expectTerminalInvariant(ctx, app, outcome, 'target');
  expect(weightsOf(outcome.record)).toEqual([0, 10, 100]);
}

/** The execution's history events (a deployment's history fits one page of 1,000). */
async function historyOf(outcome: Outcome): Promise<HistoryEvent[]> {
  return (await ctx.sfn.send(new GetExecutionHistoryCommand({ executionArn: outcome.executionArn, maxResults: 1000 }))).events ?? [];
}

/**
 * The failed attempts of Tasks on a function ARN: Step Functions writes LambdaFunctionFailed
 * (error, cause) after its state's TaskStateEntered, which names the state.
 */
function failedFunctionTasks(events: HistoryEvent[]): { state?: string; error?: string; cause?: string }[] {
  let state: string | undefined;
  const out: { state?: string; error?: string; cause?: string }[] = [];
  for (const e of events) {
    if (e.type === 'TaskStateEntered') state = e.stateEnteredEventDetails?.name;
    if (e.type === 'LambdaFunctionFailed') out.push({ state, error: e.lambdaFunctionFailedEventDetails?.error, cause: e.lambdaFunctionFailedEventDetails?.cause });
  }
  return out;
}

describe('CloudWatch server errors', () => {
  it('a DescribeAlarms that fails 500 (every SDK attempt) is retried by the state machine: the deployment succeeds, no rollback', async () => {
    const app = await createApp(ctx.lambda, 'alarms-5xx');
    const alarm = uniqueName('quiet');
    await ctx.cloudwatch.send(
      new PutMetricAlarmCommand({ AlarmName: alarm, Namespace: 'Glidepath/E2E', MetricName: 'Unused', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' }),
    );
    // Real time while the check after the first shift meets the errors: the watcher (each minute) stays out of it.
    ctx.engine.clock.speed = 1;
    const started = await startDeployment(ctx, requestFor(app, { strategy: { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 60 }, alarms: [alarm] }));
    await waitForRecord(ctx, started, 'shifted to 10%', (r) => r.weight === 10);
    // The SDK tries 3 times a call: 3 answers of 500 fail one read of the check.
    ctx.engine.endpoint.faults.add({ service: 'cloudwatch', operation: 'DescribeAlarms', count: 3, error: 'InternalFailure', status: 500 });
    await waitForRecord(ctx, started, 'the errors answered', () => ctx.engine.endpoint.faults.list().length === 0, 20_000);
    await waitForRecord(ctx, started, 'waiting in the bake', (r) => r.waitToken?.kind === 'timed', 20_000);
    ctx.engine.clock.speed = SPEED;

    const outcome = await waitForEnd(ctx, started, app);
    await expectCanarySucceeded(app, outcome);
    const history = await historyOf(outcome);
    const entered = history.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).not.toContain('Rollback');
    for (const failure of failedFunctionTasks(history)) expect(failure).toMatchObject({ state: 'CheckHealth', error: 'INTERNAL_ERROR' });
  });
});

describe('throttling', () => {
  it('UpdateAlias throttled as often as the SDK retries: the state machine retries, the deployment succeeds', async () => {
    const app = await createApp(ctx.lambda, 'throttled');
    // The SDK tries 3 times per call (with its own backoff): 3 throttles fail the Task once with
    // THROTTLED, and the state machine's Retry runs it again.
    ctx.engine.endpoint.faults.add({ service: 'lambda', operation: 'UpdateAlias', count: 3, error: 'TooManyRequestsException', status: 429, pathIncludes: app.functionName });
    const outcome = await deploy(ctx, app, { strategy: 'Canary10Percent5Minutes' }, 30_000);
    await expectCanarySucceeded(app, outcome);
    expect(ctx.engine.endpoint.faults.list()).toEqual([]);

    const history = await historyOf(outcome);
    const failures = failedFunctionTasks(history);
    // One failed attempt of the first SetWeight, retried by the state machine; no rollback.
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ state: 'SetWeight', error: 'THROTTLED' });
    expect(failures[0]?.cause).toContain('TooManyRequestsException');
    const entered = history.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).not.toContain('Rollback');
    const alias = await readAlias(ctx.lambda, app);
    expect(alias.version).toBe(app.versions[1]);
  });

  it('the rollback’s UpdateAlias throttled: retried until the alias is back on the current version', async () => {
    const app = await createApp(ctx.lambda, 'throttled-rollback');
    const started = await startDeployment(ctx, requestFor(app, { strategy: { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 720 } }));
    await waitForRecord(ctx, started, 'baking at 10%', atWeight(10));
    ctx.engine.endpoint.faults.add({ service: 'lambda', operation: 'UpdateAlias', count: 3, error: 'TooManyRequestsException', status: 429, pathIncludes: app.functionName });
    await control(ctx, started.deploymentId, 'abort');

    const outcome = await waitForEnd(ctx, started, app, 30_000);
    expectFailed(outcome, 'MANUAL_STOP', 'Stopped');
    await expectTerminalInvariant(ctx, app, outcome, 'current');
    expect(weightsOf(outcome.record)).toEqual([0, 10, 0]);
    expect(ctx.engine.endpoint.faults.list()).toEqual([]);
    const history = await historyOf(outcome);
    const failures = failedFunctionTasks(history);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ state: 'Rollback', error: 'THROTTLED' });
  });

  it('CloudWatch throttling the alarm reads of a bake: whoever reads retries, the deployment goes on and succeeds', async () => {
    const app = await createApp(ctx.lambda, 'throttled-alarms');
    const alarm = uniqueName('quiet');
    await ctx.cloudwatch.send(
      new PutMetricAlarmCommand({ AlarmName: alarm, Namespace: 'Glidepath/E2E', MetricName: 'Unused', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' }),
    );
    ctx.engine.clock.speed = 1_000; // the 1-hour bake lasts 3.6 s real while the faults are answered
    const started = await startDeployment(ctx, requestFor(app, { strategy: { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 60 }, alarms: [alarm] }));
    await waitForRecord(ctx, started, 'waiting in the bake', (r) => r.weight === 10 && r.waitToken?.kind === 'timed');
    // During the bake the watcher reads the alarms (every 60 ms real here), then the check at its end.
    ctx.engine.endpoint.faults.add({ service: 'cloudwatch', operation: 'DescribeAlarms', count: 3 });
    await waitForRecord(ctx, started, 'the throttles answered', () => ctx.engine.endpoint.faults.list().length === 0, 10_000);
    ctx.engine.clock.speed = SPEED;

    const outcome = await waitForEnd(ctx, started, app);
    await expectCanarySucceeded(app, outcome);
    const history = await historyOf(outcome);
    const failures = failedFunctionTasks(history);
    // A throttled check is retried by the state machine; a throttled watcher tries again at its next tick.
    for (const failure of failures) expect(failure).toMatchObject({ state: 'CheckHealth', error: 'THROTTLED' });
  });
});
