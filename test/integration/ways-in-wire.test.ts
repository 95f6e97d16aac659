/**
 * The local engine's S3, EventBridge, Scheduler and CodeDeploy (infra/local/ways-in/) spoken to by
 * the real SDK v3 clients: requests, answers and error shapes as the SDK parses them, the rules
 * template.yaml makes for given parameters, and Lambda's UpdateFunctionCode reading from S3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { CodeDeployClient, CreateApplicationCommand, GetDeploymentCommand, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, LambdaClient, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { startLocalEngine, type LocalEngine } from '../../infra/local/engine.ts';
import { loadTemplate, templateRules } from '../../infra/local/ways-in/rules.ts';

let engine: LocalEngine;
let s3: S3Client;
let events: EventBridgeClient;
let scheduler: SchedulerClient;
let codedeploy: CodeDeployClient;
let lambda: LambdaClient;

beforeAll(async () => {
  engine = await startLocalEngine({ speed: Infinity });
  Object.assign(process.env, engine.env);
  const config = { endpoint: engine.url, region: engine.region, credentials: { accessKeyId: 'glidepath-local', secretAccessKey: 'glidepath-local' }, maxAttempts: 1 };
  s3 = new S3Client({ ...config, endpoint: engine.env.AWS_ENDPOINT_URL_S3!, forcePathStyle: true });
  events = new EventBridgeClient(config);
  scheduler = new SchedulerClient(config);
  codedeploy = new CodeDeployClient(config);
  lambda = new LambdaClient(config);
});

afterAll(async () => {
  for (const c of [s3, events, scheduler, codedeploy, lambda]) c?.destroy();
  await engine?.close();
});

describe('S3', () => {
  it('puts, heads and gets objects, with versions once versioning is on', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'wire-bucket' }));
    const put = await s3.send(new PutObjectCommand({ Bucket: 'wire-bucket', Key: 'a/b c+d.zip', Body: 'hello', ContentType: 'application/zip' }));
    expect(put.ETag).toBe('"5d41402abc4b2a76b9719d911017c592"');
    expect(put.VersionId).toBeUndefined();
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'wire-bucket', Key: 'a/b c+d.zip' }));
    expect(head).toMatchObject({ ContentLength: 5, ContentType: 'application/zip', ETag: put.ETag });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'wire-bucket', Key: 'a/b c+d.zip' }));
    expect(await got.Body!.transformToString()).toBe('hello');
  });

  it('answers NoSuchKey, NoSuchBucket and NotFound as S3 does', async () => {
    await expect(s3.send(new GetObjectCommand({ Bucket: 'wire-bucket', Key: 'missing' }))).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    await expect(s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: 'x' }))).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'wire-bucket', Key: 'missing' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('is where UpdateFunctionCode reads S3Bucket/S3Key: the new code runs', async () => {
    const code = (v: string) => zipSync({ 'index.js': new TextEncoder().encode(`exports.handler = async () => '${v}';`) });
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'wire-fn', Role: 'arn:aws:iam::000000000000:role/r', Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: code('one') } }));
    await s3.send(new PutObjectCommand({ Bucket: 'wire-bucket', Key: 'two.zip', Body: code('two') }));
    const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'wire-fn', S3Bucket: 'wire-bucket', S3Key: 'two.zip' }));
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'wire-fn' }))).LastUpdateStatus).toBe('Successful');
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'wire-fn' }));
    expect(Buffer.from(out.Payload!).toString()).toBe('"two"');
    expect(updated.CodeSha256).toBeTruthy();
    await expect(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'wire-fn', S3Bucket: 'wire-bucket', S3Key: 'nope.zip' }))).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('NoSuchKey'),
    });
  });
});

describe('EventBridge PutEvents', () => {
  it('accepts events, refuses malformed entries one by one', async () => {
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'my.app', DetailType: 'Thing', Detail: '{"a":1}' },
          { Source: 'my.app', DetailType: 'Thing', Detail: 'not json' },
          { Source: 'my.app', Detail: '{}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries![0]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries![1]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(out.Entries![2]!.ErrorCode).toBe('InvalidArgument');
    expect(engine.waysIn.events.unmatched).toContain(out.Entries![0]!.EventId);
    await expect(events.send(new PutEventsCommand({ Entries: [] }))).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('the rules of template.yaml', () => {
  const template = loadTemplate();
  const rules = (parameters: Record<string, string | string[]>) =>
    templateRules(template, { region: 'us-east-1', accountId: '000000000000', stackName: 's', parameters, functionArn: (id) => (id === 'TriggerFunction' ? 'arn:aws:lambda:us-east-1:000000000000:function:glidepath-trigger' : undefined) });

  // The trigger's rules (reconcile's are always made: test/unit/reconcile.test.ts).
  const triggerRules = (parameters: Record<string, string | string[]>) => rules(parameters).filter((r) => r.logicalId.startsWith('Trigger'));

  it('makes no rule when no bucket or repository is named', () => {
    expect(triggerRules({})).toEqual([]);
  });

  it('makes the S3 and ECR rules, targeting the trigger, for the named buckets and repositories', () => {
    const made = triggerRules({ TriggerBucketNames: 'a-bucket,b-bucket', TriggerEcrRepositories: ['team/orders'] });
    expect(made).toEqual([
      {
        logicalId: 'TriggerS3Rule',
        eventBusName: 'default',
        enabled: true,
        pattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: ['a-bucket', 'b-bucket'] } } },
        targets: [{ id: 'glidepath-trigger', arn: 'arn:aws:lambda:us-east-1:000000000000:function:glidepath-trigger', functionLogicalId: 'TriggerFunction' }],
      },
      {
        logicalId: 'TriggerEcrRule',
        eventBusName: 'default',
        enabled: true,
        pattern: { source: ['aws.ecr'], 'detail-type': ['ECR Image Action'], detail: { 'action-type': ['PUSH'], result: ['SUCCESS'], 'repository-name': ['team/orders'] } },
        targets: [{ id: 'glidepath-trigger', arn: 'arn:aws:lambda:us-east-1:000000000000:function:glidepath-trigger', functionLogicalId: 'TriggerFunction' }],
      },
    ]);
  });
});

describe('Scheduler', () => {
  const target = { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:nobody', RoleArn: 'arn:aws:iam::000000000000:role/glidepath-scheduler', Input: '{}' };

  it('creates, reads and deletes a one-time schedule; refuses a second of the same name', async () => {
    const created = await scheduler.send(new CreateScheduleCommand({ Name: 'wire-1', ScheduleExpression: 'at(2099-01-01T00:00:00)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target, ActionAfterCompletion: 'DELETE' }));
    expect(created.ScheduleArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/default/wire-1');
    const got = await scheduler.send(new GetScheduleCommand({ Name: 'wire-1' }));
    expect(got).toMatchObject({ Name: 'wire-1', GroupName: 'default', State: 'ENABLED', ScheduleExpression: 'at(2099-01-01T00:00:00)', ScheduleExpressionTimezone: 'UTC', Target: target });
    expect(got.CreationDate).toBeInstanceOf(Date);
    await expect(scheduler.send(new CreateScheduleCommand({ Name: 'wire-1', ScheduleExpression: 'at(2099-01-01T00:00:00)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target }))).rejects.toMatchObject({ name: 'ConflictException' });
    await scheduler.send(new DeleteScheduleCommand({ Name: 'wire-1' }));
    await expect(scheduler.send(new GetScheduleCommand({ Name: 'wire-1' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('validates as the model says, and refuses recurring schedules it cannot run', async () => {
    const bad = (input: Record<string, unknown>) => scheduler.send(new CreateScheduleCommand({ Name: 'wire-2', ScheduleExpression: 'at(2099-01-01T00:00:00)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: target, ...input } as never));
    await expect(bad({ Target: { ...target, RoleArn: 'not-a-role' } })).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining("at 'target.roleArn' failed to satisfy constraint") });
    await expect(bad({ ScheduleExpression: 'rate(5 minutes)' })).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining('one-time schedules only') });
    await expect(bad({ ScheduleExpressionTimezone: 'Mars/Base' })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(bad({ GroupName: 'other' })).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('fires on the engine clock, in the schedule’s time zone', async () => {
    const fired: unknown[] = [];
    const clock = engine.clock;
    const start = clock.now();
    // 09:00 in Paris on the day after the engine's now, whatever now is.
    const day = new Date(start + 86_400_000).toISOString().slice(0, 10);
    engine.waysIn.scheduler.options.invoke = async (_arn, payload) => void fired.push(payload);
    await scheduler.send(new CreateScheduleCommand({ Name: 'wire-3', ScheduleExpression: `at(${day}T09:00:00)`, ScheduleExpressionTimezone: 'Europe/Paris', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { ...target, Input: '{"n":3}' }, ActionAfterCompletion: 'DELETE' }));
    const due = engine.waysIn.scheduler.get('wire-3').fireAt;
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(due)).toBe('09:00');
    clock.advance((due - clock.now()) / 1000 - 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toEqual([]);
    clock.advance(1);
    await engine.waysIn.scheduler.drain();
    expect(fired).toEqual([{ n: 3 }]);
    await expect(scheduler.send(new GetScheduleCommand({ Name: 'wire-3' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('CodeDeploy', () => {
  it('answers its errors by name', async () => {
    await expect(codedeploy.send(new GetDeploymentCommand({ deploymentId: 'd-AAAAAAAAA' }))).rejects.toMatchObject({ name: 'DeploymentDoesNotExistException' });
    await expect(codedeploy.send(new GetDeploymentCommand({ deploymentId: 'nope' }))).rejects.toMatchObject({ name: 'InvalidDeploymentIdException' });
    await codedeploy.send(new CreateApplicationCommand({ applicationName: 'wire-app', computePlatform: 'Lambda' }));
    await expect(codedeploy.send(new CreateApplicationCommand({ applicationName: 'wire-app', computePlatform: 'Lambda' }))).rejects.toMatchObject({ name: 'ApplicationAlreadyExistsException' });
  });

  it('passes hook reports about Glidepath’s own hook executions to its status endpoint', async () => {
    // No such pending hook execution in the table: the status endpoint's own refusal comes back.
    await expect(
      codedeploy.send(new PutLifecycleEventHookExecutionStatusCommand({ deploymentId: 'gp-none', lifecycleEventHookExecutionId: 'AAAAAAAAAAAAAAAAAAAAAA', status: 'Succeeded' })),
    ).rejects.toMatchObject({ name: 'InvalidLifecycleEventHookExecutionIdException' });
  });
});
