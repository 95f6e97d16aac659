/** The four template handlers with their SDK clients mocked: what they call and what they report. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { GetProvisionedConcurrencyConfigCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import type { Context } from 'aws-lambda';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.AWS_REGION = 'eu-west-1';
  process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
});

const { handler: smokeHandler } = await import('../../../functions/hooks/smoke-invoke/index.ts');
const { handler: probeHandler } = await import('../../../functions/hooks/http-probe/index.ts');
const { handler: gateHandler } = await import('../../../functions/hooks/metric-gate/index.ts');
const { handler: warmHandler } = await import('../../../functions/hooks/warm-up/index.ts');

const lambda = mockClient(LambdaClient);
const cloudwatch = mockClient(CloudWatchClient);
const codedeploy = mockClient(CodeDeployClient);
const context = { functionName: 'hook', awsRequestId: 'r', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:hook' } as unknown as Context;
const event = {
  DeploymentId: 'gp-1',
  LifecycleEventHookExecutionId: 'AAAAAAAAAAAAAAAAAAAAAA',
  Glidepath: { function: 'orders-api', alias: 'live', currentVersion: '7', targetVersion: '8', lifecycleEvent: 'Step', step: 2, weight: 25 },
};
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)) as never;

beforeEach(() => {
  lambda.reset();
  cloudwatch.reset();
  codedeploy.reset();
  codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).resolves({ lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId });
  vi.unstubAllEnvs();
});

function reported(status: 'Succeeded' | 'Failed') {
  expect(codedeploy).toHaveReceivedCommandTimes(PutLifecycleEventHookExecutionStatusCommand, 1);
  expect(codedeploy).toHaveReceivedCommandWith(PutLifecycleEventHookExecutionStatusCommand, {
    deploymentId: 'gp-1',
    lifecycleEventHookExecutionId: 'AAAAAAAAAAAAAAAAAAAAAA',
    status,
  });
}

describe('Handler: hooks/smoke-invoke', () => {
  it('invokes with Qualifier = target version and reports Succeeded', async () => {
    vi.stubEnv('GLIDEPATH_SMOKE_EVENTS', JSON.stringify([{ event: { path: '/health' }, expect: { subset: { statusCode: 200 } } }]));
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, ExecutedVersion: '8', Payload: bytes({ statusCode: 200 }) });
    const outcome = await smokeHandler(event, context);
    expect(outcome.status).toBe('Succeeded');
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: 'orders-api', Qualifier: '8', InvocationType: 'RequestResponse' });
    reported('Succeeded');
  });
  it('a thrown error in the version reports Failed', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: '8', Payload: bytes({ errorMessage: 'boom' }) });
    expect((await smokeHandler(event, context)).status).toBe('Failed');
    reported('Failed');
  });
});

describe('Handler: hooks/metric-gate', () => {
  it('reads Errors, Invocations and p99 Duration for ExecutedVersion = target', async () => {
    vi.stubEnv('GLIDEPATH_METRIC_MAX_P99_MS', '500');
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'errors', Values: [1] },
        { Id: 'invocations', Values: [200] },
        { Id: 'p99', Values: [120] },
      ],
    });
    const outcome = await gateHandler(event, context);
    expect(outcome).toMatchObject({ status: 'Succeeded', summary: 'metric-gate orders-api version 8 over 300 s: error rate 0.50% (1/200), p99 120 ms' });
    const input = cloudwatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(input.MetricDataQueries?.map((q) => q.MetricStat?.Metric?.Dimensions)).toEqual(
      Array(3).fill([
        { Name: 'FunctionName', Value: 'orders-api' },
        { Name: 'Resource', Value: 'orders-api:live' },
        { Name: 'ExecutedVersion', Value: '8' },
      ]),
    );
    reported('Succeeded');
  });
  it('too many errors reports Failed', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'errors', Values: [5] }, { Id: 'invocations', Values: [50] }] });
    expect((await gateHandler(event, context)).summary).toContain('error rate 10.00% (5/50) > 1%');
    reported('Failed');
  });
});

describe('Handler: hooks/warm-up', () => {
  it('provisioned mode reads the config of the target version', async () => {
    vi.stubEnv('GLIDEPATH_WARMUP_MODE', 'provisioned');
    lambda.on(GetProvisionedConcurrencyConfigCommand).resolves({ Status: 'READY', RequestedProvisionedConcurrentExecutions: 2, AvailableProvisionedConcurrentExecutions: 2 });
    expect((await warmHandler(event, context)).status).toBe('Succeeded');
    expect(lambda).toHaveReceivedCommandWith(GetProvisionedConcurrencyConfigCommand, { FunctionName: 'orders-api', Qualifier: '8' });
    reported('Succeeded');
  });
  it('invoke mode: N invocations of the version', async () => {
    vi.stubEnv('GLIDEPATH_WARMUP_INVOCATIONS', '4');
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes(null) });
    expect((await warmHandler(event, context)).status).toBe('Succeeded');
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 4);
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { Qualifier: '8' });
  });
});

describe('Handler: hooks/http-probe', () => {
  it('calls the URL with global fetch and reports', async () => {
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      res.writeHead(req.url === '/v/8' ? 200 : 404).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      vi.stubEnv('GLIDEPATH_PROBE_URL', `http://127.0.0.1:${(server.address() as AddressInfo).port}/v/{targetVersion}`);
      vi.stubEnv('GLIDEPATH_PROBE_COUNT', '3');
      expect((await probeHandler(event, context)).status).toBe('Succeeded');
      expect(hits).toBe(3);
      reported('Succeeded');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
  it('no URL configured: reports Failed, naming the variable', async () => {
    const outcome = await probeHandler(event, context);
    expect(outcome.summary).toBe('http-probe: GLIDEPATH_PROBE_URL: is required');
    reported('Failed');
  });
});
