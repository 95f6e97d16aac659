import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { GetAliasCommand, GetFunctionConfigurationCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { getAlias, updateAlias } from '../../../shared/aws/lambda-alias.ts';
import { concurrentChangeOf, sameRouting } from '../../../shared/core/routing.ts';
import { readFunctionConfiguration } from '../../../shared/aws/lambda-function.ts';
import { readAlarms } from '../../../shared/aws/alarms.ts';
import { publishStateChange } from '../../../shared/aws/events.ts';
import { reportLifecycleStatus } from '../../../shared/aws/codedeploy.ts';
import { sendTaskFailure, sendTaskSuccess } from '../../../shared/aws/task-tokens.ts';
import { awsError, mockedClients } from './harness.ts';

const ref = { functionName: 'orders-api', alias: 'live' };
let { clients, mocks } = mockedClients();
beforeEach(() => ({ clients, mocks } = mockedClients()));

describe('Adapter: lambda-alias', () => {
  it('GetAlias reads version, weights and revision', async () => {
    mocks.lambda.on(GetAliasCommand).resolves({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } }, RevisionId: 'r1' });
    await expect(getAlias(clients.lambda, ref)).resolves.toEqual({ functionVersion: '7', weights: { '8': 0.1 }, revisionId: 'r1' });
    expect(mocks.lambda).toHaveReceivedCommandWith(GetAliasCommand, { FunctionName: 'orders-api', Name: 'live' });
  });

  it('an answer without FunctionVersion or RevisionId is not trusted', async () => {
    mocks.lambda.on(GetAliasCommand).resolves({});
    await expect(getAlias(clients.lambda, ref)).rejects.toMatchObject({ name: 'INTERNAL_ERROR' });
  });

  it('maps ResourceNotFound to INVALID_LAMBDA_FUNCTION and TooManyRequests to THROTTLED', async () => {
    mocks.lambda.on(GetAliasCommand).rejectsOnce(awsError('ResourceNotFoundException', 'Alias not found', 404)).rejectsOnce(awsError('TooManyRequestsException', 'Rate exceeded', 429));
    await expect(getAlias(clients.lambda, ref)).rejects.toMatchObject({ name: 'INVALID_LAMBDA_FUNCTION', code: 'INVALID_LAMBDA_FUNCTION' });
    await expect(getAlias(clients.lambda, ref)).rejects.toMatchObject({ name: 'THROTTLED' });
  });

  it('UpdateAlias sends the routing and the RevisionId guard', async () => {
    mocks.lambda.on(UpdateAliasCommand).resolves({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: { '8': 0.25 } }, RevisionId: 'r2' });
    const state = await updateAlias(clients.lambda, ref, { functionVersion: '7', weights: { '8': 0.25 } }, 'r1');
    expect(state.revisionId).toBe('r2');
    expect(mocks.lambda).toHaveReceivedCommandWith(UpdateAliasCommand, {
      FunctionName: 'orders-api',
      Name: 'live',
      FunctionVersion: '7',
      RoutingConfig: { AdditionalVersionWeights: { '8': 0.25 } },
      RevisionId: 'r1',
    });
  });

  it('PreconditionFailed → CONCURRENT_MODIFICATION saying what the alias looks like now', async () => {
    mocks.lambda.on(UpdateAliasCommand).rejects(awsError('PreconditionFailedException', 'The RevisionId provided does not match', 412));
    mocks.lambda.on(GetAliasCommand).resolves({ FunctionVersion: '9', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: 'r9' });
    const error = await updateAlias(clients.lambda, ref, { functionVersion: '7', weights: { '8': 0.1 } }, 'r1').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CONCURRENT_MODIFICATION' });
    expect((error as Error).message).toBe(
      'alias live of orders-api was changed by someone else since revision r1: it now serves version 9 with no weights (revision r9); Glidepath did not overwrite it',
    );
    expect(concurrentChangeOf(error)).toEqual({ expectedRevisionId: 'r1', observed: { functionVersion: '9', weights: {}, revisionId: 'r9' } });
  });

  it('PreconditionFailed still refuses when the alias cannot be read back', async () => {
    mocks.lambda.on(UpdateAliasCommand).rejects(awsError('PreconditionFailedException', 'x', 412));
    mocks.lambda.on(GetAliasCommand).rejects(awsError('ServiceException', 'boom', 500));
    const error = await updateAlias(clients.lambda, ref, { functionVersion: '7', weights: {} }, 'r1').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CONCURRENT_MODIFICATION' });
    expect((error as Error).message).toContain('it could not be read back');
  });

  it('server errors become INTERNAL_ERROR (retried by the state machine)', async () => {
    mocks.lambda.on(UpdateAliasCommand).rejects(awsError('ServiceException', 'boom', 500));
    await expect(updateAlias(clients.lambda, ref, { functionVersion: '7', weights: {} }, 'r1')).rejects.toMatchObject({ name: 'INTERNAL_ERROR' });
  });

  it('sameRouting treats a zero weight as absent and tolerates float noise', () => {
    expect(sameRouting({ functionVersion: '7', weights: { '8': 0 } }, { functionVersion: '7', weights: {} })).toBe(true);
    expect(sameRouting({ functionVersion: '7', weights: { '8': 0.1 } }, { functionVersion: '7', weights: { '8': 0.1 + 1e-12 } })).toBe(true);
    expect(sameRouting({ functionVersion: '7', weights: { '8': 0.1 } }, { functionVersion: '7', weights: { '8': 0.2 } })).toBe(false);
    expect(sameRouting({ functionVersion: '8', weights: {} }, { functionVersion: '7', weights: {} })).toBe(false);
  });
});

describe('Adapter: lambda-function', () => {
  it('reads a version with Qualifier; not found is undefined', async () => {
    mocks.lambda
      .on(GetFunctionConfigurationCommand, { FunctionName: 'orders-api', Qualifier: '8' })
      .resolves({ FunctionName: 'orders-api', Version: '8', Role: 'role-a', DeadLetterConfig: { TargetArn: 'dlq' } })
      .on(GetFunctionConfigurationCommand, { FunctionName: 'orders-api', Qualifier: '9' })
      .rejects(awsError('ResourceNotFoundException', 'Function not found', 404));
    await expect(readFunctionConfiguration(clients.lambda, 'orders-api', '8')).resolves.toEqual({
      functionName: 'orders-api',
      version: '8',
      role: 'role-a',
      deadLetterTargetArn: 'dlq',
    });
    await expect(readFunctionConfiguration(clients.lambda, 'orders-api', '9')).resolves.toBeUndefined();
  });

  it('throttling is THROTTLED, not "not found"', async () => {
    mocks.lambda.on(GetFunctionConfigurationCommand).rejects(awsError('TooManyRequestsException', 'slow down', 429));
    await expect(readFunctionConfiguration(clients.lambda, 'orders-api')).rejects.toMatchObject({ name: 'THROTTLED' });
  });
});

describe('Adapter: alarms', () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `alarm-${String(i).padStart(3, '0')}`);

  it('asks for at most 100 names a call, metric and composite alarms', async () => {
    const all = names(250);
    mocks.cloudwatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames: string[] }) => ({
      MetricAlarms: input.AlarmNames.map((name) => ({ AlarmName: name, StateValue: 'OK' })),
    }));
    const reading = await readAlarms(clients.cloudwatch, all);
    expect(reading.alarms).toHaveLength(250);
    expect(reading.missing).toEqual([]);
    expect(mocks.cloudwatch).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 3);
    const batches = mocks.cloudwatch.commandCalls(DescribeAlarmsCommand).map((c) => c.args[0].input.AlarmNames!.length);
    expect(batches).toEqual([100, 100, 50]);
    expect(mocks.cloudwatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 });
  });

  it('follows NextToken and keeps the order of the names', async () => {
    mocks.cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'b', StateValue: 'ALARM', StateReason: 'Threshold Crossed' }], NextToken: 'page-2' })
      .resolvesOnce({ CompositeAlarms: [{ AlarmName: 'a', StateValue: 'INSUFFICIENT_DATA' }] });
    const reading = await readAlarms(clients.cloudwatch, ['a', 'b']);
    expect(reading).toEqual({
      alarms: [
        { name: 'a', state: 'INSUFFICIENT_DATA' },
        { name: 'b', state: 'ALARM', reason: 'Threshold Crossed' },
      ],
      missing: [],
    });
    expect(mocks.cloudwatch).toHaveReceivedNthCommandWith(DescribeAlarmsCommand, 2, { NextToken: 'page-2', AlarmNames: ['a', 'b'] });
  });

  it('reports names CloudWatch does not know as missing', async () => {
    mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'known', StateValue: 'OK' }] });
    await expect(readAlarms(clients.cloudwatch, ['known', 'typo'])).resolves.toEqual({ alarms: [{ name: 'known', state: 'OK' }], missing: ['typo'] });
  });

  it('a CloudWatch failure is THROTTLED or INTERNAL_ERROR', async () => {
    mocks.cloudwatch.on(DescribeAlarmsCommand).rejectsOnce(awsError('Throttling', 'Rate exceeded', 400)).rejectsOnce(awsError('InternalServiceError', 'x', 500));
    await expect(readAlarms(clients.cloudwatch, ['a'])).rejects.toMatchObject({ name: 'THROTTLED' });
    await expect(readAlarms(clients.cloudwatch, ['a'])).rejects.toMatchObject({ name: 'INTERNAL_ERROR' });
  });
});

describe('Adapter: events', () => {
  const detail = { deploymentId: 'gp-1', status: 'Succeeded', functionName: 'f', alias: 'live', at: '2025-03-01T10:00:00.000Z' };

  it('puts one event with source glidepath on the bus', async () => {
    mocks.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    await publishStateChange(clients.events, 'my-bus', detail);
    expect(mocks.events).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [{ Source: 'glidepath', DetailType: 'Glidepath Deployment State Change', EventBusName: 'my-bus', Detail: JSON.stringify(detail), Time: new Date(detail.at) }],
    });
  });

  it('a refused entry is an error', async () => {
    mocks.events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDenied', ErrorMessage: 'no' }] });
    await expect(publishStateChange(clients.events, 'b', detail)).rejects.toThrow(/AccessDenied/);
  });
});

describe('Adapter: codedeploy', () => {
  const hook = { deploymentId: 'd-ABC', lifecycleEventHookExecutionId: 'exec-1' };

  it('reports the status; an already completed hook is not an error', async () => {
    mocks.codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).resolvesOnce({}).rejectsOnce(awsError('LifecycleEventAlreadyCompletedException'));
    await expect(reportLifecycleStatus(clients.codedeploy, hook, 'Succeeded')).resolves.toBe('reported');
    await expect(reportLifecycleStatus(clients.codedeploy, hook, 'Failed')).resolves.toBe('alreadyCompleted');
    expect(mocks.codedeploy).toHaveReceivedNthCommandWith(PutLifecycleEventHookExecutionStatusCommand, 1, { ...hook, status: 'Succeeded' });
    expect(mocks.codedeploy).toHaveReceivedNthCommandWith(PutLifecycleEventHookExecutionStatusCommand, 2, { ...hook, status: 'Failed' });
  });

  it.each([
    ['DeploymentDoesNotExistException', 400, 'DEPLOYMENT_NOT_FOUND'],
    ['InvalidLifecycleEventHookExecutionIdException', 400, 'INVALID_REQUEST'],
    ['InvalidDeploymentIdException', 400, 'INVALID_REQUEST'],
    ['ThrottlingException', 400, 'THROTTLED'],
    ['InternalFailure', 500, 'INTERNAL_ERROR'],
  ])('%s (%d) → %s: final answers apart from those worth another try', async (name, status, code) => {
    mocks.codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).rejects(awsError(name, 'no', status));
    await expect(reportLifecycleStatus(clients.codedeploy, hook, 'Succeeded')).rejects.toMatchObject({ code, message: expect.stringContaining('codedeploy:PutLifecycleEventHookExecutionStatus d-ABC') });
  });
});

describe('Adapter: task-tokens', () => {
  it('answers a token; one that no longer waits is gone', async () => {
    mocks.sfn.on(SendTaskSuccessCommand).resolvesOnce({}).rejectsOnce(awsError('TaskTimedOut'));
    await expect(sendTaskSuccess(clients.sfn, 'tok', { decision: 'next' })).resolves.toBe('ok');
    await expect(sendTaskSuccess(clients.sfn, 'tok', { decision: 'next' })).resolves.toBe('gone');
    expect(mocks.sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'tok', output: '{"decision":"next"}' });
  });

  it('fails a token with the error and cause; throttling is THROTTLED', async () => {
    mocks.sfn.on(SendTaskFailureCommand).resolvesOnce({}).rejectsOnce(awsError('ThrottlingException', 'slow', 400));
    await sendTaskFailure(clients.sfn, 'tok', 'MANUAL_STOP', 'stopped');
    expect(mocks.sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: 'tok', error: 'MANUAL_STOP', cause: 'stopped' });
    await expect(sendTaskFailure(clients.sfn, 'tok', 'MANUAL_STOP', 'x')).rejects.toMatchObject({ name: 'THROTTLED' });
  });
});
