/**
 * The controller handlers against a real DynamoDB implementation (dynalite on loopback, the table
 * as template.yaml defines it): the lock, the conditional writes, the gsi1 listing and the
 * control/wait race are DynamoDB semantics, which mocks cannot prove. Lambda, CloudWatch, Step
 * Functions and EventBridge stay mocked here; the local engine proves the whole machine.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetAliasCommand, GetFunctionConfigurationCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startDynalite, createTable, type LocalDynamo } from '../../infra/local/dynamo.ts';
import { readStack } from '../../infra/local/stack.ts';
import { createHandler as prepareHandler } from '../../functions/prepare/index.ts';
import { createHandler as shiftHandler } from '../../functions/shift/index.ts';
import { createHandler as checkHealthHandler } from '../../functions/check-health/index.ts';
import { createHandler as controlHandler } from '../../functions/control/index.ts';
import { createHandler as rollbackHandler } from '../../functions/rollback/index.ts';
import { createHandler as finishHandler } from '../../functions/finish/index.ts';
import { getDeployment, getLock, listDeployments } from '../../shared/aws/deployment-store.ts';
import { recordWithHistory } from '../e2e/support/record.ts';
import { inLambda, baseRequest, clock, env, handlerOptions, mockedClients, T0 } from '../unit/handlers/harness.ts';
import type { HealthResult, MachineState } from '../../shared/core/model/machine.ts';

let dynamo: LocalDynamo;
let ddb: DynamoDBDocumentClient;
let table = 0;
let { clients, mocks } = mockedClients();
let handlers: ReturnType<typeof build>;
const store = () => ({ ddb, tableName: env.tableName });

/**
 * The handlers, called as the state machine calls them: a shift gets the target Prepare returned
 * and the RevisionId and weight of the last health result (`$.target`, `$.health`), unless the
 * test gives them itself.
 */
function build() {
  const all = { ...clients, ddb };
  const prepare = inLambda(prepareHandler(handlerOptions(all)));
  const shift = inLambda(shiftHandler(handlerOptions(all)));
  const checkHealth = inLambda(checkHealthHandler(handlerOptions(all)));
  const carried = new Map<string, { target: MachineState['target']; health: HealthResult }>();
  return {
    prepare: async (event: unknown) => {
      const state = await prepare(event);
      carried.set(state.deploymentId, { target: state.target, health: state.health });
      return state;
    },
    shift: async (event: { deploymentId: string } & Record<string, unknown>) => {
      const c = carried.get(event.deploymentId);
      const result = await shift({ ...(c ? { target: c.target, revisionId: c.health.revisionId, weight: c.health.weight } : {}), ...event });
      if (c) c.health = result;
      return result;
    },
    checkHealth: async (event: { deploymentId: string } & Record<string, unknown>) => {
      const result = await checkHealth(event);
      const c = carried.get(event.deploymentId);
      if (c) c.health = result;
      return result;
    },
    control: inLambda(controlHandler(handlerOptions(all))),
    rollback: inLambda(rollbackHandler(handlerOptions(all))),
    finish: inLambda(finishHandler(handlerOptions(all))),
  };
}

function readyAccount() {
  let alias = { FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: {} as Record<string, number> }, RevisionId: 'rev-1' };
  let revision = 1;
  mocks.lambda.on(GetFunctionConfigurationCommand).callsFake((input) => ({ FunctionName: input.FunctionName, Version: input.Qualifier ?? '$LATEST', Role: 'role' }));
  mocks.lambda.on(GetAliasCommand).callsFake(() => alias);
  mocks.lambda.on(UpdateAliasCommand).callsFake((input) => {
    if (input.RevisionId !== alias.RevisionId) throw Object.assign(new Error('RevisionId mismatch'), { name: 'PreconditionFailedException' });
    alias = { FunctionVersion: input.FunctionVersion, RoutingConfig: { AdditionalVersionWeights: input.RoutingConfig.AdditionalVersionWeights }, RevisionId: `rev-${++revision}` };
    return alias;
  });
  mocks.cloudwatch.on(DescribeAlarmsCommand).callsFake((input) => ({ MetricAlarms: input.AlarmNames.map((n: string) => ({ AlarmName: n, StateValue: 'OK' })) }));
  mocks.sfn.on(SendTaskSuccessCommand).resolves({});
  mocks.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
  return { alias: () => alias };
}

beforeAll(async () => {
  dynamo = await startDynalite();
  ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: dynamo.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
});
afterAll(async () => {
  ddb?.destroy();
  await dynamo?.close();
});

let account: ReturnType<typeof readyAccount>;
beforeEach(async () => {
  // A fresh table per test: each test owns its locks and records.
  env.tableName = `glidepath-it-${++table}`;
  await createTable(ddb as unknown as DynamoDBClient, env.tableName, readStack().tableProperties);
  ({ clients, mocks } = mockedClients());
  account = readyAccount();
  handlers = build();
  clock.set(T0);
});

const execution = (name: string) => ({ Id: `arn:aws:states:us-east-1:123456789012:execution:glidepath:${name}`, Name: name });

describe('Controller over DynamoDB (dynalite)', () => {
  it('one deployment per alias: the second is refused naming the first, then allowed once the first finished', async () => {
    await handlers.prepare({ request: baseRequest, execution: execution('gp-a') });
    expect(await getLock(store(), 'orders-api', 'live')).toMatchObject({ deploymentId: 'gp-a' });

    // an ARN of the same function shares the lock
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:orders-api';
    await expect(handlers.prepare({ request: { ...baseRequest, functionName: arn }, execution: execution('gp-b') })).rejects.toMatchObject({
      name: 'DEPLOYMENT_IN_PROGRESS',
      message: 'orders-api:live already has an active deployment: gp-a',
    });
    expect(await getDeployment(store(), 'gp-b')).toBeUndefined();

    // a retried Prepare of gp-a is not refused by its own lock
    await expect(handlers.prepare({ request: baseRequest, execution: execution('gp-a') })).resolves.toMatchObject({ deploymentId: 'gp-a' });

    clock.advance(60);
    await handlers.finish({ execution: execution('gp-a'), deploymentId: 'gp-a', outcome: 'failed', error: { Error: 'MANUAL_STOP', Cause: 'test' } });
    expect(await getLock(store(), 'orders-api', 'live')).toBeUndefined();
    clock.advance(60);
    await expect(handlers.prepare({ request: baseRequest, execution: execution('gp-b') })).resolves.toMatchObject({ deploymentId: 'gp-b' });

    const { deployments } = await listDeployments(store(), arn, 'live');
    expect(deployments.map((d) => [d.id, d.status])).toEqual([
      ['gp-b', 'InProgress'],
      ['gp-a', 'Stopped'],
    ]);
  });

  it('a lock whose holder ended without releasing it is taken over', async () => {
    await handlers.prepare({ request: baseRequest, execution: execution('gp-old') });
    await ddb.send(
      new (await import('@aws-sdk/lib-dynamodb')).UpdateCommand({
        TableName: env.tableName,
        Key: { pk: 'DEP#gp-old', sk: 'DEPLOYMENT' },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'Failed' },
      }),
    );
    await expect(handlers.prepare({ request: baseRequest, execution: execution('gp-new') })).resolves.toMatchObject({ deploymentId: 'gp-new' });
    expect(await getLock(store(), 'orders-api', 'live')).toMatchObject({ deploymentId: 'gp-new' });
  });

  it('a lock whose holder left no record is taken over', async () => {
    await handlers.prepare({ request: baseRequest, execution: execution('gp-gone') });
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    await ddb.send(new DeleteCommand({ TableName: env.tableName, Key: { pk: 'DEP#gp-gone', sk: 'DEPLOYMENT' } }));
    expect(await getLock(store(), 'orders-api', 'live')).toMatchObject({ deploymentId: 'gp-gone' });
    await expect(handlers.prepare({ request: baseRequest, execution: execution('gp-after') })).resolves.toMatchObject({ deploymentId: 'gp-after' });
    expect(await getLock(store(), 'orders-api', 'live')).toMatchObject({ deploymentId: 'gp-after' });
    expect(await getDeployment(store(), 'gp-after')).toMatchObject({ status: 'InProgress' });
  });

  it('walks a canary: shift, bake checks on the real record, promote, finish', async () => {
    const state = await handlers.prepare({ request: baseRequest, execution: execution('gp-walk') });
    const id = state.deploymentId;
    await expect(handlers.shift({ deploymentId: id, cursor: { index: 0, step: { setWeight: 10 } } })).resolves.toMatchObject({ decision: 'next', weight: 10 });
    expect(account.alias()).toMatchObject({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } } });

    const bake = { deploymentId: id, cursor: { index: 1, step: { bake: 300 } } };
    clock.advance(1);
    await expect(handlers.checkHealth(bake)).resolves.toMatchObject({ decision: 'wait', waitSeconds: 300 });
    const started = (await getDeployment(store(), id))!;
    expect(started.stepIndex).toBe(1);
    expect(started.stepStartedAt).toBe(clock.iso());
    clock.advance(295);
    await expect(handlers.checkHealth(bake)).resolves.toMatchObject({ decision: 'wait', waitSeconds: 5 });
    expect((await getDeployment(store(), id))!.stepStartedAt).toBe(started.stepStartedAt);
    clock.advance(5);
    await expect(handlers.checkHealth(bake)).resolves.toMatchObject({ decision: 'next' });

    await handlers.shift({ deploymentId: id, cursor: { index: 2, step: { setWeight: 100 } } });
    await handlers.shift({ deploymentId: id, cursor: { index: 3 }, promote: true });
    expect(account.alias()).toMatchObject({ FunctionVersion: '8', RoutingConfig: { AdditionalVersionWeights: {} } });
    await expect(handlers.finish({ execution: execution('gp-walk'), deploymentId: id, outcome: 'succeeded' })).resolves.toEqual({ deploymentId: id, status: 'Succeeded' });

    const record = (await recordWithHistory(store(), id))!;
    expect(record.weights.map((w) => w.weight)).toEqual([0, 10, 100]);
    // No traffic, so nothing for the analysis to judge: the bake says so as it ends, and goes on.
    expect(record.events.map((e) => e.type)).toEqual(['Started', 'WeightShifted', 'StepStarted', 'AnalysisInconclusive', 'WeightShifted', 'Promoted', 'Succeeded']);
    expect(await getLock(store(), 'orders-api', 'live')).toBeUndefined();
  });

  it('promote during a bake acts once: the next bake is not skipped by the same press', async () => {
    const request = { ...baseRequest, strategy: { steps: [{ setWeight: 10 }, { bake: 60 }, { setWeight: 20 }, { bake: 60 }] } };
    const { deploymentId: id } = await handlers.prepare({ request, execution: execution('gp-promote') });
    await handlers.shift({ deploymentId: id, cursor: { index: 0, step: { setWeight: 10 } } });
    await handlers.checkHealth({ deploymentId: id, cursor: { index: 1, step: { bake: 60 } } });
    await handlers.control({ deploymentId: id, action: 'promote' });
    await expect(handlers.checkHealth({ deploymentId: id, cursor: { index: 1, step: { bake: 60 } } })).resolves.toMatchObject({ decision: 'next' });
    expect((await getDeployment(store(), id))!.signals).toEqual({});
    await handlers.shift({ deploymentId: id, cursor: { index: 2, step: { setWeight: 20 } } });
    await expect(handlers.checkHealth({ deploymentId: id, cursor: { index: 3, step: { bake: 60 } } })).resolves.toMatchObject({ decision: 'wait' });
  });

  it.each(['approve first', 'wait first'])('approval race (%s): the waiting step is released exactly once', async (order) => {
    const request = { ...baseRequest, strategy: { steps: [{ setWeight: 10 }, { approval: {} }, { setWeight: 100 }] } };
    const { deploymentId: id } = await handlers.prepare({ request, execution: execution('gp-race') });
    const wait = { deploymentId: id, wait: { taskToken: 'token-approval', kind: 'step', stepIndex: 1 } };
    const approve = { deploymentId: id, action: 'approve' };
    if (order === 'approve first') {
      await expect(handlers.control(approve)).resolves.not.toHaveProperty('released');
      await expect(handlers.control(wait)).resolves.toMatchObject({ registered: true, released: 'next' });
    } else {
      await expect(handlers.control(wait)).resolves.not.toHaveProperty('released');
      await expect(handlers.control(approve)).resolves.toMatchObject({ released: 'next' });
    }
    expect(mocks.sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, { taskToken: 'token-approval', output: '{"decision":"next","action":"approve"}' });
    const record = (await recordWithHistory(store(), id))!;
    expect(record.waitToken).toBeUndefined();
    expect(record.signals.approve).toBeUndefined();
  });

  it('approve and registration at the same moment: still exactly one release', async () => {
    const request = { ...baseRequest, strategy: { steps: [{ setWeight: 10 }, { approval: {} }, { setWeight: 100 }] } };
    const { deploymentId: id } = await handlers.prepare({ request, execution: execution('gp-race2') });
    const results = await Promise.all([
      handlers.control({ deploymentId: id, wait: { taskToken: 'tok', kind: 'step', stepIndex: 1 } }),
      handlers.control({ deploymentId: id, action: 'approve' }),
    ]);
    expect(results.filter((r) => r.released === 'next')).toHaveLength(1);
    expect(mocks.sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('several operators releasing one waiting step at once: one answer to the token', async () => {
    const request = { ...baseRequest, strategy: { steps: [{ setWeight: 10 }, { approval: {} }, { setWeight: 100 }] } };
    const { deploymentId: id } = await handlers.prepare({ request, execution: execution('gp-race3') });
    await handlers.control({ deploymentId: id, wait: { taskToken: 'tok', kind: 'step', stepIndex: 1 } });
    const settled = await Promise.allSettled([
      handlers.control({ deploymentId: id, action: 'approve' }),
      handlers.control({ deploymentId: id, action: 'approve' }),
      handlers.control({ deploymentId: id, action: 'promote' }),
    ]);
    const results = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(results.filter((r) => r.released !== undefined)).toHaveLength(1);
    // An approve that lost the race to another is refused with a reason (exit 2 in the CLI), never taken twice.
    for (const r of settled) if (r.status === 'rejected') expect(r.reason).toMatchObject({ name: 'INVALID_CONTROL_ACTION' });
    expect(mocks.sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('pause → hold (Paused) → resume releases the hold back to the health check', async () => {
    const { deploymentId: id } = await handlers.prepare({ request: baseRequest, execution: execution('gp-hold') });
    await handlers.shift({ deploymentId: id, cursor: { index: 0, step: { setWeight: 10 } } });
    const bake = { deploymentId: id, cursor: { index: 1, step: { bake: 300 } } };
    await handlers.checkHealth(bake);
    await handlers.control({ deploymentId: id, action: 'pause' });
    await expect(handlers.control({ deploymentId: id, action: 'pause' })).rejects.toMatchObject({ name: 'INVALID_CONTROL_ACTION' });
    await expect(handlers.checkHealth(bake)).resolves.toMatchObject({ decision: 'pause' });
    await handlers.control({ deploymentId: id, wait: { taskToken: 'tok-hold', kind: 'hold', stepIndex: 1 } });
    expect((await getDeployment(store(), id))!.status).toBe('Paused');
    await expect(handlers.control({ deploymentId: id, action: 'resume' })).resolves.toMatchObject({ released: 'resume', status: 'InProgress' });
    await expect(handlers.checkHealth(bake)).resolves.toMatchObject({ decision: 'wait' });
  });

  it('a carried setWeight reads no record back unless a signal the decision acts on is set; then that signal decides', async () => {
    const request = { ...baseRequest, strategy: { steps: [10, 20, 30, 40, 50].map((setWeight) => ({ setWeight })) } };
    const state = await handlers.prepare({ request, execution: execution('gp-carried') });
    const id = state.deploymentId;
    let revisionId = state.health.revisionId!;
    const updates = vi.spyOn(ddb, 'send');
    const shift = async (index: number) => {
      updates.mockClear();
      const result = await handlers.shift({ deploymentId: id, cursor: { index, step: { setWeight: (index + 1) * 10 } }, target: state.target, revisionId });
      revisionId = result.revisionId ?? revisionId;
      return { result, sent: updates.mock.calls.map(([command]) => `${command.constructor.name} ${(command.input as { ReturnValues?: string }).ReturnValues ?? ''}`.trim()) };
    };
    const setSignals = (signals: Record<string, string>) =>
      ddb.send(new UpdateCommand({ TableName: env.tableName, Key: { pk: `DEP#${id}`, sk: 'DEPLOYMENT' }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'signals' }, ExpressionAttributeValues: { ':s': signals } }));

    // No signal, then only signals the decision ignores: the claim before the move (no abort), then one write of the step with its history (a transaction, nothing read back).
    await expect(shift(0)).resolves.toEqual({ result: expect.objectContaining({ decision: 'next', weight: 10 }), sent: ['UpdateCommand NONE', 'TransactWriteCommand'] });
    await setSignals({ approve: clock.iso(), resume: clock.iso() });
    await expect(shift(1)).resolves.toEqual({ result: expect.objectContaining({ decision: 'next', weight: 20 }), sent: ['UpdateCommand NONE', 'TransactWriteCommand'] });
    // A pause: DynamoDB refuses the quiet write, the step is recorded and the record read back, and the pause holds.
    await setSignals({ pause: clock.iso() });
    await expect(shift(2)).resolves.toEqual({ result: expect.objectContaining({ decision: 'pause', weight: 30 }), sent: ['UpdateCommand NONE', 'TransactWriteCommand', 'TransactWriteCommand', 'GetCommand'] });
    // promote-full is acted on and cleared; abort fails the step.
    await setSignals({ promoteFull: clock.iso() });
    await expect(shift(3)).resolves.toMatchObject({ result: { decision: 'promoteFull', weight: 40 } });
    expect((await getDeployment(store(), id))!.signals).toEqual({});
    // An abort wins: the shift refuses to move the alias (MANUAL_STOP), and the state machine rolls back.
    await setSignals({ abort: clock.iso() });
    await expect(shift(4)).rejects.toMatchObject({ code: 'MANUAL_STOP' });
    updates.mockRestore();

    const record = (await recordWithHistory(store(), id))!;
    expect(record).toMatchObject({ weight: 40, stepIndex: 3, revisionId });
    expect(record.weights.map((w) => w.weight)).toEqual([0, 10, 20, 30, 40]);
    expect(record.events.filter((e) => e.type === 'WeightShifted').map((e) => e.stepIndex)).toEqual([0, 1, 2, 3]);
  });

  it('rollback after an alarm: alias back on current, record at weight 0; finish says Failed with the alarm', async () => {
    const { deploymentId: id } = await handlers.prepare({ request: baseRequest, execution: execution('gp-rb') });
    await handlers.shift({ deploymentId: id, cursor: { index: 0, step: { setWeight: 10 } } });
    const error = { Error: 'ALARM_ACTIVE', Cause: 'alarm orders-5xx is in ALARM' };
    const rollback = await handlers.rollback({ deploymentId: id, error });
    expect(rollback).toEqual({ rolledBack: true, weight: 0 });
    expect(account.alias()).toMatchObject({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: {} } });
    await expect(handlers.finish({ execution: execution('gp-rb'), deploymentId: id, outcome: 'failed', error, rollback })).resolves.toEqual({
      deploymentId: id,
      status: 'Failed',
      error: { code: 'ALARM_ACTIVE', message: 'alarm orders-5xx is in ALARM' },
    });
    // control on an ended deployment is refused by the condition, not only by the read
    await expect(handlers.control({ deploymentId: id, action: 'abort' })).rejects.toMatchObject({ name: 'INVALID_CONTROL_ACTION' });
  });

  it('a refused deployment gets a Failed record and leaves the active one\'s lock alone', async () => {
    await handlers.prepare({ request: baseRequest, execution: execution('gp-first') });
    const refused = (await handlers.prepare({ request: baseRequest, execution: execution('gp-second') }).catch((e: Error) => e)) as Error;
    const result = await handlers.finish({
      execution: { ...execution('gp-second'), Input: baseRequest },
      outcome: 'rejected',
      error: { Error: refused.name, Cause: JSON.stringify({ errorType: refused.name, errorMessage: refused.message }) },
    });
    expect(result.error).toEqual({ code: 'DEPLOYMENT_IN_PROGRESS', message: 'orders-api:live already has an active deployment: gp-first' });
    expect(await getDeployment(store(), 'gp-second')).toMatchObject({ status: 'Failed', error: result.error });
    expect(await getLock(store(), 'orders-api', 'live')).toMatchObject({ deploymentId: 'gp-first' });
  });
});
