/**
 * The trigger's core (shared/tasks/deploy-push.ts) with mocked clients: the calls it makes and
 * in which order, its idempotency claim, and which failures it leaves to Lambda's retries.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { GetFunctionConfigurationCommand, LambdaClient, PublishVersionCommand, TooManyRequestsException, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../shared/core/ports/clock.ts';
import { deployPush, type TriggerPorts } from '../../../shared/tasks/deploy-push.ts';
import { lambdaFunctionPublisher } from '../../../shared/aws/function-code.ts';
import { sfnDeploymentStarter } from '../../../shared/aws/start-deployment.ts';
import { dynamoGroupStore } from '../../../shared/aws/group-store.ts';
import { dynamoTriggerClaims } from '../../../shared/aws/trigger-store.ts';

const lambda = mockClient(LambdaClient);
const sfn = mockClient(SFNClient);
const ddb = mockClient(DynamoDBDocumentClient);
const logged: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
let clock: Clock & { sleeps: number[]; t: number };

const group = { name: 'orders', function: 'orders-api', alias: 'live', strategy: 'AllAtOnce', sources: { s3: [{ bucket: 'art' }] } };
const event = {
  id: 'e-1',
  source: 'aws.s3',
  'detail-type': 'Object Created',
  account: '123456789012',
  region: 'eu-west-1',
  detail: { bucket: { name: 'art' }, object: { key: 'orders.zip', etag: 'etag-1', 'version-id': 'v-1' } },
};

/** The trigger's ports on its AWS adapters, over the mocked clients. */
function deps(): TriggerPorts & { updateTimeoutSeconds: number } {
  const store = { ddb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), tableName: 't' };
  return {
    groups: dynamoGroupStore(store),
    claims: dynamoTriggerClaims(store),
    publisher: lambdaFunctionPublisher(new LambdaClient({ region: 'eu-west-1' }), clock),
    starter: sfnDeploymentStarter(new SFNClient({ region: 'eu-west-1' }), 'arn:aws:states:eu-west-1:123456789012:stateMachine:glidepath-deployment'),
    clock,
    log: {
      info: (message, extra) => logged.push({ level: 'info', message, ...(extra ? { extra } : {}) }),
      warn: (message, extra) => logged.push({ level: 'warn', message, ...(extra ? { extra } : {}) }),
      error: (message, extra) => logged.push({ level: 'error', message, ...(extra ? { extra } : {}) }),
    },
    updateTimeoutSeconds: 30,
  };
}

beforeEach(() => {
  lambda.reset();
  sfn.reset();
  ddb.reset();
  logged.length = 0;
  clock = { t: Date.parse('2026-11-24T10:00:00Z'), sleeps: [], now: () => clock.t, sleep: async (s: number) => void (clock.sleeps.push(s), (clock.t += s * 1000)) } as never;
  ddb.on(QueryCommand).resolves({ Items: [{ group }] });
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  lambda.on(UpdateFunctionCodeCommand).resolves({ CodeSha256: 'sha-new', LastUpdateStatus: 'InProgress' });
  lambda.on(GetFunctionConfigurationCommand).resolvesOnce({ LastUpdateStatus: 'InProgress' }).resolves({ LastUpdateStatus: 'Successful', CodeSha256: 'sha-new' });
  lambda.on(PublishVersionCommand).resolves({ Version: '7' });
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:glidepath-deployment:x' });
});

describe('Function: deployPush', () => {
  it('updates the code from the object, waits for Lambda on the shared clock, publishes it and starts the deployment', async () => {
    const outcome = await deployPush(event, deps());
    expect(outcome.deployments).toMatchObject([{ group: 'orders', status: 'started', version: '7' }]);
    expect(lambda).toHaveReceivedCommandWith(UpdateFunctionCodeCommand, { FunctionName: 'orders-api', S3Bucket: 'art', S3Key: 'orders.zip', S3ObjectVersion: 'v-1', Publish: false });
    expect(lambda).toHaveReceivedCommandTimes(GetFunctionConfigurationCommand, 2);
    expect(clock.sleeps).toEqual([1]);
    expect(lambda).toHaveReceivedCommandWith(PublishVersionCommand, { FunctionName: 'orders-api', CodeSha256: 'sha-new', Description: 'glidepath: s3://art/orders.zip version v-1' });
    const start = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(start.name).toMatch(/^gp-[0-9a-hjkmnp-tv-z]{20}$/);
    expect(JSON.parse(start.input!)).toEqual({ functionName: 'orders-api', alias: 'live', targetVersion: '7', strategy: 'AllAtOnce', description: 's3://art/orders.zip version v-1 (deployment group orders)' });
    // Claimed once, before any change; settled with the deployment.
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Item: { pk: 'TRIGGER#art/orders.zip/v-1#orders', status: 'claimed' }, ConditionExpression: 'attribute_not_exists(#pk)' });
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({ ':v0': 'started' });
  });

  it('starts nothing for an artifact already claimed', async () => {
    ddb.on(GetCommand).resolves({ Item: { status: 'started', deploymentId: 'gp-x', claimedAt: 'a', leaseUntil: 0, executionName: 'gp-x' } });
    const outcome = await deployPush(event, deps());
    expect(outcome.deployments).toEqual([{ group: 'orders', status: 'duplicate', deploymentId: 'gp-x' }]);
    expect(lambda).not.toHaveReceivedAnyCommand();
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('takes over a claim whose holder died, keeping its execution name', async () => {
    ddb.on(GetCommand).resolves({ Item: { status: 'claimed', claimedAt: '2026-11-24T09:00:00.000Z', leaseUntil: clock.t - 1, executionName: 'gp-0000000000aaaaaaaaaa' } });
    await deployPush(event, deps());
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.ConditionExpression).toBe('#status = :status AND #claimedAt = :claimedAt');
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.name).toBe('gp-0000000000aaaaaaaaaa');
  });

  it('reports a failed code update without a retry (the same object would fail again)', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ LastUpdateStatus: 'Failed', LastUpdateStatusReasonCode: 'InvalidZipFileException', LastUpdateStatusReason: 'bad zip' });
    const outcome = await deployPush(event, deps());
    expect(outcome.deployments).toMatchObject([{ status: 'failed', error: { code: 'INVALID_LAMBDA_CONFIGURATION', message: 'the code update of orders-api failed (InvalidZipFileException: bad zip)' } }]);
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({ ':v0': 'failed' });
  });

  it('throws on throttling so that Lambda retries the event (the claim is freed)', async () => {
    lambda.on(UpdateFunctionCodeCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(deployPush(event, deps())).rejects.toMatchObject({ code: 'THROTTLED' });
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({ ':v0': 'failed' });
  });

  it('gives up waiting for Lambda after the timeout, on the shared clock', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ LastUpdateStatus: 'InProgress' });
    const outcome = await deployPush(event, deps());
    expect(outcome.deployments).toMatchObject([{ status: 'failed', error: { code: 'TIMEOUT' } }]);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(30);
  });

  it('ignores, with a log line, an event no group wants', async () => {
    const outcome = await deployPush({ ...event, detail: { ...event.detail, bucket: { name: 'photos' } } }, deps());
    expect(outcome).toEqual({ artifact: 's3://photos/orders.zip version v-1', ignored: 'no deployment group has an s3 source for bucket photos', deployments: [] });
    expect(logged).toEqual([{ level: 'warn', message: 'push ignored', extra: { artifact: 's3://photos/orders.zip version v-1', reason: 'no deployment group has an s3 source for bucket photos' } }]);
    expect(lambda).not.toHaveReceivedAnyCommand();
  });
});
