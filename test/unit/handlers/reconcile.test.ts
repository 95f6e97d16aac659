/**
 * The reconcile handler and core (shared/tasks/reconcile.ts) with mocked SDK clients: each
 * branch of an execution that ended without its Finish and of an alarm that fired, over a small
 * fake table (records, the lock, alarm watches) whose conditional writes hold as DynamoDB's do.
 * Also the alarm watches Prepare writes and Finish deletes, and the pure decisions.
 */
import 'aws-sdk-client-mock-vitest/extend';
import { FINISH_NOT_RECORDED } from '../../../shared/core/model/machine.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { GetAliasCommand, GetFunctionConfigurationCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createHandler } from '../../../functions/reconcile/index.ts';
import { createHandler as createPrepare } from '../../../functions/prepare/index.ts';
import { createHandler as createFinish } from '../../../functions/finish/index.ts';
import { deploymentsWatching, watchAlarms } from '../../../shared/aws/alarm-watches.ts';
import { watchedAlarms } from '../../../shared/core/health.ts';
import { endingError, IN_FLIGHT_SECONDS, settleSeconds } from '../../../shared/tasks/reconcile.ts';
import { keys, type DeploymentRecord } from '../../../shared/core/model/record.ts';
import type { DeploymentRequest } from '../../../shared/core/model/request.ts';
import { loadTemplate, templateRules } from '../../../infra/local/ways-in/rules.ts';
import { inLambda, applyUpdate, awsError, baseRequest, clock, decodeUpdate, deploymentRecord, env, handlerOptions, mockedClients, replayAsUpdate, T0 } from './harness.ts';

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:glidepath:gp-test-1';
const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:glidepath-deployment';

const slept: number[] = [];
/** What happens in the world while reconcile sleeps (a Task's invocation ending, a wait registering). */
let duringSleep: (() => void) | undefined;
const nowMs = () => Date.parse(clock.iso());
const sleepingClock = {
  now: nowMs,
  sleep: async (seconds: number) => {
    slept.push(seconds);
    clock.advance(seconds);
    duringSleep?.();
  },
};

let { clients, mocks } = mockedClients();
let handler = inLambda(createHandler(handlerOptions(clients, sleepingClock)));

/** The table, by `pk|sk`. */
let table: Map<string, Record<string, unknown>>;
const at = (key: { pk: string; sk: string }) => `${key.pk}|${key.sk}`;
const record = (id = 'gp-test-1') => table.get(at(keys.deployment(id))) as DeploymentRecord | undefined;
const conditionFailed = () => awsError('ConditionalCheckFailedException', 'The conditional request failed');

function put(item: Record<string, unknown>): void {
  table.set(at(item as { pk: string; sk: string }), structuredClone(item));
}

/** A fake table for the calls reconcile, prepare and finish make: conditions on status, token and holder hold. */
function fakeTable(): void {
  table = new Map();
  mocks.ddb.on(GetCommand).callsFake((input) => ({ Item: structuredClone(table.get(at(input.Key))) }));
  mocks.ddb.on(PutCommand).callsFake((input) => void put(input.Item));
  mocks.ddb.on(TransactWriteCommand).callsFake(async (input) => {
    // The record's update (its guards checked first), then the puts: all or nothing.
    await replayAsUpdate(clients, input);
    for (const item of input.TransactItems) if (item.Put) put(item.Put.Item);
  });
  mocks.ddb.on(UpdateCommand).callsFake((input) => {
    const current = table.get(at(input.Key));
    const condition = decodeUpdate(input).condition ?? '';
    if (!current) throw conditionFailed();
    if (condition.includes('status IN') && !['Created', 'InProgress', 'Paused'].includes(String(current.status))) throw conditionFailed();
    const token = /waitToken\.token = "([^"]+)"/.exec(condition)?.[1];
    if (token && (current.waitToken as { token?: string } | undefined)?.token !== token) throw conditionFailed();
    const updated = applyUpdate(current, input);
    table.set(at(input.Key), updated);
    return { Attributes: structuredClone(updated) };
  });
  mocks.ddb.on(DeleteCommand).callsFake((input) => {
    const current = table.get(at(input.Key));
    const holder = input.ExpressionAttributeValues?.[':id'];
    if (holder !== undefined && current?.deploymentId !== holder) throw conditionFailed();
    table.delete(at(input.Key));
  });
  mocks.ddb.on(BatchWriteCommand).callsFake((input) => {
    for (const request of Object.values(input.RequestItems).flat() as Record<string, { Item?: Record<string, unknown>; Key?: { pk: string; sk: string } }>[]) {
      if (request.PutRequest) put(request.PutRequest.Item!);
      if (request.DeleteRequest) table.delete(at(request.DeleteRequest.Key!));
    }
    return { UnprocessedItems: {} };
  });
  mocks.ddb.on(QueryCommand).callsFake((input) => ({
    Items: [...table.values()].filter((item) => item.pk === input.ExpressionAttributeValues[':pk']).map((item) => structuredClone(item)),
  }));
}

/** An active deployment in the table, with its lock and alarm watches (as Prepare leaves them). */
async function active(overrides: Partial<DeploymentRecord> = {}, request: DeploymentRequest = baseRequest): Promise<DeploymentRecord> {
  const r = deploymentRecord({ weight: 10, stepIndex: 0, revisionId: 'rev-2', ...overrides }, request);
  put(r as unknown as Record<string, unknown>);
  put({ ...keys.lock(r.functionName, r.alias), deploymentId: r.id, acquiredAt: r.createdAt });
  await watchAlarms({ ddb: clients.ddb, tableName: env.tableName }, r, watchedAlarms(r.request));
  return r;
}

function executionEvent(status: string, detail: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'ev-1',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '123456789012',
    time: clock.iso(),
    region: 'us-east-1',
    resources: [EXECUTION],
    detail: { executionArn: EXECUTION, stateMachineArn: STATE_MACHINE, name: 'gp-test-1', status, startDate: T0, stopDate: nowMs(), input: '{}', output: null, error: null, cause: null, ...detail },
  };
}

function alarmEvent(alarmName: string, value = 'ALARM', reason = 'Threshold Crossed: 1 out of the last 1 datapoints [3.0] was greater than the threshold (1.0)') {
  const state = { value, reason, timestamp: clock.iso().replace('Z', '+0000') };
  return {
    version: '0',
    id: 'ev-2',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: clock.iso(),
    region: 'us-east-1',
    resources: [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`],
    detail: { alarmName, state, previousState: { ...state, value: 'OK', reason: 'fine' }, configuration: { metrics: [] } },
  };
}

const steps = (list: unknown[]): DeploymentRequest => ({ ...baseRequest, strategy: { steps: list } } as DeploymentRequest);
const approvalRequest = steps([{ setWeight: 10 }, { approval: {} }, { setWeight: 100 }]);
const watchesOf = (id = 'gp-test-1') => [...table.values()].filter((i) => String(i.pk).startsWith('ALARM#') && i.deploymentId === id).map((i) => i.alarmName);
/** The deployment's event items, in time order (as the history Query reads them). */
const eventsOf = (id = 'gp-test-1') =>
  [...table.values()].filter((i) => i.pk === `DEP#${id}` && String(i.sk).startsWith('EVENT#')).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
const lockHolder = () => table.get(at(keys.lock('orders-api', 'live')))?.deploymentId;

beforeEach(() => {
  ({ clients, mocks } = mockedClients());
  handler = inLambda(createHandler(handlerOptions(clients, sleepingClock)));
  clock.set(T0 + 600_000);
  slept.length = 0;
  duringSleep = undefined;
  fakeTable();
  mocks.lambda.on(UpdateAliasCommand).resolves({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: 'rev-3' });
  mocks.sfn.on(SendTaskFailureCommand).resolves({});
  mocks.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
});

describe('Handler: reconcile — an execution that ended without its Finish', () => {
  it('stopped (ABORTED) while active: alias rolled back under the RevisionId, Stopped/MANUAL_STOP, lock and watches gone, event published', async () => {
    await active();
    const result = await handler(executionEvent('ABORTED', { error: 'OperatorStop', cause: 'bad canary' }));

    expect(result).toMatchObject({ event: 'execution', outcome: 'reconciled', deploymentId: 'gp-test-1', status: 'Stopped', rollback: { rolledBack: true, weight: 0 } });
    expect(result.error).toEqual({ code: 'MANUAL_STOP', message: 'the execution was stopped outside Glidepath (StopExecution or the console): OperatorStop: bad canary' });
    expect(mocks.lambda).toHaveReceivedCommandExactlyOnceWith(UpdateAliasCommand, {
      FunctionName: 'orders-api',
      Name: 'live',
      FunctionVersion: '7',
      RoutingConfig: { AdditionalVersionWeights: {} },
      RevisionId: 'rev-2',
    });
    expect(record()).toMatchObject({ status: 'Stopped', weight: 0, revisionId: 'rev-3', error: { code: 'MANUAL_STOP' } });
    expect(eventsOf().map((e) => e.type)).toEqual(['RolledBack', 'Stopped']);
    expect(lockHolder()).toBeUndefined();
    expect(watchesOf()).toEqual([]);
    const published = JSON.parse(mocks.events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.Detail!);
    expect(published).toMatchObject({ deploymentId: 'gp-test-1', status: 'Stopped', error: { code: 'MANUAL_STOP' } });
    expect(slept).toEqual([]);
  });

  it('TIMED_OUT: Failed with TIMEOUT', async () => {
    await active();
    const result = await handler(executionEvent('TIMED_OUT'));
    expect(result).toMatchObject({ status: 'Failed', error: { code: 'TIMEOUT', message: 'the execution timed out before the deployment finished' } });
    expect(lockHolder()).toBeUndefined();
  });

  it.each([
    ['one of our codes (ReportFailure failed: FailedUnreported)', 'ALARM_ACTIVE', 'alarm orders-5xx is in ALARM', 'ALARM_ACTIVE', 'alarm orders-5xx is in ALARM'],
    ['a runtime error no Catch could take', 'States.Runtime', "The JSONPath '$.x' could not be found", 'INTERNAL_ERROR', "States.Runtime: The JSONPath '$.x' could not be found"],
    ['no error at all', null, null, 'INTERNAL_ERROR', 'no error was given'],
  ])('FAILED with %s: Failed with %s', async (_what, error, cause, code, message) => {
    await active();
    const result = await handler(executionEvent('FAILED', { error, cause }));
    expect(result).toMatchObject({ status: 'Failed', error: { code, message: `the execution failed before the deployment finished: ${message}` } });
    expect(record()).toMatchObject({ status: 'Failed', weight: 0 });
  });

  it('a deployment that has ended (its own Finish ran): nothing is touched', async () => {
    await active({ status: 'Failed', endedAt: clock.iso() });
    await expect(handler(executionEvent('FAILED', { error: 'ALARM_ACTIVE' }))).resolves.toEqual({ event: 'execution', outcome: 'ended', deploymentId: 'gp-test-1', status: 'Failed' });
    expect(mocks.lambda).not.toHaveReceivedAnyCommand();
    expect(mocks.ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(mocks.events).not.toHaveReceivedAnyCommand();
  });

  it('the same event twice: the second finds the deployment ended and changes nothing', async () => {
    await active();
    await handler(executionEvent('ABORTED'));
    const after = structuredClone(record());
    await expect(handler(executionEvent('ABORTED'))).resolves.toMatchObject({ outcome: 'ended', status: 'Stopped' });
    expect(record()).toEqual(after);
    expect(mocks.lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 1);
    expect(mocks.events).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it('someone else changed the alias: it is left alone and the deployment ends in CONCURRENT_MODIFICATION', async () => {
    await active();
    mocks.lambda.on(UpdateAliasCommand).rejects(awsError('PreconditionFailedException', 'no match', 412));
    mocks.lambda.on(GetAliasCommand).resolves({ FunctionVersion: '9', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: 'rev-x' });
    const result = await handler(executionEvent('ABORTED'));
    expect(result).toMatchObject({ status: 'Stopped', rollback: { rolledBack: false }, error: { code: 'CONCURRENT_MODIFICATION' } });
    expect(mocks.lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 1);
    expect(lockHolder()).toBeUndefined();
  });

  it('a throttled rollback is retried by the next delivery: reconcile fails and the deployment stays active', async () => {
    await active();
    mocks.lambda.on(UpdateAliasCommand).rejects(awsError('TooManyRequestsException', 'Rate exceeded', 429));
    await expect(handler(executionEvent('ABORTED'))).rejects.toMatchObject({ name: 'THROTTLED' });
    expect(record()!.status).toBe('InProgress');
    expect(lockHolder()).toBe('gp-test-1');
  });

  it('a rollback that cannot succeed (the function is gone): the deployment ends and says so', async () => {
    await active();
    mocks.lambda.on(UpdateAliasCommand).rejects(awsError('ResourceNotFoundException', 'Function not found: orders-api', 404));
    const result = await handler(executionEvent('ABORTED'));
    expect(result.status).toBe('Stopped');
    expect(result.error?.message).toMatch(/rollback failed \(INVALID_LAMBDA_FUNCTION\)/);
    expect(lockHolder()).toBeUndefined();
  });

  it('no record: FAILED is answered at once; a fresh stop first waits out a Prepare that may still write it', async () => {
    await expect(handler(executionEvent('FAILED', { error: 'INVALID_REQUEST' }))).resolves.toMatchObject({ outcome: 'noRecord' });
    expect(slept).toEqual([]);

    // Prepare was still running when the execution was stopped 5 s ago: its record appears during the wait.
    const event = executionEvent('ABORTED');
    clock.advance(5);
    duringSleep = () => void active({ weight: 0, stepIndex: -1 });
    const result = await handler(event);
    expect(slept).toEqual([IN_FLIGHT_SECONDS - 5]);
    expect(result).toMatchObject({ outcome: 'reconciled', status: 'Stopped' });
    expect(lockHolder()).toBeUndefined();
  });

  it('FAILED because Complete could not record a finished walk: recorded Succeeded, the alias left on the target', async () => {
    await active({ weight: 100, stepIndex: 2, promotedAt: clock.iso() });
    const result = await handler(executionEvent('FAILED', { error: FINISH_NOT_RECORDED, cause: 'the deployment succeeded but its final status could not be recorded' }));
    expect(result).toMatchObject({ outcome: 'reconciled', status: 'Succeeded' });
    expect(record()).toMatchObject({ status: 'Succeeded', weight: 100 });
    expect(lockHolder()).toBeUndefined();
    expect(mocks.lambda).not.toHaveReceivedAnyCommand();
  });

  it('a promoted deployment stopped during its Complete: waits, then finds it Succeeded and leaves the alias on the target', async () => {
    await active({ weight: 100, stepIndex: 2, promotedAt: clock.iso() });
    // Complete's invocation, begun before the stop, ends meanwhile.
    duringSleep = () => void table.set(at(keys.deployment('gp-test-1')), { ...record(), status: 'Succeeded', endedAt: clock.iso() } as unknown as Record<string, unknown>);
    await expect(handler(executionEvent('ABORTED'))).resolves.toMatchObject({ outcome: 'ended', status: 'Succeeded' });
    expect(slept).toEqual([IN_FLIGHT_SECONDS]);
    expect(mocks.lambda).not.toHaveReceivedAnyCommand();
  });

  it('a record of another execution with the same name, and a status that needs nothing, are left alone', async () => {
    await active({ executionArn: `${EXECUTION}-other` });
    await expect(handler(executionEvent('ABORTED'))).resolves.toMatchObject({ outcome: 'otherExecution' });
    await expect(handler(executionEvent('SUCCEEDED'))).resolves.toMatchObject({ outcome: 'ignored' });
    expect(mocks.lambda).not.toHaveReceivedAnyCommand();
    expect(record()!.status).toBe('InProgress');
  });
});

describe('Handler: reconcile — an alarm that fired', () => {
  it('a deployment waiting at an approval: its wait fails with ALARM_ACTIVE through SendTaskFailure (claimed first)', async () => {
    await active({ stepIndex: 1, waitToken: { token: 'tok-approval', stepIndex: 1, kind: 'approval' } }, approvalRequest);
    const result = await handler(alarmEvent('orders-5xx'));

    expect(result).toEqual({ event: 'alarm', alarmName: 'orders-5xx', outcome: 'failedWait', deployments: [{ deploymentId: 'gp-test-1', outcome: 'failedWait' }] });
    expect(mocks.sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskFailureCommand, {
      taskToken: 'tok-approval',
      error: 'ALARM_ACTIVE',
      cause: 'alarm orders-5xx is in ALARM (Threshold Crossed: 1 out of the last 1 datapoints [3.0] was greater than the threshold (1.0)) while the deployment was waiting for an approval at step 1',
    });
    expect(mocks.sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    const claim = mocks.ddb.commandCalls(UpdateCommand).map((c) => decodeUpdate(c.args[0].input)).find((u) => u.remove.includes('waitToken'))!;
    expect(claim.condition).toContain('waitToken.token = "tok-approval"');
    expect(record()!.waitToken).toBeUndefined();
    expect(eventsOf().at(-1)).toMatchObject({ type: 'Released', released: 'fail', stepIndex: 1 });
    // Not finished here: the state machine's Catch rolls back and finishes.
    expect(record()!.status).toBe('InProgress');
    expect(mocks.lambda).not.toHaveReceivedAnyCommand();
  });

  it("an operator's pause (hold): failed too; the status stays Paused until the state machine finishes", async () => {
    await active({ status: 'Paused', stepIndex: 1, waitToken: { token: 'tok-hold', stepIndex: 1, kind: 'hold' } });
    await expect(handler(alarmEvent('orders-p99'))).resolves.toMatchObject({ outcome: 'failedWait' });
    expect(mocks.sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: 'tok-hold', error: 'ALARM_ACTIVE', cause: expect.stringMatching(/^alarm orders-p99 is in ALARM \(.+\) while the deployment was paused at step 1$/) });
    expect(record()!.status).toBe('Paused');
  });

  it('a deployment baking (a timed wait): its wait fails with ALARM_ACTIVE too, whatever the bake’s length', async () => {
    await active({ stepIndex: 1, waitToken: { token: 'tok-bake', stepIndex: 1, kind: 'timed' } });
    await expect(handler(alarmEvent('orders-5xx'))).resolves.toMatchObject({ outcome: 'failedWait', deployments: [{ deploymentId: 'gp-test-1', outcome: 'failedWait' }] });
    expect(mocks.sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: 'tok-bake', error: 'ALARM_ACTIVE', cause: expect.stringMatching(/while the deployment was baking at step 1$/) });
    expect(slept).toEqual([]);
  });

  it('a deployment between waits (a shift or a check under way, which reads the alarms itself): nothing, without looking again', async () => {
    await active({ stepIndex: 1 });
    await expect(handler(alarmEvent('orders-5xx'))).resolves.toMatchObject({ outcome: 'nothing', deployments: [{ deploymentId: 'gp-test-1', outcome: 'notWaiting' }] });
    expect(mocks.sfn).not.toHaveReceivedAnyCommand();
    expect(slept).toEqual([]);
  });

  it('no deployment watches the alarm: nothing at all; a change to OK is not even looked up', async () => {
    await active({ stepIndex: 1, waitToken: { token: 'tok-approval', stepIndex: 1, kind: 'approval' } }, approvalRequest);
    await expect(handler(alarmEvent('someone-elses-alarm'))).resolves.toEqual({ event: 'alarm', alarmName: 'someone-elses-alarm', outcome: 'nothing', deployments: [] });
    expect(mocks.ddb).toHaveReceivedCommandWith(QueryCommand, { TableName: env.tableName, ExpressionAttributeValues: { ':pk': 'ALARM#someone-elses-alarm' }, ConsistentRead: true });
    await expect(handler(alarmEvent('orders-5xx', 'OK'))).resolves.toMatchObject({ outcome: 'ignored' });
    expect(mocks.ddb).toHaveReceivedCommandTimes(QueryCommand, 1);
    expect(mocks.sfn).not.toHaveReceivedAnyCommand();
    expect(record()!.waitToken).toEqual({ token: 'tok-approval', stepIndex: 1, kind: 'approval' });
  });

  it('a watch that outlived its deployment is deleted; another caller that claimed the wait first is not answered twice', async () => {
    await active({ id: 'gp-old', ...keys.deployment('gp-old'), status: 'Succeeded' });
    await active({ stepIndex: 1, waitToken: { token: 'tok-approval', stepIndex: 1, kind: 'approval' } }, approvalRequest);
    mocks.ddb.on(UpdateCommand).rejects(conditionFailed()); // an operator's approve claimed the token a moment ago
    const result = await handler(alarmEvent('orders-5xx'));
    expect(result.deployments).toEqual(
      expect.arrayContaining([
        { deploymentId: 'gp-old', outcome: 'staleWatch' },
        { deploymentId: 'gp-test-1', outcome: 'notWaiting' },
      ]),
    );
    expect(watchesOf('gp-old')).toEqual(['orders-p99']);
    expect(mocks.sfn).not.toHaveReceivedAnyCommand();
  });

  it('SendTaskFailure fails: the token is put back, the other watchers are still handled, and the event comes again', async () => {
    await active({ id: 'gp-b', ...keys.deployment('gp-b'), stepIndex: 1, waitToken: { token: 'tok-b', stepIndex: 1, kind: 'approval' } }, approvalRequest);
    await active({ stepIndex: 1, waitToken: { token: 'tok-a', stepIndex: 1, kind: 'approval' } }, approvalRequest);
    mocks.sfn.on(SendTaskFailureCommand, { taskToken: 'tok-b' }).rejects(awsError('ServiceUnavailable', 'try later', 503));
    await expect(handler(alarmEvent('orders-5xx'))).rejects.toMatchObject({ name: 'INTERNAL_ERROR' });
    expect(mocks.sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: 'tok-a' });
    expect(record('gp-b')!.waitToken).toEqual({ token: 'tok-b', stepIndex: 1, kind: 'approval' });
    expect(record('gp-test-1')!.waitToken).toBeUndefined();
  });

  it('refuses an event that is neither, naming what is wrong', async () => {
    await expect(handler({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} })).rejects.toMatchObject({ name: 'INVALID_REQUEST' });
    await expect(handler({ ...executionEvent('ABORTED'), detail: { name: 'gp-x' } })).rejects.toMatchObject({ name: 'INVALID_REQUEST' });
  });
});

describe('Alarm watches: written by prepare, deleted by finish', () => {
  const prepareClients = () => {
    const role = 'arn:aws:iam::123456789012:role/orders';
    mocks.lambda
      .on(GetFunctionConfigurationCommand, { FunctionName: 'orders-api', Qualifier: undefined })
      .resolves({ FunctionName: 'orders-api', Version: '$LATEST', Role: role })
      .on(GetFunctionConfigurationCommand, { FunctionName: 'orders-api', Qualifier: '7' })
      .resolves({ FunctionName: 'orders-api', Version: '7', Role: role })
      .on(GetFunctionConfigurationCommand, { FunctionName: 'orders-api', Qualifier: '8' })
      .resolves({ FunctionName: 'orders-api', Version: '8', Role: role });
    mocks.lambda.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '7', RevisionId: 'rev-1', RoutingConfig: { AdditionalVersionWeights: {} } });
    mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'orders-5xx', StateValue: 'OK' }, { AlarmName: 'orders-p99', StateValue: 'OK' }] });
  };

  it('prepare writes one watch per alarm after the record; finish deletes them', async () => {
    prepareClients();
    const execution = { Id: EXECUTION, Name: 'gp-test-1' };
    await inLambda(createPrepare(handlerOptions(clients)))({ request: baseRequest, execution });
    expect(watchesOf().sort()).toEqual(['orders-5xx', 'orders-p99']);
    expect(await deploymentsWatching({ ddb: clients.ddb, tableName: env.tableName }, 'orders-p99')).toEqual(['gp-test-1']);
    const batch = mocks.ddb.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems![env.tableName]!;
    expect(batch[0]!.PutRequest!.Item).toEqual({ pk: 'ALARM#orders-5xx', sk: 'DEP#gp-test-1', alarmName: 'orders-5xx', deploymentId: 'gp-test-1', functionName: 'orders-api', alias: 'live', createdAt: clock.iso() });

    await inLambda(createFinish(handlerOptions(clients)))({ execution, deploymentId: 'gp-test-1', outcome: 'succeeded' });
    expect(watchesOf()).toEqual([]);
  });

  it('no watch when the alarm policy is off; 25 items per BatchWriteItem; unprocessed items sent again', async () => {
    expect(watchedAlarms({ ...baseRequest, alarmPolicy: { enabled: false } })).toEqual([]);
    expect(watchedAlarms({ ...baseRequest, alarms: ['a', 'b', 'a'] })).toEqual(['a', 'b']);

    const many = Array.from({ length: 30 }, (_, i) => `alarm-${i}`);
    let first = true;
    mocks.ddb.on(BatchWriteCommand).callsFake((input) => {
      const requests = input.RequestItems[env.tableName];
      if (first) {
        first = false;
        return { UnprocessedItems: { [env.tableName]: requests.slice(20) } };
      }
      return {};
    });
    const before = performance.now();
    await watchAlarms({ ddb: clients.ddb, tableName: env.tableName }, deploymentRecord({}, { ...baseRequest, alarms: many }), many);
    const sizes = mocks.ddb.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems![env.tableName]!.length);
    expect(sizes).toEqual([25, 5, 5]);
    // The unprocessed items went again after a 50 ms backoff.
    expect(performance.now() - before).toBeGreaterThanOrEqual(45);
  });
});

describe('Decisions', () => {
  it('endingError: a stop is MANUAL_STOP, a timeout TIMEOUT, a failure its own code or INTERNAL_ERROR', () => {
    expect(endingError({ status: 'ABORTED' })).toEqual({ Error: 'MANUAL_STOP', Cause: 'the execution was stopped outside Glidepath (StopExecution or the console)' });
    expect(endingError({ status: 'TIMED_OUT', error: 'States.Timeout' }).Error).toBe('TIMEOUT');
    expect(endingError({ status: 'FAILED', error: 'States.Timeout' }).Error).toBe('TIMEOUT');
    expect(endingError({ status: 'FAILED', error: 'HOOK_EXECUTION_FAILURE', cause: 'hook said no' })).toEqual({
      Error: 'HOOK_EXECUTION_FAILURE',
      Cause: 'the execution failed before the deployment finished: hook said no',
    });
  });

  it('settleSeconds: only for a fresh stop with no record yet or a promoted deployment', () => {
    const now = T0 + 60_000;
    const promoted = deploymentRecord({ promotedAt: new Date(now - 60_000).toISOString() });
    expect(settleSeconds({ status: 'ABORTED', stopDate: now - 10_000 }, undefined, now)).toBe(20);
    expect(settleSeconds({ status: 'TIMED_OUT', stopDate: now }, promoted, now)).toBe(30);
    expect(settleSeconds({ status: 'ABORTED', stopDate: now - 45_000 }, undefined, now)).toBe(0);
    expect(settleSeconds({ status: 'ABORTED', stopDate: now }, deploymentRecord(), now)).toBe(0);
    expect(settleSeconds({ status: 'FAILED', stopDate: now }, undefined, now)).toBe(0);
    expect(settleSeconds({ status: 'ABORTED', stopDate: now }, { ...promoted, status: 'Succeeded' }, now)).toBe(0);
  });

  it("template.yaml's rules, as the local engine makes them: this state machine's ended executions, and alarms into ALARM, to reconcile", () => {
    const sm = 'arn:aws:states:us-east-1:000000000000:stateMachine:glidepath-deployment';
    const rules = templateRules(loadTemplate(), {
      region: 'us-east-1',
      accountId: '000000000000',
      stackName: 'glidepath-local',
      parameters: {},
      functionArn: (id) => (id === 'ReconcileFunction' ? 'arn:aws:lambda:us-east-1:000000000000:function:glidepath-reconcile' : undefined),
      resourceRef: (id) => (id === 'DeploymentStateMachine' ? sm : undefined),
    });
    const target = [{ id: 'glidepath-reconcile', arn: 'arn:aws:lambda:us-east-1:000000000000:function:glidepath-reconcile', functionLogicalId: 'ReconcileFunction' }];
    expect(rules.filter((r) => r.logicalId.startsWith('Reconcile'))).toEqual([
      {
        logicalId: 'ReconcileExecutionEndRule',
        eventBusName: 'default',
        enabled: true,
        pattern: { source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { status: ['ABORTED', 'TIMED_OUT', 'FAILED'], stateMachineArn: [sm] } },
        targets: target,
      },
      {
        logicalId: 'ReconcileAlarmRule',
        eventBusName: 'default',
        enabled: true,
        pattern: { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], detail: { state: { value: ['ALARM'] } } },
        targets: target,
      },
    ]);
  });
});
