/**
 * Hooks end to end on the local engine: the real state machine, the real run-hook and
 * hook-status handlers, hook functions deployed as zips through the local Lambda endpoint, and
 * reports sent by the AWS SDK's CodeDeployClient to the engine's CodeDeploy endpoint.
 *
 * The engine runs at speed 1: the bundled hook templates read the wall clock (their own copy of
 * the clock), which agrees with the engine's only at speed 1, and nothing here waits long.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { startLocalEngine, type LocalEngine } from '../../infra/local/engine.ts';
import { aliasState, createApp, createFunction, deploy, zipFolder, zipTemplate, type Outcome } from '../fixtures/hooks/deploy.ts';

let engine: LocalEngine;
let lambda: LambdaClient;
let sfn: SFNClient;
let ddb: DynamoDBDocumentClient;
let codedeploy: CodeDeployClient;
let records: string;
let appSeq = 0;
/** A URL where nothing listens (port 9, discard): a report sent there fails. */
const NOWHERE = 'http://127.0.0.1:9';

beforeAll(async () => {
  // At speed 1 a minute's metric arrival lag would be a real minute before metric-gate sees the traffic.
  engine = await startLocalEngine({ speed: 1, metricLagSeconds: 0 });
  Object.assign(process.env, engine.env);
  const config = { endpoint: engine.url, region: engine.region, credentials: { accessKeyId: 'glidepath-local', secretAccessKey: 'glidepath-local' } };
  lambda = new LambdaClient(config);
  sfn = new SFNClient(config);
  ddb = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  codedeploy = new CodeDeployClient(config);
  records = mkdtempSync(join(tmpdir(), 'glidepath-hooks-'));
});

afterAll(async () => {
  lambda?.destroy();
  sfn?.destroy();
  ddb?.destroy();
  codedeploy?.destroy();
  await engine?.close();
  if (records) rmSync(records, { recursive: true, force: true });
});

/** A new application (alias live → 1, versions 2 good and 3 bad). */
async function newApp(bad: 'bad' | 'throw' = 'throw'): Promise<string> {
  const name = `hooks-app-${++appSeq}`;
  await createApp(lambda, name, bad);
  return name;
}

/** A scripted hook (test/fixtures/hooks/scripted-hook) with its own record file. */
async function scriptedHook(behavior: string): Promise<{ name: string; seen: () => Record<string, any>[] }> {
  const name = `hook-${behavior}-${++appSeq}`;
  const file = join(records, `${name}.jsonl`);
  await createFunction(lambda, name, zipFolder('scripted-hook'), {
    HOOK_BEHAVIOR: behavior,
    HOOK_RECORD_FILE: file,
    AWS_ENDPOINT_URL_CODEDEPLOY: engine.url,
  });
  const seen = () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : []);
  return { name, seen };
}

function request(app: string, extra: Record<string, unknown>): Record<string, unknown> {
  return { functionName: app, alias: 'live', currentVersion: '1', targetVersion: '2', strategy: 'AllAtOnce', ...extra };
}

function expectFailedWith(outcome: Outcome, code: string): void {
  expect(outcome.status, JSON.stringify(outcome)).toBe('FAILED');
  expect(outcome.error).toBe(code);
}

describe('hooks on the local engine', () => {
  it('a hook that reports Succeeded: the deployment goes on; the hook saw CodeDeploy’s fields and the Glidepath object, never the token', async () => {
    const app = await newApp();
    const hook = await scriptedHook('succeed');
    const outcome = await deploy(sfn, engine.stateMachineArn, request(app, { hooks: { beforeAllowTraffic: hook.name } }));
    expect(outcome.status, JSON.stringify(outcome)).toBe('SUCCEEDED');
    expect(await aliasState(lambda, app)).toEqual({ version: '2', weights: undefined });
    const [invocation, reportResult] = hook.seen();
    expect(Object.keys(invocation!.event).sort()).toEqual(['DeploymentId', 'Glidepath', 'LifecycleEventHookExecutionId']);
    expect(invocation!.event.DeploymentId).toBe(outcome.deploymentId);
    expect(invocation!.event.LifecycleEventHookExecutionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(invocation!.event.Glidepath).toEqual({
      function: app,
      alias: 'live',
      currentVersion: '1',
      targetVersion: '2',
      lifecycleEvent: 'BeforeAllowTraffic',
      weight: 0,
    });
    expect(reportResult).toEqual({ call: 'Succeeded', ok: true, lifecycleEventHookExecutionId: invocation!.event.LifecycleEventHookExecutionId });
    // The token stays in the table: nothing the hook received contains it.
    const { Items = [] } = await ddb.send(new ScanCommand({ TableName: engine.tableName, FilterExpression: 'executionId = :id', ExpressionAttributeValues: { ':id': invocation!.event.LifecycleEventHookExecutionId } }));
    expect(Items).toHaveLength(1);
    expect(Items[0]).toMatchObject({ status: 'Succeeded', deploymentId: outcome.deploymentId, lifecycleEvent: 'BeforeAllowTraffic' });
    expect(JSON.stringify(invocation)).not.toContain(String(Items[0]!.taskToken));
  });

  it('a hook that reports Failed after traffic: HOOK_EXECUTION_FAILURE and the alias back on the current version', async () => {
    const app = await newApp();
    const hook = await scriptedHook('fail');
    const outcome = await deploy(sfn, engine.stateMachineArn, request(app, { hooks: { afterAllowTraffic: hook.name } }));
    expectFailedWith(outcome, 'HOOK_EXECUTION_FAILURE');
    expect(outcome.cause).toContain('hook reported Failed');
    expect(hook.seen()[0]!.event.Glidepath).toMatchObject({ lifecycleEvent: 'AfterAllowTraffic', weight: 100 });
    expect(await aliasState(lambda, app)).toEqual({ version: '1', weights: undefined });
  });

  it('a hook that throws fails the deployment at once (not after hookTimeoutSeconds), with its error message', async () => {
    const app = await newApp();
    const hook = await scriptedHook('throw');
    const outcome = await deploy(sfn, engine.stateMachineArn, request(app, { hooks: { beforeAllowTraffic: hook.name }, hookTimeoutSeconds: 3600 }));
    expectFailedWith(outcome, 'HOOK_EXECUTION_FAILURE');
    expect(outcome.cause).toContain('smoke test exploded before reporting');
    expect(outcome.ms).toBeLessThan(10_000);
    expect(await aliasState(lambda, app)).toEqual({ version: '1', weights: undefined });
  });

  it('a hook that never reports fails after hookTimeoutSeconds with TIMEOUT', async () => {
    const app = await newApp();
    const hook = await scriptedHook('silent');
    const outcome = await deploy(sfn, engine.stateMachineArn, request(app, { hooks: { beforeAllowTraffic: hook.name }, hookTimeoutSeconds: 1 }));
    expectFailedWith(outcome, 'TIMEOUT');
    expect(outcome.ms).toBeGreaterThanOrEqual(1000);
    expect(await aliasState(lambda, app)).toEqual({ version: '1', weights: undefined });
  });

  it('a second report answers LifecycleEventAlreadyCompletedException; the first one counts', async () => {
    const app = await newApp();
    const hook = await scriptedHook('twice');
    const outcome = await deploy(sfn, engine.stateMachineArn, request(app, { hooks: { beforeAllowTraffic: hook.name } }));
    expect(outcome.status, JSON.stringify(outcome)).toBe('SUCCEEDED');
    expect(hook.seen().slice(1).map((r) => r.error ?? 'ok')).toEqual(['ok', 'LifecycleEventAlreadyCompletedException']);
  });

  it.each([
    ['bad-status', 'InvalidLifecycleEventHookExecutionStatusException'],
    ['unknown-id', 'InvalidLifecycleEventHookExecutionIdException'],
    ['other-deployment', 'InvalidLifecycleEventHookExecutionIdException'],
  ])('a report with %s is refused with %s and changes nothing', async (behavior, error) => {
    const app = await newApp();
    const hook = await scriptedHook(behavior);
    const outcome = await deploy(sfn, engine.stateMachineArn, request(app, { hooks: { beforeAllowTraffic: hook.name } }));
    // The refused report did not end the hook: the valid one after it did.
    expect(outcome.status, JSON.stringify(outcome)).toBe('SUCCEEDED');
    expect(hook.seen().slice(1).map((r) => r.error ?? 'ok')).toEqual([error, 'ok']);
  });

  it('a hook step sees its step index and the weight of that moment', async () => {
    const app = await newApp();
    const hook = await scriptedHook('succeed');
    const outcome = await deploy(
      sfn,
      engine.stateMachineArn,
      request(app, { strategy: { steps: [{ setWeight: 30 }, { hook: hook.name }, { setWeight: 100 }] } }),
    );
    expect(outcome.status, JSON.stringify(outcome)).toBe('SUCCEEDED');
    expect(hook.seen()[0]!.event.Glidepath).toMatchObject({ lifecycleEvent: 'Step', step: 1, weight: 30 });
  });

  it('a hook written as CodeDeploy’s documentation shows runs unchanged with only AWS_ENDPOINT_URL_CODEDEPLOY set', async () => {
    const app = await newApp();
    const name = `codedeploy-doc-hook-${++appSeq}`;
    await createFunction(lambda, name, zipFolder('codedeploy-doc-hook'), { AWS_ENDPOINT_URL_CODEDEPLOY: engine.url });
    const outcome = await deploy(sfn, engine.stateMachineArn, request(app, { hooks: { beforeAllowTraffic: name, afterAllowTraffic: name } }));
    expect(outcome.status, JSON.stringify(outcome)).toBe('SUCCEEDED');
    expect(await aliasState(lambda, app)).toEqual({ version: '2', weights: undefined });
  });
});

describe('ready-made hooks on the local engine', () => {
  /** Deploys a template under a name of our choosing (no naming rule) with its settings. */
  async function template(kind: string, env: Record<string, string>): Promise<string> {
    const name = `my-${kind}-${++appSeq}`;
    // Under Glidepath the report goes to GLIDEPATH_HOOK_STATUS_ENDPOINT: the CodeDeploy URL here leads nowhere.
    await createFunction(lambda, name, await zipTemplate(kind), { GLIDEPATH_HOOK_STATUS_ENDPOINT: engine.url, AWS_ENDPOINT_URL_CODEDEPLOY: NOWHERE, ...env }, 60);
    return name;
  }

  /** Runs one CodeDeploy (the engine's) Lambda deployment of `app` 1 → `target` with a BeforeAllowTraffic hook. */
  async function codeDeployDeployment(app: string, target: string, hook: string): Promise<{ status?: string; code?: string }> {
    const application = `${app}-cd`;
    await codedeploy.send(new CreateApplicationCommand({ applicationName: application, computePlatform: 'Lambda' }));
    await codedeploy.send(
      new CreateDeploymentGroupCommand({
        applicationName: application,
        deploymentGroupName: 'live',
        serviceRoleArn: 'arn:aws:iam::000000000000:role/codedeploy',
        deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      }),
    );
    const appSpec = {
      version: 0.0,
      Resources: [{ app: { Type: 'AWS::Lambda::Function', Properties: { Name: app, Alias: 'live', CurrentVersion: '1', TargetVersion: target } } }],
      Hooks: [{ BeforeAllowTraffic: hook }],
    };
    const { deploymentId } = await codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: application,
        deploymentGroupName: 'live',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: JSON.stringify(appSpec) } },
      }),
    );
    for (let i = 0; i < 1000; i++) {
      const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId }));
      if (deploymentInfo?.status === 'Succeeded' || deploymentInfo?.status === 'Failed') {
        return { status: deploymentInfo.status, ...(deploymentInfo.errorInformation?.code ? { code: deploymentInfo.errorInformation.code } : {}) };
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`CodeDeploy deployment ${deploymentId} did not end`);
  }

  it('under CodeDeploy (no Glidepath object): a template takes TARGET_VERSION as SAM gives it and reports to CodeDeploy', async () => {
    const app = await newApp();
    const arn = (version: string) => `arn:aws:lambda:${engine.region}:000000000000:function:${app}:${version}`;
    // Under CodeDeploy the report must not go to GLIDEPATH_HOOK_STATUS_ENDPOINT (it leads nowhere here).
    const settings = { GLIDEPATH_HOOK_STATUS_ENDPOINT: NOWHERE, GLIDEPATH_WARMUP_INVOCATIONS: '3' };
    const goodHook = `cd-warm-up-good-${++appSeq}`;
    await createFunction(lambda, goodHook, await zipTemplate('warm-up'), { ...settings, TARGET_VERSION: arn('2') }, 60);
    expect(await codeDeployDeployment(app, '2', goodHook)).toEqual({ status: 'Succeeded' });
    expect(await aliasState(lambda, app)).toMatchObject({ version: '2' });

    const second = await newApp();
    const badHook = `cd-warm-up-bad-${++appSeq}`;
    await createFunction(lambda, badHook, await zipTemplate('warm-up'), { ...settings, TARGET_FUNCTION: second, TARGET_VERSION: '3' }, 60);
    expect(await codeDeployDeployment(second, '3', badHook)).toEqual({ status: 'Failed', code: 'HOOK_EXECUTION_FAILURE' });
    expect(await aliasState(lambda, second)).toMatchObject({ version: '1' });
  });

  async function both(hooks: (app: string) => Record<string, unknown>, bad: 'bad' | 'throw' = 'throw'): Promise<{ good: Outcome; badOutcome: Outcome }> {
    const app = await newApp(bad);
    const good = await deploy(sfn, engine.stateMachineArn, request(app, hooks(app)));
    // Back to version 1 for the bad target.
    const second = await newApp(bad);
    const badOutcome = await deploy(sfn, engine.stateMachineArn, request(second, { ...hooks(second), targetVersion: '3' }));
    return { good, badOutcome };
  }

  it('smoke-invoke: passes the good version, fails the one that throws', async () => {
    const hook = await template('smoke-invoke', {
      GLIDEPATH_SMOKE_EVENTS: JSON.stringify([{ name: 'health', event: { path: '/health' }, expect: { subset: { statusCode: 200 } } }]),
    });
    const { good, badOutcome } = await both(() => ({ hooks: { beforeAllowTraffic: hook } }));
    expect(good.status, JSON.stringify(good)).toBe('SUCCEEDED');
    expectFailedWith(badOutcome, 'HOOK_EXECUTION_FAILURE');
  });

  it('smoke-invoke: an assertion on the answer fails a version that answers 500', async () => {
    const hook = await template('smoke-invoke', { GLIDEPATH_SMOKE_EXPECT: JSON.stringify({ paths: { '$.statusCode': 200 } }) });
    const { good, badOutcome } = await both(() => ({ hooks: { beforeAllowTraffic: hook } }), 'bad');
    expect(good.status, JSON.stringify(good)).toBe('SUCCEEDED');
    expectFailedWith(badOutcome, 'HOOK_EXECUTION_FAILURE');
  });

  it('http-probe: checks a URL per target version', async () => {
    // A stand-in for an API in front of each version: /<function>/<version> answers what that version answers.
    const server: Server = createServer(async (req, res) => {
      const [, fn, version] = (req.url ?? '').split('/');
      const out = await lambda.send(new InvokeCommand({ FunctionName: fn, Qualifier: version, Payload: new TextEncoder().encode('{}') }));
      const body = out.Payload ? JSON.parse(new TextDecoder().decode(out.Payload)) : {};
      res.writeHead(out.FunctionError ? 502 : (body.statusCode ?? 200)).end(body.body ?? '');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const hook = await template('http-probe', {
        GLIDEPATH_PROBE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/{function}/{targetVersion}`,
        GLIDEPATH_PROBE_COUNT: '3',
        GLIDEPATH_PROBE_BODY_CONTAINS: '"status":"ok"',
        GLIDEPATH_PROBE_MAX_LATENCY_MS: '5000',
      });
      const { good, badOutcome } = await both(() => ({ hooks: { beforeAllowTraffic: hook } }), 'bad');
      expect(good.status, JSON.stringify(good)).toBe('SUCCEEDED');
      expectFailedWith(badOutcome, 'HOOK_EXECUTION_FAILURE');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('metric-gate: reads the target version’s own Errors and Invocations', async () => {
    const hook = await template('metric-gate', {
      GLIDEPATH_METRIC_RESOURCE: '{function}:{targetVersion}',
      GLIDEPATH_METRIC_MIN_INVOCATIONS: '5',
      GLIDEPATH_METRIC_MAX_ERROR_PERCENT: '10',
    });
    const traffic = async (app: string, version: string) => {
      for (let i = 0; i < 8; i++) await lambda.send(new InvokeCommand({ FunctionName: app, Qualifier: version, Payload: new TextEncoder().encode('{}') }));
    };
    const goodApp = await newApp();
    await traffic(goodApp, '2');
    const good = await deploy(sfn, engine.stateMachineArn, request(goodApp, { hooks: { beforeAllowTraffic: hook } }));
    expect(good.status, JSON.stringify(good)).toBe('SUCCEEDED');
    const badApp = await newApp('throw');
    await traffic(badApp, '3');
    const bad = await deploy(sfn, engine.stateMachineArn, request(badApp, { targetVersion: '3', hooks: { beforeAllowTraffic: hook } }));
    expectFailedWith(bad, 'HOOK_EXECUTION_FAILURE');
    // No traffic at all is no evidence: it fails too.
    const quietApp = await newApp();
    const quiet = await deploy(sfn, engine.stateMachineArn, request(quietApp, { hooks: { beforeAllowTraffic: hook } }));
    expectFailedWith(quiet, 'HOOK_EXECUTION_FAILURE');
  });

  it('warm-up: invokes the target version N times; errors fail it', async () => {
    const hook = await template('warm-up', { GLIDEPATH_WARMUP_INVOCATIONS: '6', GLIDEPATH_WARMUP_CONCURRENCY: '3' });
    const { good, badOutcome } = await both(() => ({ hooks: { beforeAllowTraffic: hook } }));
    expect(good.status, JSON.stringify(good)).toBe('SUCCEEDED');
    expectFailedWith(badOutcome, 'HOOK_EXECUTION_FAILURE');
  });
});
