/** The two hook handlers with their AWS clients mocked (aws-sdk-client-mock): wiring, not logic. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { createHandler as createRunHook } from '../../../functions/run-hook/index.ts';
import { createHandler as createHookStatus } from '../../../functions/hook-status/index.ts';
import { TARGET } from '../../../shared/core/hooks/status-protocol.ts';
import { EXEC_ID, NOW_MS, pendingExecution } from './fixtures.ts';

vi.hoisted(() => {
  process.env.TABLE_NAME = 'glidepath-test';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

// The handlers as deployed, on the test's fixed clock.
const fixedClock = { now: () => NOW_MS, sleep: async () => undefined };
const runHookHandler = createRunHook({ clock: fixedClock });
const hookStatusHandler = createHookStatus({ clock: fixedClock });

const ddb = mockClient(DynamoDBDocumentClient);
const lambda = mockClient(LambdaClient);
const sfn = mockClient(SFNClient);
const context = {
  functionName: 'glidepath-run-hook',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:glidepath-run-hook',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

const record = { id: 'gp-1', functionName: 'orders-api', alias: 'live', currentVersion: '7', targetVersion: '8', weight: 0, request: {} };
const runInput = { taskToken: 'tok', deploymentId: 'gp-1', lifecycleEvent: 'BeforeAllowTraffic', hook: 'orders-smoke', cursor: { index: -1 }, timeoutSeconds: 60 };

beforeEach(() => {
  ddb.reset();
  lambda.reset();
  sfn.reset();
});

describe('Handler: run-hook', () => {
  it('writes the HOOK# item conditionally and invokes the hook RequestResponse', async () => {
    ddb.on(GetCommand).resolves({ Item: record });
    ddb.on(PutCommand).resolves({});
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: new TextEncoder().encode('null') as never });
    const result = await runHookHandler(runInput, context);
    expect(result.state).toBe('invoked');
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { TableName: 'glidepath-test', Key: { pk: 'DEP#gp-1', sk: 'DEPLOYMENT' } });
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put.Item).toMatchObject({ pk: `HOOK#${result.lifecycleEventHookExecutionId}`, sk: 'HOOK', taskToken: 'tok', status: 'Pending' });
    const invoke = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(invoke).toMatchObject({ FunctionName: 'orders-smoke', InvocationType: 'RequestResponse' });
    const payload = JSON.parse(new TextDecoder().decode(invoke.Payload as Uint8Array));
    expect(payload).toEqual({
      DeploymentId: 'gp-1',
      LifecycleEventHookExecutionId: result.lifecycleEventHookExecutionId,
      Glidepath: { function: 'orders-api', alias: 'live', currentVersion: '7', targetVersion: '8', lifecycleEvent: 'BeforeAllowTraffic', weight: 0 },
    });
  });

  it('a missing hook function fails the Task with HOOK_EXECUTION_FAILURE and marks the item Failed', async () => {
    ddb.on(GetCommand).resolves({ Item: record });
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    lambda.on(InvokeCommand).rejects(new ResourceNotFoundException({ message: 'Function not found: orders-smoke', $metadata: { httpStatusCode: 404 } }));
    await expect(runHookHandler(runInput, context)).rejects.toMatchObject({ name: 'HOOK_EXECUTION_FAILURE' });
    const update = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.ExpressionAttributeValues).toMatchObject({ ':status': 'Failed', ':pending': 'Pending' });
    expect(String(update.ExpressionAttributeValues?.[':reason'])).toContain('ResourceNotFoundException');
  });

  it('refuses a malformed input naming the field', async () => {
    await expect(runHookHandler({ ...runInput, lifecycleEvent: 'Install' }, context)).rejects.toMatchObject({
      name: 'INVALID_REQUEST',
      field: 'lifecycleEvent',
    });
    expect(lambda).not.toHaveReceivedCommand(InvokeCommand);
  });
});

function urlEvent(body: string, base64 = false, method = 'POST'): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET },
    requestContext: { http: { method, path: '/' } },
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
  } as unknown as LambdaFunctionURLEvent;
}

const reportBody = (status: string) => JSON.stringify({ deploymentId: 'gp-1', lifecycleEventHookExecutionId: EXEC_ID, status });

describe('Handler: hook-status', () => {
  it('a base64 body reporting Succeeded: conditional update, then SendTaskSuccess with the stored token', async () => {
    ddb.on(GetCommand).resolves({ Item: pendingExecution() });
    ddb.on(UpdateCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).resolves({});
    const response = await hookStatusHandler(urlEvent(reportBody('Succeeded'), true), context);
    expect(response).toMatchObject({ statusCode: 200 });
    expect(JSON.parse((response as { body: string }).body)).toEqual({ lifecycleEventHookExecutionId: EXEC_ID });
    const update = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.ConditionExpression).toContain('#status = :pending');
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-1' });
  });

  it('Failed → SendTaskFailure HOOK_EXECUTION_FAILURE', async () => {
    ddb.on(GetCommand).resolves({ Item: pendingExecution() });
    ddb.on(UpdateCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
    await hookStatusHandler(urlEvent(reportBody('Failed')), context);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: 'token-1', error: 'HOOK_EXECUTION_FAILURE' });
  });

  it('a lost race on the conditional update → LifecycleEventAlreadyCompletedException, no callback', async () => {
    ddb.on(GetCommand).resolvesOnce({ Item: pendingExecution() }).resolves({ Item: pendingExecution({ status: 'Succeeded' }) });
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const response = (await hookStatusHandler(urlEvent(reportBody('Succeeded')), context)) as { statusCode: number; headers: Record<string, string> };
    expect(response.statusCode).toBe(400);
    expect(response.headers['x-amzn-errortype']).toBe('LifecycleEventAlreadyCompletedException');
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('a timed-out token → InvalidLifecycleEventHookExecutionIdException and the item marked', async () => {
    ddb.on(GetCommand).resolves({ Item: pendingExecution() });
    ddb.on(UpdateCommand).resolves({});
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    const response = (await hookStatusHandler(urlEvent(reportBody('Succeeded')), context)) as { statusCode: number; headers: Record<string, string> };
    expect(response.headers['x-amzn-errortype']).toBe('InvalidLifecycleEventHookExecutionIdException');
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { UpdateExpression: 'SET tokenExpired = :true' });
  });

  it('a GET is refused without touching the table', async () => {
    const response = (await hookStatusHandler(urlEvent('', false, 'GET'), context)) as { statusCode: number };
    expect(response.statusCode).toBe(405);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });
});
