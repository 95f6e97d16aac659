/**
 * The CodeDeploy bridge's final report outlasts an outage: CodeDeploy throttling
 * PutLifecycleEventHookExecutionStatus 30 times in a row (more than the state machine's retries of
 * Finish could absorb) does not fail the execution, nor leave CodeDeploy untold. The record ends
 * with the deployment's own status and owes the report; the execution ends as the deployment did;
 * the lock is free at once; the watcher's ticks try again until CodeDeploy has its answer, which
 * is the record's (Succeeded, or Failed after a rollback); then the record leaves the active index.
 * Virtual time: CodeDeploy's one-hour hook, the backoff and the SDK's own retries cost no waiting.
 */
import { CreateApplicationCommand, CreateDeploymentCommand, CreateDeploymentGroupCommand, GetDeploymentCommand, type DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { TagResourceCommand } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { getLock, listDeployments } from '../../shared/aws/deployment-store.ts';
import { readHistory } from '../../shared/aws/deployment-history.ts';
import { dynamoDeploymentStore } from '../../shared/aws/dynamo-deployment-store.ts';
import type { DeploymentRecord } from '../../shared/core/model/record.ts';
import { createApp, readAlias, type App } from './support/app.ts';
import { control } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { until } from './support/until.ts';

/** The watcher's ticks back off for engine minutes: a report can take up to 90 s of real time. */
const REPORT_MS = 90_000;

const ctx = useEngine({ speed: 'max' });
const THROTTLES = 30;

afterEach(() => {
  ctx.engine.endpoint.faults.clear();
});


/** A function whose glidepath:strategy tag the bridge walks, and a CodeDeploy deployment running the bridge as its BeforeAllowTraffic hook. */
async function bridgeDeployment(prefix: string, strategy: string): Promise<{ app: App; codeDeployId: string }> {
  const app = await createApp(ctx.lambda, prefix);
  const arn = `arn:aws:lambda:${ctx.engine.region}:000000000000:function:${app.functionName}`;
  await ctx.lambda.send(new TagResourceCommand({ Resource: arn, Tags: { 'glidepath:strategy': strategy } }));
  const codedeploy = ctx.clients.codedeploy;
  const application = `${app.functionName}-cd`;
  await codedeploy.send(new CreateApplicationCommand({ applicationName: application, computePlatform: 'Lambda' }));
  await codedeploy.send(
    new CreateDeploymentGroupCommand({ applicationName: application, deploymentGroupName: 'live', serviceRoleArn: 'arn:aws:iam::000000000000:role/codedeploy', deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' } }),
  );
  const content = `version: 0.0\nResources:\n  - app:\n      Type: AWS::Lambda::Function\n      Properties: { Name: ${app.functionName}, Alias: live, CurrentVersion: "1", TargetVersion: "2" }\nHooks:\n  - BeforeAllowTraffic: glidepath-codedeploy-bridge\n`;
  // The outage starts before the walk: every report about this CodeDeploy deployment is throttled.
  const out = await codedeploy.send(new CreateDeploymentCommand({ applicationName: application, deploymentGroupName: 'live', revision: { revisionType: 'AppSpecContent', appSpecContent: { content } } }));
  const codeDeployId = out.deploymentId!;
  ctx.engine.endpoint.faults.add({ service: 'codedeploy', operation: 'PutLifecycleEventHookExecutionStatus', count: THROTTLES, error: 'ThrottlingException', status: 400, pathIncludes: codeDeployId });
  return { app, codeDeployId };
}

const walkOf = (app: App) =>
  until(`a walk of ${app.functionName}`, async () => (await listDeployments(ctx.store, app.functionName, app.alias)).deployments[0], REPORT_MS);

async function ended(app: App): Promise<{ record: DeploymentRecord; execution: { status?: string; error?: string; cause?: string } }> {
  const walk = await walkOf(app);
  const execution = await until('the execution ended', async () => {
    const d = await ctx.sfn.send(new DescribeExecutionCommand({ executionArn: walk.executionArn! }));
    return d.status === 'RUNNING' ? undefined : d;
  }, REPORT_MS);
  const record = (await listDeployments(ctx.store, app.functionName, app.alias)).deployments[0]!;
  return { record, execution: { status: execution.status, ...(execution.error ? { error: execution.error } : {}), ...(execution.cause ? { cause: execution.cause } : {}) } };
}

const codeDeployEnd = (id: string) =>
  until<DeploymentInfo>(`CodeDeploy deployment ${id} ended`, async () => {
    const info = (await ctx.clients.codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!;
    return (info.status === 'Succeeded' || info.status === 'Failed') && info.completeTime ? info : undefined;
  }, REPORT_MS);

/** CodeDeploy ended on the report, not on its one-hour timeout of the hook (which fails it too). */
function answeredInTime(info: DeploymentInfo): void {
  expect(info.completeTime!.getTime() - info.createTime!.getTime()).toBeLessThan(3600_000);
}

/** The engine's CodeDeploy: how the bridge's hook was answered. */
function hookAnswer(codeDeployId: string): string | undefined {
  return ctx.engine.waysIn.codeDeploy.deployments.get(codeDeployId)?.hooks.find((h) => h.event === 'BeforeAllowTraffic')?.status;
}

/** The ids in the active index (what the watcher looks after), as the watcher's store reads them. */
async function activeIds(): Promise<string[]> {
  return (await dynamoDeploymentStore(ctx.store.ddb, ctx.store.tableName).active()).map((r) => r.id);
}

describe(`CodeDeploy throttling the bridge's final report ${THROTTLES} times`, () => {
  it('a success: the execution SUCCEEDED, the record Succeeded, the lock free at once; the watcher\'s ticks tell CodeDeploy Succeeded', async () => {
    const { app, codeDeployId } = await bridgeDeployment('report-ok', 'AllAtOnce');
    const { record, execution } = await ended(app);
    expect(execution.status, JSON.stringify(execution)).toBe('SUCCEEDED');
    expect(record.status).toBe('Succeeded');
    expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
    expect((await readAlias(ctx.lambda, app)).version).toBe('2');

    const info = await codeDeployEnd(codeDeployId);
    expect(info.status, JSON.stringify(info.errorInformation)).toBe('Succeeded');
    answeredInTime(info);
    expect(hookAnswer(codeDeployId)).toBe('Succeeded');
    expect(ctx.engine.endpoint.faults.list()).toEqual([]);
    const told = await until('the record told', async () => {
      const r = (await listDeployments(ctx.store, app.functionName, app.alias)).deployments[0]!;
      return r.codeDeployReport === undefined ? r : undefined;
    }, REPORT_MS);
    expect(told.status).toBe('Succeeded');
    expect(told.gsi2pk).toBeUndefined();
    expect(await activeIds()).not.toContain(told.id);
    const reported = (await readHistory(ctx.store, told.id, 'events')).find((e) => e.type === 'CodeDeployReported');
    expect(reported?.message).toMatch(/^CodeDeploy told Succeeded \((\d+) tries\)$/);
    // Finish's own try and then the watcher's, across ticks: each try meets at most 3 throttles (the SDK's attempts).
    expect(Number(/\((\d+) tries\)/.exec(reported!.message)![1])).toBeGreaterThanOrEqual(THROTTLES / 3 + 1);
    expect(Date.parse(reported!.at) - Date.parse(told.endedAt!)).toBeGreaterThanOrEqual(60_000);
    expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
  }, 120_000);

  it('a rollback: the execution FAILED with the deployment\'s own error, the record Stopped; CodeDeploy is told Failed', async () => {
    const { app, codeDeployId } = await bridgeDeployment('report-failed', '{"steps":[{"setWeight":10},{"bake":"30m"}]}');
    const walk = await until('the canary at 10%', async () => {
      const r = await walkOf(app);
      return r.weight === 10 && r.waitToken?.kind === 'timed' ? r : undefined;
    }, REPORT_MS);
    await control(ctx, walk.id, 'abort');
    const { record, execution } = await ended(app);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('MANUAL_STOP');
    expect(record).toMatchObject({ status: 'Stopped', weight: 0, error: { code: 'MANUAL_STOP' } });
    expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();

    const info = await codeDeployEnd(codeDeployId);
    expect(info.status).toBe('Failed');
    answeredInTime(info);
    expect(hookAnswer(codeDeployId)).toBe('Failed');
    const told = await until('the record told', async () => {
      const r = (await listDeployments(ctx.store, app.functionName, app.alias)).deployments[0]!;
      return r.codeDeployReport === undefined ? r : undefined;
    }, REPORT_MS);
    const reported = (await readHistory(ctx.store, told.id, 'events')).find((e) => e.type === 'CodeDeployReported');
    expect(reported?.message).toMatch(/^CodeDeploy told Failed \(\d+ tries\)$/);
    expect(Number(/\((\d+) tries\)/.exec(reported!.message)![1])).toBeGreaterThanOrEqual(THROTTLES / 3 + 1);
    expect(told.gsi2pk).toBeUndefined();
    expect(await activeIds()).not.toContain(told.id);
    expect((await readAlias(ctx.lambda, app))).toMatchObject({ version: '1', weights: {} });
  }, 120_000);
});
