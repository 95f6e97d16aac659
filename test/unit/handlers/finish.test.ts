import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { createHandler } from '../../../functions/finish/index.ts';
import { summarizeCaught } from '../../../shared/core/deployment/caught-error.ts';
import type { DeploymentRecord } from '../../../shared/core/model/record.ts';
import { inLambda, applyUpdate, awsError, baseRequest, clock, decodeUpdate, deploymentRecord, env, handlerOptions, mockedClients, T0 } from './harness.ts';

let { clients, mocks } = mockedClients();
let handler = inLambda(createHandler(handlerOptions(clients)));

const execution = { Id: 'arn:aws:states:us-east-1:123456789012:execution:glidepath:gp-test-1', Name: 'gp-test-1' };
const lambdaCause = (errorType: string, errorMessage: string) => JSON.stringify({ errorType, errorMessage, trace: [] });

function arrange(record: DeploymentRecord) {
  // The record as the last change left it (a change with an event is read back after its transaction).
  let current = record;
  mocks.ddb.on(GetCommand).callsFake(() => ({ Item: current }));
  mocks.ddb.on(UpdateCommand).callsFake((input) => {
    current = applyUpdate(record, input);
    return { Attributes: current };
  });
  mocks.ddb.on(DeleteCommand).resolves({});
  mocks.ddb.on(PutCommand).resolves({});
  mocks.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
  mocks.codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
}

beforeEach(() => {
  ({ clients, mocks } = mockedClients());
  handler = inLambda(createHandler(handlerOptions(clients)));
  clock.set(T0 + 900_000);
  arrange(deploymentRecord({ weight: 100, stepIndex: 2 }));
});

const detailOf = (i = 0) => JSON.parse(mocks.events.commandCalls(PutEventsCommand)[i]!.args[0].input.Entries![0]!.Detail!);

describe('Handler: finish', () => {
  it('succeeded: status Succeeded (only if still active), lock released if ours, event published', async () => {
    await expect(handler({ execution, deploymentId: 'gp-test-1', outcome: 'succeeded' })).resolves.toEqual({ deploymentId: 'gp-test-1', status: 'Succeeded' });
    const update = decodeUpdate(mocks.ddb.commandCalls(UpdateCommand)[0]!.args[0].input);
    expect(update.set).toEqual({ status: 'Succeeded', updatedAt: clock.iso(), endedAt: clock.iso() });
    // The wait and the active index's keys: the deployment leaves the watcher's sight.
    expect(update.remove).toEqual(['waitToken', 'gsi2pk', 'gsi2sk']);
    // Abort wins: a success is recorded only while no abort is accepted.
    expect(update.condition).toBe('attribute_exists(pk) AND status IN ("Created", "InProgress", "Paused") AND attribute_not_exists(signals.abort)');
    expect(mocks.ddb).toHaveReceivedCommandWith(DeleteCommand, {
      TableName: env.tableName,
      Key: { pk: 'LOCK#orders-api#live', sk: 'LOCK' },
      ConditionExpression: '#holder = :id',
      ExpressionAttributeValues: { ':id': 'gp-test-1' },
    });
    expect(detailOf()).toMatchObject({ deploymentId: 'gp-test-1', status: 'Succeeded', weight: 100, functionName: 'orders-api', alias: 'live' });
    expect(mocks.events).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [expect.objectContaining({ Source: 'glidepath', DetailType: 'Glidepath Deployment State Change', EventBusName: 'glidepath-bus' })],
    });
    expect(mocks.codedeploy).not.toHaveReceivedAnyCommand();
  });

  it('failed after a rollback: status Failed with the code and message of the error', async () => {
    const result = await handler({
      execution,
      deploymentId: 'gp-test-1',
      outcome: 'failed',
      error: { Error: 'ALARM_ACTIVE', Cause: 'alarm orders-5xx is in ALARM' },
      rollback: { rolledBack: true, weight: 0 },
    });
    expect(result).toEqual({ deploymentId: 'gp-test-1', status: 'Failed', error: { code: 'ALARM_ACTIVE', message: 'alarm orders-5xx is in ALARM' } });
    expect(decodeUpdate(mocks.ddb.commandCalls(UpdateCommand)[0]!.args[0].input).set).toMatchObject({
      status: 'Failed',
      error: { code: 'ALARM_ACTIVE', message: 'alarm orders-5xx is in ALARM' },
    });
    expect(detailOf()).toMatchObject({ status: 'Failed', error: { code: 'ALARM_ACTIVE' } });
  });

  it('an operator abort ends Stopped', async () => {
    const result = await handler({ execution, deploymentId: 'gp-test-1', outcome: 'failed', error: { Error: 'MANUAL_STOP', Cause: 'stopped by an operator' }, rollback: { rolledBack: true, weight: 0 } });
    expect(result).toMatchObject({ status: 'Stopped', error: { code: 'MANUAL_STOP', message: 'stopped by an operator' } });
  });

  it('a rollback that left the alias alone ends in CONCURRENT_MODIFICATION; a rollback that failed is said', async () => {
    const leftAlone = await handler({
      execution,
      deploymentId: 'gp-test-1',
      outcome: 'failed',
      error: { Error: 'ALARM_ACTIVE', Cause: 'alarm x is in ALARM' },
      rollback: { rolledBack: false, reason: 'alias changed by someone else', weight: 10 },
    });
    expect(leftAlone.error).toEqual({ code: 'CONCURRENT_MODIFICATION', message: 'alarm x is in ALARM; alias changed by someone else' });

    const failed = await handler({
      execution,
      deploymentId: 'gp-test-1',
      outcome: 'failed',
      error: { Error: 'ALARM_ACTIVE', Cause: 'alarm x is in ALARM' },
      rollback: { Error: 'THROTTLED', Cause: lambdaCause('THROTTLED', 'lambda:UpdateAlias was throttled') },
    });
    expect(failed.error).toEqual({ code: 'ALARM_ACTIVE', message: 'alarm x is in ALARM; rollback failed (THROTTLED): lambda:UpdateAlias was throttled' });
  });

  it('a rollback that failed leaves the record in the active index, marked for repair; one that finished takes it out', async () => {
    await handler({ execution, deploymentId: 'gp-test-1', outcome: 'failed', error: { Error: 'ALARM_ACTIVE', Cause: 'alarm x' }, rollback: { Error: 'INTERNAL_ERROR', Cause: 'lambda down' } });
    const unfinished = decodeUpdate(mocks.ddb.commandCalls(UpdateCommand)[0]!.args[0].input);
    expect(unfinished.set).toMatchObject({ status: 'Failed', repair: { since: clock.iso(), attempts: 0, nextAt: clock.iso() } });
    expect(unfinished.remove).toEqual(['waitToken']);

    mocks.ddb.resetHistory();
    await handler({ execution, deploymentId: 'gp-test-1', outcome: 'failed', error: { Error: 'ALARM_ACTIVE', Cause: 'alarm x' }, rollback: { rolledBack: true, weight: 0 } });
    const finished = decodeUpdate(mocks.ddb.commandCalls(UpdateCommand)[0]!.args[0].input);
    expect(finished.set.repair).toBeUndefined();
    expect(finished.remove).toEqual(['waitToken', 'gsi2pk', 'gsi2sk']);
  });

  it('bridge mode: the owed report is written with the end, CodeDeploy told Succeeded or Failed, then the record leaves the active index; "already completed" is fine', async () => {
    const codeDeploy = { deploymentId: 'd-ABCDEF', lifecycleEventHookExecutionId: 'hook-exec-1' };
    arrange(deploymentRecord({ weight: 100 }, { ...baseRequest, codeDeploy }));
    await expect(handler({ execution, deploymentId: 'gp-test-1', outcome: 'succeeded' })).resolves.toEqual({ deploymentId: 'gp-test-1', status: 'Succeeded' });
    expect(mocks.codedeploy).toHaveReceivedCommandExactlyOnceWith(PutLifecycleEventHookExecutionStatusCommand, { ...codeDeploy, status: 'Succeeded' });
    const [ending, told] = mocks.ddb.commandCalls(UpdateCommand).map((c) => decodeUpdate(c.args[0].input));
    expect(ending!.set).toMatchObject({ status: 'Succeeded', codeDeployReport: { status: 'Succeeded', since: clock.iso(), attempts: 0, nextAt: clock.iso(T0 + 960_000) } });
    expect(ending!.remove).toEqual(['waitToken']);
    expect(told!.remove).toEqual(['codeDeployReport', 'gsi2pk', 'gsi2sk']);
    expect(told!.condition).toBe('attribute_exists(pk) AND attribute_not_exists(repair)');
    expect(told!.append.events).toEqual([expect.objectContaining({ type: 'CodeDeployReported', message: 'CodeDeploy told Succeeded (1 try)' })]);

    mocks.codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).rejects(awsError('LifecycleEventAlreadyCompletedException'));
    await expect(handler({ execution, deploymentId: 'gp-test-1', outcome: 'failed', error: { Error: 'States.Timeout' } })).resolves.toMatchObject({ status: 'Failed' });
    expect(mocks.codedeploy).toHaveReceivedNthCommandWith(PutLifecycleEventHookExecutionStatusCommand, 2, { status: 'Failed' });
    expect(decodeUpdate(mocks.ddb.commandCalls(UpdateCommand).at(-1)!.args[0].input).append.events).toEqual([expect.objectContaining({ type: 'CodeDeployAlreadyAnswered' })]);
  });

  it('bridge mode: CodeDeploy throttling the report does not fail Finish; the try is counted and the record stays in the active index', async () => {
    const codeDeploy = { deploymentId: 'd-ABCDEF', lifecycleEventHookExecutionId: 'hook-exec-1' };
    arrange(deploymentRecord({ weight: 100 }, { ...baseRequest, codeDeploy }));
    mocks.codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(handler({ execution, deploymentId: 'gp-test-1', outcome: 'succeeded' })).resolves.toEqual({ deploymentId: 'gp-test-1', status: 'Succeeded' });
    const [ending, counted] = mocks.ddb.commandCalls(UpdateCommand).map((c) => decodeUpdate(c.args[0].input));
    expect(ending!.remove).toEqual(['waitToken']);
    expect(counted!.set.codeDeployReport).toEqual({
      status: 'Succeeded',
      since: clock.iso(),
      attempts: 1,
      nextAt: clock.iso(T0 + 960_000),
      lastError: expect.stringMatching(/^THROTTLED: codedeploy:PutLifecycleEventHookExecutionStatus d-ABCDEF was throttled \(ThrottlingException\)/),
    });
    expect(counted!.condition).toBe('attribute_exists(pk) AND attribute_exists(codeDeployReport)');
    expect(counted!.remove ?? []).not.toContain('gsi2pk');
    expect(mocks.ddb).toHaveReceivedCommandWith(DeleteCommand, { Key: { pk: 'LOCK#orders-api#live', sk: 'LOCK' } });
  });

  it('a retried finish changes nothing: the record is already final, the lock is not ours any more, no second event', async () => {
    arrange(deploymentRecord({ status: 'Succeeded', weight: 100, endedAt: 'x' }));
    mocks.ddb.on(UpdateCommand).rejects(awsError('ConditionalCheckFailedException'));
    mocks.ddb.on(DeleteCommand).rejects(awsError('ConditionalCheckFailedException'));
    await expect(handler({ execution, deploymentId: 'gp-test-1', outcome: 'succeeded' })).resolves.toEqual({ deploymentId: 'gp-test-1', status: 'Succeeded' });
    expect(mocks.events).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('EventBridge failing does not fail the deployment', async () => {
    mocks.events.on(PutEventsCommand).rejects(awsError('InternalException', 'down', 500));
    await expect(handler({ execution, deploymentId: 'gp-test-1', outcome: 'succeeded' })).resolves.toMatchObject({ status: 'Succeeded' });
  });

  describe('rejected (Prepare refused)', () => {
    const refused = {
      execution: { ...execution, Input: { ...baseRequest, codeDeploy: { deploymentId: 'd-1', lifecycleEventHookExecutionId: 'h-1' } } },
      outcome: 'rejected',
      error: { Error: 'DEPLOYMENT_IN_PROGRESS', Cause: lambdaCause('DEPLOYMENT_IN_PROGRESS', 'orders-api:live already has an active deployment: gp-other') },
    };

    it('writes a Failed record only if none exists, touches no lock and no alias, tells CodeDeploy Failed', async () => {
      const result = await handler(refused);
      expect(result).toEqual({
        deploymentId: 'gp-test-1',
        status: 'Failed',
        error: { code: 'DEPLOYMENT_IN_PROGRESS', message: 'orders-api:live already has an active deployment: gp-other' },
      });
      // The record and its Rejected event, in one transaction.
      const [put, event] = mocks.ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!.map((item) => item.Put!);
      expect(event!.Item).toMatchObject({ pk: 'DEP#gp-test-1', sk: expect.stringMatching(/^EVENT#/), type: 'Rejected' });
      expect(put).toMatchObject({
        ConditionExpression: 'attribute_not_exists(#pk)',
        Item: { pk: 'DEP#gp-test-1', status: 'Failed', functionName: 'orders-api', alias: 'live', error: result.error, endedAt: clock.iso() },
      });
      // It owes CodeDeploy the Failed report: in the active index until told.
      expect(put!.Item).toMatchObject({ gsi2pk: 'ACTIVE', codeDeployReport: { status: 'Failed', attempts: 0 } });
      expect(mocks.ddb).not.toHaveReceivedCommand(DeleteCommand);
      expect(mocks.lambda).not.toHaveReceivedAnyCommand();
      expect(mocks.codedeploy).toHaveReceivedCommandWith(PutLifecycleEventHookExecutionStatusCommand, { deploymentId: 'd-1', status: 'Failed' });
      // Told: the only update clears the marker and the index keys.
      expect(mocks.ddb.commandCalls(UpdateCommand).map((c) => decodeUpdate(c.args[0].input).remove)).toEqual([['codeDeployReport', 'gsi2pk', 'gsi2sk']]);
      expect(detailOf()).toMatchObject({ status: 'Failed', deploymentId: 'gp-test-1' });
    });

    it('a refused codeDeploy field (not from the bridge) owes CodeDeploy nothing: no marker, not in the active index, not told', async () => {
      await handler({ ...refused, error: { Error: 'INVALID_REQUEST', Cause: lambdaCause('INVALID_REQUEST', 'codeDeploy: only the CodeDeploy bridge may send it') } });
      const item = mocks.ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
      expect(item.codeDeployReport).toBeUndefined();
      expect(item.gsi2pk).toBeUndefined();
      expect(mocks.codedeploy).not.toHaveReceivedAnyCommand();
      expect(mocks.ddb).not.toHaveReceivedCommand(UpdateCommand);
    });

    it('an unreadable request leaves no record but still returns the error for the Fail state', async () => {
      const result = await handler({ ...refused, execution: { ...execution, Input: 'not a request' }, error: { Error: 'INVALID_REQUEST', Cause: lambdaCause('INVALID_REQUEST', 'request: must be an object') } });
      expect(result).toEqual({ deploymentId: 'gp-test-1', status: 'Failed', error: { code: 'INVALID_REQUEST', message: 'request: must be an object' } });
      expect(mocks.ddb).not.toHaveReceivedAnyCommand();
    });

    it('a partly valid request still gets its Failed record (function and alias are enough)', async () => {
      await handler({ ...refused, execution: { ...execution, Input: { functionName: 'orders-api', alias: 'live', strategy: 'Nope' } } });
      expect(mocks.ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item).toMatchObject({ functionName: 'orders-api', alias: 'live', plan: { steps: [] } });
    });
  });
});

describe('Function: summarizeCaught', () => {
  it.each([
    [{ Error: 'ALARM_ACTIVE', Cause: 'alarm a is in ALARM' }, 'ALARM_ACTIVE', 'alarm a is in ALARM'],
    [{ Error: 'States.Timeout', Cause: '' }, 'TIMEOUT', 'a step timed out'],
    [{ Error: 'States.HeartbeatTimeout' }, 'TIMEOUT', 'a step timed out'],
    [{ Error: 'States.TaskFailed', Cause: lambdaCause('THROTTLED', 'throttled') }, 'THROTTLED', 'throttled'],
    [{ Error: 'Lambda.ServiceException', Cause: 'Rate Exceeded.' }, 'INTERNAL_ERROR', 'Lambda.ServiceException: Rate Exceeded.'],
    [{ Error: 'TypeError', Cause: lambdaCause('TypeError', "Cannot read properties of undefined (reading 'x')") }, 'INTERNAL_ERROR', "TypeError (TypeError): Cannot read properties of undefined (reading 'x')"],
    [{ Error: 'HOOK_EXECUTION_FAILURE', Cause: lambdaCause('HOOK_EXECUTION_FAILURE', 'hook smoke reported Failed') }, 'HOOK_EXECUTION_FAILURE', 'hook smoke reported Failed'],
  ])('%j → %s', (caught, code, message) => {
    expect(summarizeCaught(caught)).toEqual({ code, message });
  });
});
