/**
 * The ways in, end to end on the local engine: deployment groups put with the CLI;
 * S3 and ECR pushes put as EventBridge events with the SDK, routed by template.yaml's rules to the
 * real trigger handler; windows; `glidepath promote --at` through the engine's EventBridge
 * Scheduler; the CodeDeploy bridge run by the engine's CodeDeploy as a PreTraffic hook.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, CreateApplicationCommand, CreateDeploymentCommand, CreateDeploymentGroupCommand, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateAliasCommand, CreateFunctionCommand, GetAliasCommand, GetFunctionCommand, InvokeCommand, LambdaClient, PublishVersionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalEngine, type LocalEngine } from '../../infra/local/engine.ts';
import { main } from '../../cli/main.ts';
import type { CliIO } from '../../cli/context.ts';
import { newDeploymentId } from '../../cli/deployment-id.ts';
import { listDeployments } from '../../shared/aws/deployment-store.ts';
import { recordWithHistory, type RecordWithHistory } from './support/record.ts';
import { until } from './support/until.ts';
import { keys } from '../../shared/core/model/record.ts';
import { waitForCodeUpdate } from '../../shared/aws/function-code.ts';
import { systemClock } from '../../shared/aws/system-clock.ts';

const ROLE = 'arn:aws:iam::000000000000:role/ways-in-e2e';
const SPEED = 600; // ten simulated minutes per real second

let engine: LocalEngine;
let lambda: LambdaClient;
let events: EventBridgeClient;
let s3: S3Client;
let sfn: SFNClient;
let ddb: DynamoDBDocumentClient;
let codedeploy: CodeDeployClient;
let cloudwatch: CloudWatchClient;
let scheduler: SchedulerClient;
let dir: string;
let logs: string[] = [];

beforeAll(async () => {
  // `photos` is in the S3 rule but no group names it: the trigger sees its events and ignores them.
  engine = await startLocalEngine({ speed: SPEED, logLevel: 'WARN', parameters: { TriggerBucketNames: 'ways-in-artifacts,photos' } });
  Object.assign(process.env, engine.env);
  const config = { endpoint: engine.url, region: engine.region, credentials: { accessKeyId: 'glidepath-local', secretAccessKey: 'glidepath-local' } };
  lambda = new LambdaClient(config);
  events = new EventBridgeClient(config);
  s3 = new S3Client({ ...config, endpoint: engine.env.AWS_ENDPOINT_URL_S3!, forcePathStyle: true });
  sfn = new SFNClient(config);
  ddb = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  codedeploy = new CodeDeployClient(config);
  cloudwatch = new CloudWatchClient(config);
  scheduler = new SchedulerClient(config);
  dir = mkdtempSync(join(tmpdir(), 'glidepath-ways-in-'));
  // The handlers log JSON lines (Powertools) on stdout/stderr: keep them to look for the trigger's.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = String(chunk);
      if (text.startsWith('{')) {
        logs.push(text);
        return true;
      }
      return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  for (const c of [lambda, events, s3, sfn, ddb, codedeploy, cloudwatch, scheduler]) c?.destroy();
  await engine?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const store = () => ({ ddb, tableName: engine.tableName });
const zip = (version: string) => zipSync({ 'index.js': new TextEncoder().encode(`exports.handler = async () => ({ version: ${JSON.stringify(version)} });\n`) });

async function glidepath(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: process.env, cwd: dir };
  const code = await main(['node', 'glidepath', ...args], io);
  return { code, stdout, stderr };
}

async function putGroup(group: Record<string, unknown>): Promise<void> {
  const file = join(dir, `${String(group.name)}.json`);
  writeFileSync(file, JSON.stringify(group));
  const out = await glidepath('group', 'put', '--file', file, '--local');
  expect(out.code, out.stderr).toBe(0);
}

/** A function with version 1 (and more if asked) and alias live → 1. */
async function createApp(name: string, versions = 1, extra: Record<string, unknown> = {}): Promise<void> {
  await lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: ROLE, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: zip('v1') }, ...extra }));
  await waitForCodeUpdate(lambda, name, systemClock, { intervalSeconds: 0.1 });
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  for (let v = 2; v <= versions; v++) {
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: `build ${v}` }));
    await waitForCodeUpdate(lambda, name, systemClock, { intervalSeconds: 0.1 });
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  }
  await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }));
}

async function alias(name: string): Promise<{ version?: string; weights?: Record<string, number> }> {
  const a = await lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));
  return { version: a.FunctionVersion, weights: a.RoutingConfig?.AdditionalVersionWeights };
}


const ended = (r: RecordWithHistory | undefined) => (r && ['Succeeded', 'Failed', 'Stopped'].includes(r.status) ? r : undefined);
const deploymentsOf = async (fn: string) => (await listDeployments(store(), fn, 'live')).deployments;
/** The deployment a push started: Prepare records it once the execution runs. */
const startedOf = (fn: string, count = 1) => until(`${count} deployment(s) of ${fn}`, async () => {
  const found = await deploymentsOf(fn);
  return found.length >= count ? found : undefined;
});
const finished = (id: string) => until(`deployment ${id} to end`, async () => ended(await recordWithHistory(store(), id)));

function s3Event(bucket: string, key: string, object: { etag: string; versionId?: string }): PutEventsCommand {
  const detail = { version: '0', bucket: { name: bucket }, object: { key, size: 1, etag: object.etag, ...(object.versionId ? { 'version-id': object.versionId } : {}), sequencer: '00' }, reason: 'PutObject' };
  return new PutEventsCommand({ Entries: [{ Source: 'aws.s3', DetailType: 'Object Created', Resources: [`arn:aws:s3:::${bucket}`], Detail: JSON.stringify(detail) }] });
}

describe('S3 and ECR pushes deploy their deployment groups', () => {
  it('an S3 upload: the object’s code is published as a version and deployed; the same event twice deploys once', async () => {
    await createApp('ways-in-s3');
    await putGroup({ name: 'ways-in-s3', function: 'ways-in-s3', alias: 'live', strategy: 'Canary10Percent5Minutes', sources: { s3: [{ bucket: 'ways-in-artifacts', prefix: 'builds/', suffix: '.zip' }] } });
    await s3.send(new CreateBucketCommand({ Bucket: 'ways-in-artifacts' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'ways-in-artifacts', VersioningConfiguration: { Status: 'Enabled' } }));
    const put = await s3.send(new PutObjectCommand({ Bucket: 'ways-in-artifacts', Key: 'builds/orders-2.zip', Body: zip('v2-from-s3') }));
    expect(put.VersionId).toBeTruthy();

    const sent = await events.send(s3Event('ways-in-artifacts', 'builds/orders-2.zip', { etag: put.ETag!.replace(/"/g, ''), versionId: put.VersionId! }));
    expect(sent.FailedEntryCount).toBe(0);
    await engine.waysIn.events.drain();
    const [started] = await startedOf('ways-in-s3');
    expect(started?.targetVersion).toBe('2');
    const record = await finished(started!.id);
    expect(record.status, JSON.stringify(record.error)).toBe('Succeeded');
    expect(record.weights.map((w) => w.weight)).toEqual([0, 10, 100]);
    expect(await alias('ways-in-s3')).toEqual({ version: '2', weights: undefined });
    const v2 = await lambda.send(new GetFunctionCommand({ FunctionName: 'ways-in-s3', Qualifier: '2' }));
    expect(v2.Configuration?.Description).toBe(`glidepath: s3://ways-in-artifacts/builds/orders-2.zip version ${put.VersionId}`);
    // The code that runs is the object's.
    const invoked = await lambda.send(new InvokeCommand({ FunctionName: 'ways-in-s3', Qualifier: 'live' }));
    expect(JSON.parse(Buffer.from(invoked.Payload!).toString())).toEqual({ version: 'v2-from-s3' });

    // The same object again (a redelivery, or a second event for it): no second deployment.
    await events.send(s3Event('ways-in-artifacts', 'builds/orders-2.zip', { etag: put.ETag!.replace(/"/g, ''), versionId: put.VersionId! }));
    await engine.waysIn.events.drain();
    expect((await deploymentsOf('ways-in-s3')).map((d) => d.id)).toEqual([started!.id]);
    const claim = await ddb.send(new GetCommand({ TableName: engine.tableName, Key: keys.trigger(`ways-in-artifacts/builds/orders-2.zip/${put.VersionId}#ways-in-s3`) }));
    expect(claim.Item).toMatchObject({ status: 'started', deploymentId: started!.id, version: '2', group: 'ways-in-s3' });
    expect(engine.waysIn.events.deliveries.filter((d) => d.target.endsWith(':glidepath-trigger')).every((d) => d.status === 'delivered')).toBe(true);
  });

  it('an ECR push deploys the image by digest', async () => {
    const image = (d: string) => `000000000000.dkr.ecr.${engine.region}.amazonaws.com/ways-in/orders@sha256:${d.repeat(64)}`;
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'ways-in-ecr', Role: ROLE, PackageType: 'Image', Code: { ImageUri: image('a') } }));
    await waitForCodeUpdate(lambda, 'ways-in-ecr', systemClock, { intervalSeconds: 0.1 });
    await lambda.send(new PublishVersionCommand({ FunctionName: 'ways-in-ecr' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'ways-in-ecr', Name: 'live', FunctionVersion: '1' }));
    await putGroup({ name: 'ways-in-ecr', function: 'ways-in-ecr', alias: 'live', strategy: 'AllAtOnce', sources: { ecr: [{ repository: 'ways-in/orders', tagPattern: 'v*' }] } });

    const push = (tag: string, digest: string) =>
      events.send(
        new PutEventsCommand({
          Entries: [{ Source: 'aws.ecr', DetailType: 'ECR Image Action', Detail: JSON.stringify({ 'action-type': 'PUSH', result: 'SUCCESS', 'repository-name': 'ways-in/orders', 'image-digest': `sha256:${digest.repeat(64)}`, 'image-tag': tag }) }],
        }),
      );
    await push('latest', 'c'); // no tag pattern matches: ignored
    await push('v2.0.0', 'b');
    await engine.waysIn.events.drain();
    const deployments = await startedOf('ways-in-ecr');
    expect(deployments).toHaveLength(1);
    expect((await finished(deployments[0]!.id)).status).toBe('Succeeded');
    const v2 = await lambda.send(new GetFunctionCommand({ FunctionName: 'ways-in-ecr', Qualifier: '2' }));
    expect(v2.Code?.ImageUri).toBe(image('b'));
    expect(v2.Configuration?.Description).toBe(`glidepath: ways-in/orders:v2.0.0@sha256:${'b'.repeat(64)}`);
    expect(await alias('ways-in-ecr')).toEqual({ version: '2', weights: undefined });
    expect(logs.some((l) => l.includes('push ignored') && l.includes('tag latest matches no tagPattern'))).toBe(true);
  });

  it('an event for a bucket no group names is ignored with a log line; one outside the rule never reaches the trigger', async () => {
    const before = (await deploymentsOf('ways-in-s3')).length;
    await events.send(s3Event('photos', 'builds/holiday.zip', { etag: 'e-photos' }));
    await engine.waysIn.events.drain();
    expect(logs.some((l) => l.includes('push ignored') && l.includes('no deployment group has an s3 source for bucket photos'))).toBe(true);

    const sent = await events.send(s3Event('elsewhere', 'builds/x.zip', { etag: 'e-elsewhere' }));
    await engine.waysIn.events.drain();
    const id = sent.Entries![0]!.EventId!;
    expect(engine.waysIn.events.unmatched).toContain(id);
    expect(engine.waysIn.events.deliveries.some((d) => d.eventId === id)).toBe(false);
    expect((await deploymentsOf('ways-in-s3')).length).toBe(before);
  });
});

describe('time: windows and scheduled promotions', () => {
  it('a window closed at the start: no shift until it opens, then the walk goes on', async () => {
    await createApp('ways-in-window', 2);
    const now = engine.clock.now();
    // The window opens 30 simulated minutes from now (in Kolkata's wall-clock time, UTC+5:30).
    const opens = Math.ceil((now + 30 * 60_000) / 60_000) * 60_000;
    const hhmm = (t: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
    const request = {
      functionName: 'ways-in-window',
      alias: 'live',
      targetVersion: '2',
      strategy: { steps: [{ setWeight: 20 }, { bake: '5m' }] },
      windows: [{ start: hhmm(opens), end: hhmm(opens + 3 * 3600_000), timezone: 'Asia/Kolkata' }],
      alarmPolicy: { checkIntervalSeconds: 120 },
    };
    const id = newDeploymentId(now);
    await sfn.send(new StartExecutionCommand({ stateMachineArn: engine.stateMachineArn, name: id, input: JSON.stringify(request) }));
    const held = await until('the window hold', async () => {
      const r = await recordWithHistory(store(), id);
      return r?.events.some((e) => e.type === 'WindowClosed') ? r : undefined;
    });
    expect(held.weight).toBe(0);
    const record = await finished(id);
    expect(record.status, JSON.stringify(record.error)).toBe('Succeeded');
    const firstShift = record.weights.find((w) => w.weight > 0)!;
    expect(firstShift.weight).toBe(20);
    expect(Date.parse(firstShift.at)).toBeGreaterThanOrEqual(opens);
    // It shifted at the first check after the window opened (checks every 120 s while held).
    expect(Date.parse(firstShift.at) - opens).toBeLessThanOrEqual(121_000);
    expect(record.events.find((e) => e.type === 'WindowClosed')!.message).toMatch(/outside the deployment windows .*Asia\/Kolkata\): holding 0% until/);
  });

  it('a pause until a time ends at that time', async () => {
    await createApp('ways-in-until', 2);
    // Slower, so that the handlers' own (real) time adds little simulated time after `until`.
    engine.clock.speed = 60;
    const until_ = new Date(Math.ceil((engine.clock.now() + 2 * 60_000) / 1000) * 1000).toISOString();
    const id = newDeploymentId(engine.clock.now());
    const request = { functionName: 'ways-in-until', alias: 'live', targetVersion: '2', strategy: { steps: [{ setWeight: 10 }, { pause: { until: until_ } }, { setWeight: 50 }] } };
    await sfn.send(new StartExecutionCommand({ stateMachineArn: engine.stateMachineArn, name: id, input: JSON.stringify(request) }));
    const record = await finished(id).finally(() => {
      engine.clock.speed = SPEED;
    });
    expect(record.status, JSON.stringify(record.error)).toBe('Succeeded');
    const fifty = record.weights.find((w) => w.weight === 50)!;
    expect(Date.parse(fifty.at)).toBeGreaterThanOrEqual(Date.parse(until_));
    expect(Date.parse(fifty.at) - Date.parse(until_)).toBeLessThanOrEqual(15_000);
  });

  it('promote --at: a paused deployment is promoted at that simulated time', async () => {
    await createApp('ways-in-at', 2);
    const id = newDeploymentId(engine.clock.now());
    const request = { functionName: 'ways-in-at', alias: 'live', targetVersion: '2', strategy: { steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 100 }] } };
    await sfn.send(new StartExecutionCommand({ stateMachineArn: engine.stateMachineArn, name: id, input: JSON.stringify(request) }));
    await until('the pause', async () => ((await recordWithHistory(store(), id))?.waitToken ? true : undefined));

    const at = new Date(Math.ceil((engine.clock.now() + 15 * 60_000) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const out = await glidepath('promote', id, '--at', at, '--local', '--output', 'json');
    expect(out.code, out.stderr).toBe(0);
    const scheduled = JSON.parse(out.stdout) as { schedule: { name: string; expression: string } };
    expect(scheduled.schedule.expression).toBe(`at(${at.slice(0, 19)})`);
    const schedule = await scheduler.send(new GetScheduleCommand({ Name: scheduled.schedule.name }));
    expect(schedule.ActionAfterCompletion).toBe('DELETE');
    expect(JSON.parse(schedule.Target!.Input!)).toEqual({ deploymentId: id, action: 'promote' });
    expect((await recordWithHistory(store(), id))!.weight).toBe(10);

    const record = await finished(id);
    expect(record.status, JSON.stringify(record.error)).toBe('Succeeded');
    const promoted = record.events.find((e) => e.type === 'ControlAction')!;
    expect(Date.parse(promoted.at)).toBeGreaterThanOrEqual(Date.parse(at));
    expect(Date.parse(promoted.at) - Date.parse(at)).toBeLessThan(60_000);
    expect(Date.parse(record.weights.find((w) => w.weight === 100)!.at)).toBeGreaterThanOrEqual(Date.parse(at));
    // Fired once, then deleted (ActionAfterCompletion DELETE).
    expect(engine.waysIn.scheduler.firings.filter((f) => f.name === scheduled.schedule.name)).toMatchObject([{ status: 'invoked', attempts: 1 }]);
    await expect(scheduler.send(new GetScheduleCommand({ Name: scheduled.schedule.name }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('promote --at refuses a time in the past and a deployment that has ended', async () => {
    const [done] = await deploymentsOf('ways-in-at');
    const late = await glidepath('promote', done!.id, '--at', '2030-01-01T00:00:00Z', '--local');
    expect(late.code).toBe(2);
    expect(late.stderr).toMatch(/has ended \(Succeeded\)/);
    const past = await glidepath('promote', done!.id, '--at', '2001-01-01T00:00:00Z', '--local');
    expect(past.stderr).toMatch(/has ended|must be in the future/);
    const bad = await glidepath('promote', done!.id, '--at', 'tomorrow', '--local');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--at: must be an ISO 8601 time with a zone/);
  });
});

describe('the CodeDeploy bridge', () => {
  const appSpec = (fn: string) => `version: 0.0
Resources:
  - app:
      Type: AWS::Lambda::Function
      Properties: { Name: ${fn}, Alias: live, CurrentVersion: "1", TargetVersion: "2" }
Hooks:
  - BeforeAllowTraffic: glidepath-codedeploy-bridge
`;
  let groupSeq = 0;

  async function codeDeployDeployment(fn: string, alarms: string[] = []): Promise<string> {
    const app = `ways-in-app-${++groupSeq}`;
    await codedeploy.send(new CreateApplicationCommand({ applicationName: app, computePlatform: 'Lambda' }));
    await codedeploy.send(
      new CreateDeploymentGroupCommand({
        applicationName: app,
        deploymentGroupName: 'live',
        serviceRoleArn: 'arn:aws:iam::000000000000:role/codedeploy',
        deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
        ...(alarms.length ? { alarmConfiguration: { enabled: true, alarms: alarms.map((name) => ({ name })) } } : {}),
      }),
    );
    const out = await codedeploy.send(
      new CreateDeploymentCommand({ applicationName: app, deploymentGroupName: 'live', revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec(fn) } } }),
    );
    return out.deploymentId!;
  }

  const codeDeployEnd = (id: string) =>
    until(`CodeDeploy deployment ${id}`, async () => {
      const info = (await codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo!;
      return info.status === 'Succeeded' || info.status === 'Failed' ? info : undefined;
    });

  it('walks the strategy of the function’s glidepath:strategy tag and reports Succeeded', async () => {
    await createApp('ways-in-bridge-ok', 2, { Tags: { 'glidepath:strategy': 'Canary10Percent5Minutes' } });
    const id = await codeDeployDeployment('ways-in-bridge-ok');
    const info = await codeDeployEnd(id);
    expect(info.status, JSON.stringify(info.errorInformation)).toBe('Succeeded');
    const [walk] = await startedOf('ways-in-bridge-ok');
    expect(walk).toMatchObject({ status: 'Succeeded', plan: { strategy: 'Canary10Percent5Minutes' }, request: { codeDeploy: { deploymentId: id } } });
    expect((await recordWithHistory(store(), walk!.id))!.weights.map((w) => w.weight)).toEqual([0, 10, 100]);
    expect(await alias('ways-in-bridge-ok')).toEqual({ version: '2', weights: undefined });
  });

  it('reports Failed after rolling back when the deployment group’s alarm fires during the canary', async () => {
    await createApp('ways-in-bridge-alarm', 2, { Tags: { 'glidepath:strategy': '{"steps":[{"setWeight":10},{"bake":"30m"}]}' } });
    await cloudwatch.send(
      new PutMetricAlarmCommand({ AlarmName: 'ways-in-bridge-errors', Namespace: 'WaysIn', MetricName: 'Errors', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' }),
    );
    const id = await codeDeployDeployment('ways-in-bridge-alarm', ['ways-in-bridge-errors']);
    await until('the canary at 10%', async () => ((await deploymentsOf('ways-in-bridge-alarm'))[0]?.weight === 10 ? true : undefined));
    await cloudwatch.send(new PutMetricDataCommand({ Namespace: 'WaysIn', MetricData: [{ MetricName: 'Errors', Value: 5, Timestamp: new Date(engine.clock.now()) }] }));
    const info = await codeDeployEnd(id);
    expect(info.status).toBe('Failed');
    const [walk] = await deploymentsOf('ways-in-bridge-alarm');
    expect(walk).toMatchObject({ status: 'Failed', error: { code: 'ALARM_ACTIVE' } });
    expect(await alias('ways-in-bridge-alarm')).toEqual({ version: '1', weights: undefined });
  });

  it('refuses a plan longer than CodeDeploy’s one-hour hook at once: Failed, nothing shifted', async () => {
    await createApp('ways-in-bridge-long', 2, { Tags: { 'glidepath:strategy': 'Linear10PercentEvery10Minutes' } });
    const id = await codeDeployDeployment('ways-in-bridge-long');
    const info = await codeDeployEnd(id);
    expect(info.status).toBe('Failed');
    expect(await deploymentsOf('ways-in-bridge-long')).toEqual([]);
    expect(logs.some((l) => l.includes('the walk could not start') && l.includes('longer than the 55 min bridge mode allows'))).toBe(true);
    expect(await alias('ways-in-bridge-long')).toEqual({ version: '1', weights: undefined });
    // The record of the walk that never started stays absent; the table has nothing for it.
    expect((await ddb.send(new GetCommand({ TableName: engine.tableName, Key: keys.lock('ways-in-bridge-long', 'live') }))).Item).toBeUndefined();
  });
});

describe('glidepath group', () => {
  it('put refuses a group with the field and the rule (exit 2), and changes nothing', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad-group\nfunction: orders-api\nalias: live\nstrategy: Canary10Percent5Minutes\nsources:\n  s3:\n    - bucket: Not_A_Bucket\n');
    const out = await glidepath('group', 'put', '--file', file, '--local');
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('error: sources.s3[0].bucket: must be an S3 bucket name (3–63 of a-z, 0-9, "." and "-"), got "Not_A_Bucket"\n');
    expect((await glidepath('group', 'get', 'bad-group', '--local')).code).toBe(3);
  });

  it('put (YAML), get, list and delete', async () => {
    const file = join(dir, 'orders.yaml');
    writeFileSync(
      file,
      [
        'name: cli-orders',
        'function: orders-api',
        'alias: live',
        'strategy: Linear10PercentEvery3Minutes',
        'alarms: [orders-5xx]',
        'windows:',
        '  - days: [Mon, Tue, Wed, Thu, Fri]',
        '    start: "09:00"',
        '    end: "17:00"',
        '    timezone: Europe/Paris',
        'sources:',
        '  s3: [{ bucket: orders-artifacts, prefix: builds/, suffix: .zip }]',
        '  ecr: [{ repository: orders, tagPattern: "v*" }]',
        '',
      ].join('\n'),
    );
    const put = await glidepath('group', 'put', '--file', file, '--local');
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toBe(
      [
        'created group cli-orders: orders-api:live, Linear10PercentEvery3Minutes',
        '  sources: s3://orders-artifacts/builds/*.zip, ecr orders:v*',
        '  windows: Mon,Tue,Wed,Thu,Fri 09:00–17:00 Europe/Paris (traffic increases only inside them)',
        '  alarms: orders-5xx',
        '',
      ].join('\n'),
    );
    expect((await glidepath('group', 'put', '--file', file, '--local')).stdout).toMatch(/^replaced group cli-orders/);
    const got = await glidepath('group', 'get', 'cli-orders', '--local', '--output', 'json');
    expect(JSON.parse(got.stdout)).toMatchObject({ name: 'cli-orders', windows: [{ start: '09:00', timezone: 'Europe/Paris' }], sources: { ecr: [{ repository: 'orders', tagPattern: 'v*' }] } });
    const list = await glidepath('group', 'list', '--local');
    expect(list.stdout).toMatch(/^NAME\s+TARGET\s+STRATEGY\s+SOURCES\n/);
    expect(list.stdout).toMatch(/cli-orders\s+orders-api:live\s+Linear10PercentEvery3Minutes\s+s3:\/\/orders-artifacts\/builds\/\*\.zip, ecr orders:v\*/);
    expect((await glidepath('group', 'delete', 'cli-orders', '--local')).stdout).toBe('deleted group cli-orders\n');
    const gone = await glidepath('group', 'get', 'cli-orders', '--local');
    expect(gone.code).toBe(3);
    expect(gone.stderr).toBe('error: no deployment group cli-orders\n');
  });
});
