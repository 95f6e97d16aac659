import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DescribeAlarmsCommand, type StateValue } from '@aws-sdk/client-cloudwatch';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHandler } from '../../../functions/check-health/index.ts';
import type { DeploymentRecord } from '../../../shared/core/model/record.ts';
import { inLambda, type Alarms, applyUpdate, awsError, baseRequest, clock, decodeUpdate, deploymentRecord, handlerOptions, mockedClients, T0 } from './harness.ts';

let { clients, mocks } = mockedClients();
let handler = inLambda(createHandler(handlerOptions(clients)));

const bake = { deploymentId: 'gp-test-1', cursor: { index: 1, step: { bake: 300 } } };
const OK: Alarms = [
  { AlarmName: 'orders-5xx', StateValue: 'OK' },
  { AlarmName: 'orders-p99', StateValue: 'OK' },
];

function arrange(record: DeploymentRecord, alarms: Alarms = OK) {
  mocks.ddb.on(GetCommand).resolves({ Item: record });
  mocks.ddb.on(UpdateCommand).callsFake((input) => ({ Attributes: applyUpdate(record, input) }));
  mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: alarms });
}

/** The record after the setWeight 10 of step 0, as shift leaves it. */
const afterShift = (overrides: Partial<DeploymentRecord> = {}) =>
  deploymentRecord({ weight: 10, stepIndex: 0, stepStartedAt: clock.iso(T0), revisionId: 'rev-2', ...overrides });
/** The record during the bake of step 1, started at T0. */
const baking = (overrides: Partial<DeploymentRecord> = {}) => afterShift({ stepIndex: 1, stepStartedAt: clock.iso(T0), ...overrides });

beforeEach(() => {
  ({ clients, mocks } = mockedClients());
  handler = inLambda(createHandler(handlerOptions(clients)));
  clock.set(T0);
});

describe('Handler: check-health', () => {
  it('the first check of a step marks its start with a conditional write (the update and its event in one transaction, the record read back) and waits the whole bake', async () => {
    arrange(afterShift());
    await expect(handler(bake)).resolves.toEqual({
      decision: 'wait',
      waitSeconds: 300,
      weight: 10,
      revisionId: 'rev-2',
      alarms: [{ name: 'orders-5xx', state: 'OK' }, { name: 'orders-p99', state: 'OK' }],
    });
    expect(mocks.ddb).toHaveReceivedCommandTimes(TransactWriteCommand, 1);
    const [update] = mocks.ddb.commandCalls(UpdateCommand);
    const decoded = decodeUpdate(update!.args[0].input);
    expect(decoded.set).toEqual({ stepIndex: 1, stepStartedAt: clock.iso(), updatedAt: clock.iso() });
    expect(decoded.append.events).toEqual([expect.objectContaining({ type: 'StepStarted', message: 'step 1: bake for 300s', stepIndex: 1 })]);
    expect(decoded.condition).toBe('attribute_exists(pk) AND stepIndex <> 1');
    expect(mocks.cloudwatch).toHaveReceivedCommandExactlyOnceWith(DescribeAlarmsCommand, { AlarmNames: ['orders-5xx', 'orders-p99'] });
  });

  it('later checks only read the record and the alarms', async () => {
    arrange(baking());
    clock.set(T0 + 120_000);
    await expect(handler(bake)).resolves.toMatchObject({ decision: 'wait', waitSeconds: 180 });
    expect(mocks.ddb).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(mocks.ddb).not.toHaveReceivedCommand(UpdateCommand);
    expect(mocks.cloudwatch).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 1);
  });

  it('waits only what remains, then says next when the bake is over', async () => {
    arrange(baking());
    clock.set(T0 + 296_000);
    await expect(handler(bake)).resolves.toMatchObject({ decision: 'wait', waitSeconds: 4 });
    clock.set(T0 + 300_000);
    await expect(handler(bake)).resolves.toMatchObject({ decision: 'next' });
  });

  it('a retried first check whose update landed re-reads instead of restarting the step', async () => {
    mocks.ddb.on(GetCommand).resolvesOnce({ Item: afterShift() }).resolves({ Item: baking() });
    mocks.ddb.on(UpdateCommand).rejects(awsError('ConditionalCheckFailedException', 'The conditional request failed'));
    mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: OK });
    clock.set(T0 + 50_000);
    await expect(handler(bake)).resolves.toMatchObject({ decision: 'wait', waitSeconds: 250 });
    expect(mocks.ddb).toHaveReceivedCommandTimes(GetCommand, 2);
  });

  it.each([
    ['OK', 'wait'],
    ['INSUFFICIENT_DATA', 'wait'],
    ['ALARM', 'fail'],
  ])('an alarm in %s → %s', async (state, decision) => {
    arrange(baking(), [{ AlarmName: 'orders-5xx', StateValue: state as StateValue }, { AlarmName: 'orders-p99', StateValue: 'OK' }]);
    const result = await handler(bake);
    expect(result.decision).toBe(decision);
    if (decision === 'fail') expect(result).toMatchObject({ code: 'ALARM_ACTIVE', message: 'alarm orders-5xx is in ALARM' });
  });

  it('an alarm name CloudWatch does not know fails the check (INVALID_ALARM_CONFIG)', async () => {
    arrange(baking(), [{ AlarmName: 'orders-5xx', StateValue: 'OK' }]);
    await expect(handler(bake)).resolves.toMatchObject({ decision: 'fail', code: 'INVALID_ALARM_CONFIG', message: 'alarm orders-p99 does not exist' });
  });

  it('CloudWatch unreadable (refused, not a server error): fail INTERNAL_ERROR, or go on with ignorePollAlarmFailure', async () => {
    arrange(baking());
    mocks.cloudwatch.on(DescribeAlarmsCommand).rejects(awsError('AccessDenied', 'not authorized', 403));
    const failed = await handler(bake);
    expect(failed).toMatchObject({ decision: 'fail', code: 'INTERNAL_ERROR' });
    expect(failed.message).toContain('alarms could not be read: cloudwatch:DescribeAlarms (2 alarms) failed (AccessDenied): not authorized');

    arrange(baking({ request: { ...baseRequest, alarmPolicy: { ignorePollAlarmFailure: true } } }));
    mocks.cloudwatch.on(DescribeAlarmsCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    await expect(handler(bake)).resolves.toMatchObject({ decision: 'wait' });
  });

  it('CloudWatch answering 5xx: INTERNAL_ERROR thrown, so the state machine retries the check before any rollback', async () => {
    arrange(baking());
    mocks.cloudwatch.on(DescribeAlarmsCommand).rejects(awsError('InternalServiceError', 'service unavailable', 500));
    await expect(handler(bake)).rejects.toMatchObject({ name: 'INTERNAL_ERROR', message: expect.stringContaining('service unavailable') });
  });

  it('CloudWatch throttled: THROTTLED, so the state machine retries the check (a throttle says nothing about the alarms)', async () => {
    arrange(baking());
    mocks.cloudwatch.on(DescribeAlarmsCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    await expect(handler(bake)).rejects.toMatchObject({ name: 'THROTTLED' });
  });

  it('abort → fail MANUAL_STOP; pause → pause', async () => {
    arrange(baking({ signals: { abort: 'T-abort', pause: 'T-pause' } }));
    await expect(handler(bake)).resolves.toMatchObject({ decision: 'fail', code: 'MANUAL_STOP' });
    arrange(baking({ signals: { pause: 'T-pause' } }));
    await expect(handler(bake)).resolves.toMatchObject({ decision: 'pause' });
    expect(mocks.ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('promote ends the step and is cleared so it acts once', async () => {
    arrange(baking({ signals: { promote: 'T-promote' } }));
    await expect(handler(bake)).resolves.toMatchObject({ decision: 'next' });
    const clear = decodeUpdate(mocks.ddb.commandCalls(UpdateCommand)[0]!.args[0].input);
    expect(clear.remove).toEqual(['signals.promote']);
    expect(clear.condition).toBe('attribute_exists(pk) AND signals.promote = "T-promote"');
  });

  it('the final bake starts once at index stepCount and treats promote-full as its end', async () => {
    const final = { deploymentId: 'gp-test-1', cursor: { index: 3, step: { bake: 600 }, final: true } };
    arrange(baking({ stepIndex: 2, weight: 100 }));
    await expect(handler(final)).resolves.toMatchObject({ decision: 'wait', weight: 100 });
    expect(decodeUpdate(mocks.ddb.commandCalls(UpdateCommand)[0]!.args[0].input).append.events).toEqual([
      expect.objectContaining({ message: 'final bake: watching alarms for 600s at 100%' }),
    ]);
    arrange(baking({ stepIndex: 3, weight: 100, signals: { promoteFull: 'T' } }));
    await expect(handler(final)).resolves.toMatchObject({ decision: 'next' });
  });

  it('a missing record is DEPLOYMENT_NOT_FOUND; a DynamoDB throttle is THROTTLED', async () => {
    mocks.ddb.on(GetCommand).resolvesOnce({}).rejectsOnce(awsError('ProvisionedThroughputExceededException', 'slow down'));
    await expect(handler(bake)).rejects.toMatchObject({ name: 'DEPLOYMENT_NOT_FOUND' });
    await expect(handler(bake)).rejects.toMatchObject({ name: 'THROTTLED' });
  });
});
