/**
 * The loopback Lambda API through the real @aws-sdk/client-lambda: functions from real zips,
 * versions, weighted aliases, Invoke (routing, ExecutedVersion, errors, Event), the runtime's
 * environment and context, and a handler that calls CloudWatch through the engine.
 */
import { createHash } from 'node:crypto';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateAliasCommand, GetAliasCommand, GetFunctionCommand, GetFunctionConfigurationCommand, InvokeCommand, ListVersionsByFunctionCommand,
  PreconditionFailedException, PublishVersionCommand, ResourceConflictException, UpdateAliasCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunction, functionReady, payloadOf, rejectionOf, startTestEndpoint, taggedHandler, zipOf, type TestEndpoint } from './endpoint-helpers.ts';

let t: TestEndpoint;
beforeAll(async () => {
  // Updates stay InProgress for 0.3 s: long enough to be seen, short for the waits.
  t = await startTestEndpoint({ speed: 1, functionTransitionSeconds: 0.3 });
});
afterAll(async () => {
  await t.close();
});

/** The sum of the Orders metric the `metrics-writer` function has put, over the last simulated hour. */
async function ordersSent(): Promise<number> {
  const now = t.clock.now();
  const data = await t.cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(now - 3600_000),
      EndTime: new Date(now + 60_000),
      MetricDataQueries: [{ Id: 'orders', MetricStat: { Metric: { Namespace: 'Glidepath/Test', MetricName: 'Orders' }, Period: 3600, Stat: 'Sum' } }],
    }),
  );
  return data.MetricDataResults![0]!.Values!.reduce((a, b) => a + b, 0);
}

describe('Lambda functions and versions', () => {
  it('creates a function from a real zip and serves its configuration and code', async () => {
    const zip = taggedHandler('first');
    const created = await createFunction(t.lambda, 'orders-api', zip, { Description: 'orders', Environment: { Variables: { GP_COLOR: 'blue' } } });
    expect(created.$metadata.httpStatusCode).toBe(201);
    // As on AWS: Pending while it is created (createFunction then waited until Active).
    expect(created).toMatchObject({ State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating' });
    expect(created.FunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:orders-api');
    expect(created.Version).toBe('$LATEST');
    expect(created.CodeSha256).toBe(createHash('sha256').update(zip).digest('base64'));
    expect(created.CodeSize).toBe(zip.length);
    // LastModified comes from the engine clock (started at 2026-03-01T12:00:00Z, speed 1).
    expect(Date.parse(created.LastModified!.replace('+0000', 'Z')) - Date.parse('2026-03-01T12:00:00Z')).toBeLessThan(60_000);

    const got = await t.lambda.send(new GetFunctionCommand({ FunctionName: 'orders-api' }));
    expect(got.Configuration).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful', Runtime: 'nodejs22.x', Handler: 'index.handler', Environment: { Variables: { GP_COLOR: 'blue' } } });
    const download = await fetch(got.Code!.Location!);
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(zip))).toBe(true);
  });

  it('publishes a version only when $LATEST changed, and lists the versions', async () => {
    const v1 = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'orders-api' }));
    expect(v1.$metadata.httpStatusCode).toBe(201);
    expect(v1.Version).toBe('1');
    expect(v1.FunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:orders-api:1');
    const again = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'orders-api' }));
    expect(again.Version).toBe('1');

    const updated = await t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'orders-api', ZipFile: taggedHandler('second') }));
    expect(updated.CodeSha256).not.toBe(v1.CodeSha256);
    expect(updated).toMatchObject({ State: 'Active', LastUpdateStatus: 'InProgress', LastUpdateStatusReasonCode: 'Creating' });
    // Publishing (or changing it again) before the update is over is a conflict, as on AWS.
    const early = await rejectionOf(() => t.lambda.send(new PublishVersionCommand({ FunctionName: 'orders-api' })));
    expect(early).toBeInstanceOf(ResourceConflictException);
    expect(early.message).toBe('The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:000000000000:function:orders-api');
    const again2 = await rejectionOf(() => t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'orders-api', Description: 'too soon' })));
    expect(again2).toBeInstanceOf(ResourceConflictException);
    expect(await functionReady(t.lambda, 'orders-api')).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful' });
    const v2 = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'orders-api', Description: 'second build' }));
    expect(v2).toMatchObject({ Version: '2', Description: 'second build', CodeSha256: updated.CodeSha256 });

    const listed = await t.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'orders-api' }));
    expect(listed.Versions!.map((v) => v.Version)).toEqual(['$LATEST', '1', '2']);
    expect(listed.Versions!.map((v) => v.FunctionArn!.split(':').pop())).toEqual(['$LATEST', '1', '2']);
    const conf1 = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders-api', Qualifier: '1' }));
    expect(conf1.CodeSha256).toBe(v1.CodeSha256);
  });

  it('keeps a published version frozen when $LATEST configuration changes', async () => {
    await t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'orders-api', Environment: { Variables: { GP_COLOR: 'green' } }, Description: 'now green' }));
    await functionReady(t.lambda, 'orders-api');
    const latest = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders-api' }));
    const v2 = await t.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders-api:2' }));
    expect(latest.Environment?.Variables).toEqual({ GP_COLOR: 'green' });
    expect(v2.Environment?.Variables).toEqual({ GP_COLOR: 'blue' });
  });

  it('counts a configuration-only change (even the description) as a change to publish', async () => {
    await t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'orders-api', Description: 'described differently' }));
    await functionReady(t.lambda, 'orders-api');
    const v3 = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'orders-api', Description: 'third' }));
    expect(v3).toMatchObject({ Version: '3', Description: 'third' });
    const same = await t.lambda.send(new PublishVersionCommand({ FunctionName: 'orders-api', Description: 'another description' }));
    expect(same).toMatchObject({ Version: '3', Description: 'third' });
  });
});

describe('Lambda aliases and Invoke', () => {
  it('routes an alias by its weights and reports the executed version', async () => {
    const alias = await t.lambda.send(
      new CreateAliasCommand({ FunctionName: 'orders-api', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.3 } } }),
    );
    expect(alias.AliasArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:orders-api:live');
    expect(alias.RoutingConfig?.AdditionalVersionWeights).toEqual({ '2': 0.3 });

    const counts: Record<string, number> = { '1': 0, '2': 0 };
    const invocations = 1000;
    for (let i = 0; i < invocations; i++) {
      const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'orders-api', Qualifier: 'live', Payload: JSON.stringify({ i }) }));
      const body = payloadOf(out.Payload);
      expect(out.StatusCode).toBe(200);
      // The header names the version whose code actually ran.
      expect(body.version).toBe(out.ExecutedVersion);
      expect(body.tag).toBe(out.ExecutedVersion === '1' ? 'first' : 'second');
      counts[out.ExecutedVersion!]! += 1;
    }
    // Binomial(1000, 0.3): mean 300, sd 14.5 — ±70 is beyond 4.8 sd.
    expect(counts['2']).toBeGreaterThan(230);
    expect(counts['2']).toBeLessThan(370);
    expect(counts['1']! + counts['2']!).toBe(invocations);
  }, 60_000);

  it('invokes through an alias ARN and a version ARN', async () => {
    await t.lambda.send(new UpdateAliasCommand({ FunctionName: 'orders-api', Name: 'live', RoutingConfig: { AdditionalVersionWeights: {} } }));
    const byArn = await t.lambda.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:orders-api:live', Payload: '{}' }));
    expect(byArn.ExecutedVersion).toBe('1');
    const byVersion = await t.lambda.send(new InvokeCommand({ FunctionName: 'orders-api:2', Payload: '{}' }));
    expect(byVersion.ExecutedVersion).toBe('2');
    expect(payloadOf(byVersion.Payload).tag).toBe('second');
  });

  it('rejects an UpdateAlias with a stale RevisionId and leaves the alias as it was', async () => {
    const before = await t.lambda.send(new GetAliasCommand({ FunctionName: 'orders-api', Name: 'live' }));
    const moved = await t.lambda.send(
      new UpdateAliasCommand({ FunctionName: 'orders-api', Name: 'live', FunctionVersion: '2', RevisionId: before.RevisionId }),
    );
    expect(moved.RevisionId).not.toBe(before.RevisionId);
    const error = await rejectionOf(() =>
      t.lambda.send(new UpdateAliasCommand({ FunctionName: 'orders-api', Name: 'live', FunctionVersion: '1', RevisionId: before.RevisionId })),
    );
    expect(error).toBeInstanceOf(PreconditionFailedException);
    expect(error.$metadata.httpStatusCode).toBe(412);
    const after = await t.lambda.send(new GetAliasCommand({ FunctionName: 'orders-api', Name: 'live' }));
    expect(after).toMatchObject({ FunctionVersion: '2', RevisionId: moved.RevisionId });
  });

  it('answers a thrown error with FunctionError Unhandled and the runtime error payload', async () => {
    const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'orders-api', Qualifier: '1', Payload: JSON.stringify({ fail: true }) }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    const body = payloadOf(out.Payload);
    expect(body).toMatchObject({ errorType: 'RangeError', errorMessage: 'failing on purpose: first' });
    expect(body.trace[0]).toBe('RangeError: failing on purpose: first');
  });

  it('gives the handler the runtime environment and context, isolated from the host process', async () => {
    const zip = zipOf({
      'index.mjs': `export const handler = async (event, context) => {
  process.env.WRITTEN_BY_HANDLER = 'yes';
  return {
    env: { GP_COLOR: process.env.GP_COLOR, AWS_REGION: process.env.AWS_REGION, AWS_LAMBDA_FUNCTION_NAME: process.env.AWS_LAMBDA_FUNCTION_NAME,
      AWS_LAMBDA_FUNCTION_VERSION: process.env.AWS_LAMBDA_FUNCTION_VERSION, AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID, EXTRA: process.env.EXTRA },
    context: { functionName: context.functionName, functionVersion: context.functionVersion, invokedFunctionArn: context.invokedFunctionArn,
      awsRequestId: context.awsRequestId, remaining: context.getRemainingTimeInMillis() },
  };
};`,
    });
    t.endpoint.handlerEnv.EXTRA = 'from-engine';
    await createFunction(t.lambda, 'env-probe', zip, { Timeout: 30, Environment: { Variables: { GP_COLOR: 'red' } }, Publish: true });
    await t.lambda.send(new CreateAliasCommand({ FunctionName: 'env-probe', Name: 'prod', FunctionVersion: '1' }));
    const out = payloadOf((await t.lambda.send(new InvokeCommand({ FunctionName: 'env-probe', Qualifier: 'prod' }))).Payload);
    expect(out.env).toEqual({
      GP_COLOR: 'red',
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'env-probe',
      AWS_LAMBDA_FUNCTION_VERSION: '1',
      AWS_ENDPOINT_URL: t.endpoint.url,
      AWS_ACCESS_KEY_ID: expect.any(String),
      EXTRA: 'from-engine',
    });
    expect(out.context).toMatchObject({
      functionName: 'env-probe',
      functionVersion: '1',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:env-probe:prod',
    });
    expect(out.context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.context.remaining).toBeGreaterThan(25_000);
    expect(out.context.remaining).toBeLessThanOrEqual(30_000);
    expect(process.env.GP_COLOR).toBeUndefined();
    expect(process.env.WRITTEN_BY_HANDLER).toBeUndefined();
  });

  it('keeps concurrent invocations of different functions in their own environment', async () => {
    const zip = zipOf({
      'index.mjs': `export const handler = async (event) => {
  const before = process.env.WHO;
  await new Promise((r) => setTimeout(r, event.delay));
  return [before, process.env.WHO];
};`,
    });
    await createFunction(t.lambda, 'who-a', zip, { Environment: { Variables: { WHO: 'a' } } });
    await createFunction(t.lambda, 'who-b', zip, { Environment: { Variables: { WHO: 'b' } } });
    const calls = Array.from({ length: 20 }, (_, i) => {
      const name = i % 2 === 0 ? 'who-a' : 'who-b';
      return t.lambda
        .send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ delay: 5 + ((i * 7) % 20) }) }))
        .then((out) => ({ name, seen: payloadOf(out.Payload) }));
    });
    for (const { name, seen } of await Promise.all(calls)) {
      const who = name.slice(-1);
      expect(seen).toEqual([who, who]);
    }
  });

  it('runs a handler that imports @aws-sdk/client-cloudwatch and reaches the engine through AWS_ENDPOINT_URL', async () => {
    const zip = zipOf({
      'index.mjs': `import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
const client = new CloudWatchClient({});
export const handler = async (event) => {
  await client.send(new PutMetricDataCommand({ Namespace: 'Glidepath/Test', MetricData: [{ MetricName: 'Orders', Value: event.orders, Unit: 'Count' }] }));
  return { sent: event.orders };
};`,
    });
    await createFunction(t.lambda, 'metrics-writer', zip, { Timeout: 30 });
    for (const orders of [3, 4]) {
      const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'metrics-writer', Payload: JSON.stringify({ orders }) }));
      expect(out.FunctionError).toBeUndefined();
    }
    expect(await ordersSent()).toBe(7);
  });

  it('runs CommonJS callback handlers in subfolders, and reports import and timeout failures as the runtime does', async () => {
    await createFunction(
      t.lambda,
      'cjs-callback',
      zipOf({ 'src/app.js': `exports.main = (event, context, callback) => { setTimeout(() => callback(null, { doubled: event.n * 2 }), 1); };` }),
      { Handler: 'src/app.main' },
    );
    expect(payloadOf((await t.lambda.send(new InvokeCommand({ FunctionName: 'cjs-callback', Payload: '{"n":21}' }))).Payload)).toEqual({ doubled: 42 });

    await createFunction(t.lambda, 'no-file', zipOf({ 'other.mjs': 'export const handler = async () => 1;' }));
    const missing = await t.lambda.send(new InvokeCommand({ FunctionName: 'no-file' }));
    expect(missing.FunctionError).toBe('Unhandled');
    expect(payloadOf(missing.Payload).errorType).toBe('Runtime.ImportModuleError');

    await createFunction(t.lambda, 'no-export', zipOf({ 'index.mjs': 'export const other = async () => 1;' }));
    expect(payloadOf((await t.lambda.send(new InvokeCommand({ FunctionName: 'no-export' }))).Payload).errorType).toBe('Runtime.HandlerNotFound');

    await createFunction(t.lambda, 'slow', zipOf({ 'index.mjs': 'export const handler = () => new Promise((r) => setTimeout(() => r("late"), 1500));' }), { Timeout: 1 });
    const slow = await t.lambda.send(new InvokeCommand({ FunctionName: 'slow' }));
    expect(slow.FunctionError).toBe('Unhandled');
    expect(payloadOf(slow.Payload)).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: expect.stringContaining('Task timed out after 1.00 seconds') });
  });

  it('accepts Event invocations with 202 and runs them in the background', async () => {
    const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'metrics-writer', InvocationType: 'Event', Payload: JSON.stringify({ orders: 10 }) }));
    expect(out.StatusCode).toBe(202);
    await t.endpoint.lambda.drain();
    expect(await ordersSent()).toBe(17);
  });
});
