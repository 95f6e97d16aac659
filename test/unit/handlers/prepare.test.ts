import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { GetAliasCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createHandler } from '../../../functions/prepare/index.ts';
import { awsError, baseRequest, clock, env, handlerOptions, inLambda, mockedClients, T0 } from './harness.ts';

const execution = { Id: 'arn:aws:states:us-east-1:123456789012:execution:glidepath:gp-01J', Name: 'gp-01J' };
const role = 'arn:aws:iam::123456789012:role/orders';

let { clients, mocks } = mockedClients();
let options = handlerOptions(clients);
let handler = inLambda(createHandler(options));

function readyAccount() {
  mocks.lambda
    .on(GetFunctionConfigurationCommand)
    .rejects(awsError('ResourceNotFoundException', 'Function not found', 404))
    .on(GetFunctionConfigurationCommand, { FunctionName: 'orders-api', Qualifier: undefined })
    .resolves({ FunctionName: 'orders-api', Version: '$LATEST', Role: role })
    .on(GetFunctionConfigurationCommand, { FunctionName: 'orders-api', Qualifier: '7' })
    .resolves({ FunctionName: 'orders-api', Version: '7', Role: role })
    .on(GetFunctionConfigurationCommand, { FunctionName: 'orders-api', Qualifier: '8' })
    .resolves({ FunctionName: 'orders-api', Version: '8', Role: role })
    .on(GetFunctionConfigurationCommand, { FunctionName: 'pre-traffic-check', Qualifier: undefined })
    .resolves({ FunctionName: 'pre-traffic-check', Version: '$LATEST', Role: role });
  mocks.lambda.on(GetAliasCommand).resolves({ Name: 'live', FunctionVersion: '7', RevisionId: 'rev-1', RoutingConfig: { AdditionalVersionWeights: {} } });
  mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      { AlarmName: 'orders-5xx', StateValue: 'OK' },
      { AlarmName: 'orders-p99', StateValue: 'INSUFFICIENT_DATA' },
    ],
  });
  mocks.ddb.on(TransactWriteCommand).resolves({});
  mocks.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
}

beforeEach(() => {
  ({ clients, mocks } = mockedClients());
  options = handlerOptions(clients);
  handler = inLambda(createHandler(options));
  clock.set(T0);
  readyAccount();
});

const lockCancel = () =>
  Object.assign(awsError('TransactionCanceledException', 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]'), {
    CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
  });

describe('Handler: prepare', () => {
  it('records the deployment and takes the lock in one transaction, then returns the machine state', async () => {
    const state = await handler({ request: { ...baseRequest, hooks: { beforeAllowTraffic: 'pre-traffic-check' } }, execution });

    expect(state).toEqual({
      deploymentId: 'gp-01J',
      plan: {
        steps: [{ setWeight: 10 }, { bake: 300 }, { setWeight: 100 }],
        stepCount: 3,
        hooks: { beforeAllowTraffic: 'pre-traffic-check' },
        hookTimeoutSeconds: 3600,
        finalBakeSeconds: 0,
      },
      cursor: { index: 0 },
      target: { functionName: 'orders-api', alias: 'live', currentVersion: '7', targetVersion: '8', alarms: baseRequest.alarms },
      health: { decision: 'next', weight: 0, revisionId: 'rev-1' },
    });
    expect(mocks.ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const [put, lock, ...history] = mocks.ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    // Its first history, items of their own in the record's partition: the Started event and weight 0.
    expect(history.map((h) => h.Put!.Item)).toEqual([
      expect.objectContaining({ pk: 'DEP#gp-01J', sk: expect.stringMatching(/^EVENT#/), type: 'Started' }),
      expect.objectContaining({ pk: 'DEP#gp-01J', sk: expect.stringMatching(/^WEIGHT#/), at: clock.iso(T0), weight: 0 }),
    ]);
    expect(put!.Put).toMatchObject({
      TableName: env.tableName,
      ConditionExpression: 'attribute_not_exists(#pk)',
      Item: {
        pk: 'DEP#gp-01J',
        sk: 'DEPLOYMENT',
        gsi1pk: 'TARGET#orders-api#live',
        gsi1sk: `${clock.iso(T0)}#gp-01J`,
        id: 'gp-01J',
        executionArn: execution.Id,
        status: 'InProgress',
        weight: 0,
        revisionId: 'rev-1',
        currentVersion: '7',
        targetVersion: '8',
        stepIndex: -1,
        signals: {},
        request: { ...baseRequest, hooks: { beforeAllowTraffic: 'pre-traffic-check' }, currentVersion: '7' },
        plan: { functionName: 'orders-api', alias: 'live', currentVersion: '7', targetVersion: '8', strategy: 'Canary10Percent5Minutes' },
      },
    });
    expect(lock!.Put).toEqual({
      TableName: env.tableName,
      Item: { pk: 'LOCK#orders-api#live', sk: 'LOCK', deploymentId: 'gp-01J', acquiredAt: clock.iso(T0) },
      ConditionExpression: 'attribute_not_exists(#pk) OR #holder = :id',
      ExpressionAttributeNames: { '#pk': 'pk', '#holder': 'deploymentId' },
      ExpressionAttributeValues: { ':id': 'gp-01J' },
    });
    // function, both versions (with Qualifier), the hook; the alias; the alarms
    expect(mocks.lambda).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, { FunctionName: 'orders-api', Qualifier: '7' });
    expect(mocks.lambda).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, { FunctionName: 'orders-api', Qualifier: '8' });
    expect(mocks.lambda).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, { FunctionName: 'pre-traffic-check' });
    expect(mocks.lambda).toHaveReceivedCommandWith(GetAliasCommand, { FunctionName: 'orders-api', Name: 'live' });
    expect(mocks.cloudwatch).toHaveReceivedCommandWith(DescribeAlarmsCommand, { AlarmNames: ['orders-5xx', 'orders-p99'] });
    const event = JSON.parse(mocks.events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.Detail!);
    expect(event).toMatchObject({ deploymentId: 'gp-01J', status: 'InProgress', functionName: 'orders-api', alias: 'live', currentVersion: '7', targetVersion: '8', weight: 0 });
  });

  it('names the deployment gp-<execution name> when the name lacks the prefix', async () => {
    const state = await handler({ request: baseRequest, execution: { Id: 'x', Name: '01JXYZ' } });
    expect(state.deploymentId).toBe('gp-01JXYZ');
  });

  it('refuses a second deployment with DEPLOYMENT_IN_PROGRESS naming the active one', async () => {
    mocks.ddb.on(TransactWriteCommand).rejects(lockCancel());
    mocks.ddb
      .on(GetCommand, { Key: { pk: 'LOCK#orders-api#live', sk: 'LOCK' } })
      .resolves({ Item: { pk: 'LOCK#orders-api#live', sk: 'LOCK', deploymentId: 'gp-active', acquiredAt: 'x' } })
      .on(GetCommand, { Key: { pk: 'DEP#gp-active', sk: 'DEPLOYMENT' } })
      .resolves({ Item: { id: 'gp-active', status: 'InProgress' } });
    const error = await handler({ request: baseRequest, execution }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DEPLOYMENT_IN_PROGRESS', code: 'DEPLOYMENT_IN_PROGRESS', details: { activeDeploymentId: 'gp-active' } });
    expect((error as Error).message).toBe('orders-api:live already has an active deployment: gp-active');
    expect(mocks.events).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('takes over a lock left by a deployment that has ended, conditionally on that holder', async () => {
    mocks.ddb.on(TransactWriteCommand).rejectsOnce(lockCancel()).resolves({});
    mocks.ddb
      .on(GetCommand, { Key: { pk: 'LOCK#orders-api#live', sk: 'LOCK' } })
      .resolves({ Item: { deploymentId: 'gp-old' } })
      .on(GetCommand, { Key: { pk: 'DEP#gp-old', sk: 'DEPLOYMENT' } })
      .resolves({ Item: { id: 'gp-old', status: 'Succeeded' } });
    await expect(handler({ request: baseRequest, execution })).resolves.toMatchObject({ deploymentId: 'gp-01J' });
    const second = mocks.ddb.commandCalls(TransactWriteCommand)[1]!.args[0].input.TransactItems![1]!.Put!;
    expect(second).toMatchObject({ ConditionExpression: '#holder = :stale', ExpressionAttributeValues: { ':stale': 'gp-old' } });
  });

  it('a retried Prepare whose first transaction landed succeeds without a second record', async () => {
    mocks.ddb.on(TransactWriteCommand).rejects(
      Object.assign(awsError('TransactionCanceledException'), { CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] }),
    );
    mocks.ddb.on(GetCommand, { Key: { pk: 'LOCK#orders-api#live', sk: 'LOCK' } }).resolves({ Item: { deploymentId: 'gp-01J' } });
    await expect(handler({ request: baseRequest, execution })).resolves.toMatchObject({ deploymentId: 'gp-01J', cursor: { index: 0 } });
    expect(mocks.events).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('checks everything before taking the lock: an alarm already in ALARM is ALARM_ACTIVE and nothing is written', async () => {
    mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'orders-5xx', StateValue: 'ALARM' }, { AlarmName: 'orders-p99', StateValue: 'OK' }] });
    mocks.ddb.on(GetCommand).resolves({});
    const error = await handler({ request: baseRequest, execution }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ALARM_ACTIVE', field: 'alarms' });
    expect((error as Error).message).toContain('alarm orders-5xx is in ALARM before the first shift');
    expect(mocks.ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('starts despite an alarm in ALARM with alarmPolicy.ignoreAlarmsAtStart', async () => {
    mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'orders-5xx', StateValue: 'ALARM' }, { AlarmName: 'orders-p99', StateValue: 'OK' }] });
    await expect(handler({ request: { ...baseRequest, alarmPolicy: { ignoreAlarmsAtStart: true } }, execution })).resolves.toMatchObject({ deploymentId: 'gp-01J' });
  });

  it('an unknown alarm name is INVALID_ALARM_CONFIG, not OK', async () => {
    mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'orders-5xx', StateValue: 'OK' }] });
    mocks.ddb.on(GetCommand).resolves({});
    await expect(handler({ request: baseRequest, execution })).rejects.toMatchObject({ name: 'INVALID_ALARM_CONFIG', message: 'alarms: alarm orders-p99 does not exist' });
  });

  it('lists every violation in one refusal, the first one giving the code', async () => {
    mocks.lambda.on(GetAliasCommand).resolves({ FunctionVersion: '7', RevisionId: 'rev-1', RoutingConfig: { AdditionalVersionWeights: { '6': 0.5 } } });
    mocks.lambda.on(GetFunctionConfigurationCommand, { FunctionName: 'orders-api', Qualifier: '8' }).rejects(awsError('ResourceNotFoundException', 'nope', 404));
    mocks.ddb.on(GetCommand).resolves({});
    const error = (await handler({ request: { ...baseRequest, hooks: { afterAllowTraffic: 'missing-hook' } }, execution }).catch((e: unknown) => e)) as Error & {
      details: { violations: { code: string; field: string }[] };
    };
    expect(error.name).toBe('INVALID_LAMBDA_CONFIGURATION');
    expect(error.details.violations.map((v) => `${v.code} ${v.field}`)).toEqual([
      'INVALID_LAMBDA_CONFIGURATION alias',
      'INVALID_REVISION targetVersion',
      'INVALID_LAMBDA_FUNCTION hooks.afterAllowTraffic',
    ]);
    expect(error.message).toContain('targetVersion: version 8 of orders-api does not exist');
    expect(mocks.ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('an alias with weights because another deployment runs is DEPLOYMENT_IN_PROGRESS, not a configuration error', async () => {
    mocks.lambda.on(GetAliasCommand).resolves({ FunctionVersion: '7', RevisionId: 'rev-1', RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } } });
    mocks.ddb
      .on(GetCommand, { Key: { pk: 'LOCK#orders-api#live', sk: 'LOCK' } })
      .resolves({ Item: { deploymentId: 'gp-active' } })
      .on(GetCommand, { Key: { pk: 'DEP#gp-active', sk: 'DEPLOYMENT' } })
      .resolves({ Item: { id: 'gp-active', status: 'Paused' } });
    await expect(handler({ request: baseRequest, execution })).rejects.toMatchObject({ name: 'DEPLOYMENT_IN_PROGRESS', details: { activeDeploymentId: 'gp-active' } });
    expect(mocks.ddb).not.toHaveReceivedCommand(TransactWriteCommand);
  });

  it('a function that does not exist is INVALID_LAMBDA_FUNCTION', async () => {
    mocks.lambda.on(GetFunctionConfigurationCommand).rejects(awsError('ResourceNotFoundException', 'Function not found', 404));
    mocks.lambda.on(GetAliasCommand).rejects(awsError('ResourceNotFoundException', 'Function not found', 404));
    await expect(handler({ request: baseRequest, execution })).rejects.toMatchObject({
      name: 'INVALID_LAMBDA_FUNCTION',
      message: 'functionName: function orders-api does not exist',
    });
  });

  it('throttling surfaces as THROTTLED (the state machine retries it)', async () => {
    mocks.lambda.on(GetAliasCommand).rejects(awsError('TooManyRequestsException', 'Rate exceeded', 429));
    await expect(handler({ request: baseRequest, execution })).rejects.toMatchObject({ name: 'THROTTLED', code: 'THROTTLED' });
  });

  it('CloudWatch unreadable: THROTTLED, unless ignorePollAlarmFailure lets it start', async () => {
    mocks.cloudwatch.on(DescribeAlarmsCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    await expect(handler({ request: baseRequest, execution })).rejects.toMatchObject({ name: 'THROTTLED' });
    await expect(handler({ request: { ...baseRequest, alarmPolicy: { ignorePollAlarmFailure: true } }, execution })).resolves.toMatchObject({
      deploymentId: 'gp-01J',
    });
  });

  it('an invalid request is refused naming the field, before any AWS call', async () => {
    await expect(handler({ request: { ...baseRequest, targetVersion: '$LATEST' }, execution })).rejects.toMatchObject({
      name: 'INVALID_REVISION',
      field: 'targetVersion',
    });
    expect(mocks.lambda).not.toHaveReceivedAnyCommand();
    expect(mocks.ddb).not.toHaveReceivedAnyCommand();
  });

  it('an event that breaks the contract is INVALID_REQUEST', async () => {
    await expect(handler({ request: baseRequest })).rejects.toMatchObject({ name: 'INVALID_REQUEST' });
  });

  it('logs with the deployment id as a persistent key', async () => {
    const append = vi.spyOn(options.logger!, 'appendPersistentKeys');
    await handler({ request: baseRequest, execution });
    expect(append).toHaveBeenCalledWith({ deploymentId: 'gp-01J' });
  });

  it('counts one metric per outcome', async () => {
    const addMetric = vi.spyOn(options.metrics, 'addMetric');
    await handler({ request: baseRequest, execution });
    mocks.lambda.on(GetAliasCommand).rejects(awsError('TooManyRequestsException', 'Rate exceeded', 429));
    await handler({ request: baseRequest, execution }).catch(() => undefined);
    expect(addMetric.mock.calls.map((c) => c[0])).toEqual(['PrepareAccepted', 'PrepareError']);
  });
});

describe('Handler: prepare, a function of another account or region', () => {
  it.each([
    { named: 'another account', functionName: 'arn:aws:lambda:us-east-1:210987654321:function:orders-api', where: '210987654321/us-east-1' },
    { named: 'another region', functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api', where: '123456789012/eu-west-1' },
    { named: 'another partition', functionName: 'arn:aws-cn:lambda:us-east-1:123456789012:function:orders-api', where: 'partition aws-cn' },
    { named: 'another account (partial ARN)', functionName: '210987654321:function:orders-api', where: '210987654321/us-east-1' },
  ])('$named: INVALID_REQUEST naming functionName and the rule, nothing read or written', async ({ functionName, where }) => {
    await expect(handler({ request: { ...baseRequest, functionName }, execution })).rejects.toMatchObject({
      name: 'INVALID_REQUEST',
      message: `functionName: must be in the controller's account and region, 123456789012/us-east-1 (it names ${where})`,
      field: 'functionName',
    });
    for (const mock of Object.values(mocks)) expect(mock).not.toHaveReceivedAnyCommand();
  });

  it.each([
    'arn:aws:lambda:us-east-1:123456789012:function:orders-api',
    '123456789012:function:orders-api',
    'orders-api',
  ])('%s (the controller\'s own): accepted, locked by its bare name', async (functionName) => {
    mocks.lambda.on(GetFunctionConfigurationCommand, { FunctionName: functionName, Qualifier: undefined }).resolves({ FunctionName: 'orders-api', Version: '$LATEST', Role: role });
    for (const v of ['7', '8']) mocks.lambda.on(GetFunctionConfigurationCommand, { FunctionName: functionName, Qualifier: v }).resolves({ FunctionName: 'orders-api', Version: v, Role: role });
    await expect(handler({ request: { ...baseRequest, functionName }, execution })).resolves.toMatchObject({ deploymentId: 'gp-01J' });
    const [, lock] = mocks.ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(lock!.Put!.Item).toMatchObject({ pk: 'LOCK#orders-api#live' });
  });
});
