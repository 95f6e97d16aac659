import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { GetAliasCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHandler } from '../../../functions/shift/index.ts';
import type { DeploymentRecord } from '../../../shared/core/model/record.ts';
import { shiftTarget } from '../../../shared/core/routing.ts';
import { inLambda, type Alarms, applyUpdate, awsError, baseRequest, clock, decodeUpdate, deploymentRecord, env, handlerOptions, mockedClients, T0 } from './harness.ts';

let { clients, mocks } = mockedClients();
let handler = inLambda(createHandler(handlerOptions(clients)));
let record: DeploymentRecord;

// As the state machine carries them: the target's facts, the RevisionId after the last change, and for Promote the weight now.
const carriedTarget = shiftTarget(deploymentRecord());
const setWeight10 = { deploymentId: 'gp-test-1', cursor: { index: 0, step: { setWeight: 10 } }, target: carriedTarget, revisionId: 'rev-1', weight: 0 };
const promote = { deploymentId: 'gp-test-1', cursor: { index: 3 }, promote: true, target: carriedTarget, revisionId: 'rev-1', weight: 10 };

const conditionFailed = () => awsError('ConditionalCheckFailedException', 'The conditional request failed');

/**
 * The record in the table. An update's condition is held as DynamoDB would for the guards a
 * shift writes: the record must exist, its step must not be recorded already, and the
 * quiet update (ReturnValues NONE) needs no decision signal set.
 */
function arrange(r: DeploymentRecord | undefined, alarms: Alarms = [{ AlarmName: 'orders-5xx', StateValue: 'OK' }, { AlarmName: 'orders-p99', StateValue: 'OK' }]) {
  record = r as DeploymentRecord;
  mocks.ddb.on(GetCommand).resolves(r ? { Item: record } : {});
  mocks.ddb.on(UpdateCommand).callsFake((input) => {
    if (!record) throw conditionFailed();
    const decoded = decodeUpdate(input);
    const step = /stepIndex <> (\d+)/.exec(decoded.condition ?? '');
    if (step && record.stepIndex === Number(step[1])) throw conditionFailed();
    if (/attribute_not_exists\(promotedAt\)/.test(decoded.condition ?? '') && (record as { promotedAt?: string }).promotedAt) throw conditionFailed();
    if (Object.keys(record.signals ?? {}).some((k) => (decoded.condition ?? '').includes(`attribute_not_exists(signals.${k})`))) throw conditionFailed();
    record = applyUpdate(record, input);
    return input.ReturnValues === 'NONE' ? {} : { Attributes: record };
  });
  mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: alarms });
}

// A change with history is one TransactWriteItems, which the harness replays as an UpdateItem: counted once.
const totalCalls = () => Object.values(mocks).reduce((n, m) => n + m.calls().length, 0) - mocks.ddb.commandCalls(TransactWriteCommand).length;

beforeEach(() => {
  ({ clients, mocks } = mockedClients());
  handler = inLambda(createHandler(handlerOptions(clients)));
  clock.set(T0 + 60_000);
  arrange(deploymentRecord());
  mocks.lambda.on(UpdateAliasCommand).callsFake((input) => ({
    FunctionVersion: input.FunctionVersion,
    RoutingConfig: input.RoutingConfig,
    RevisionId: 'rev-2',
  }));
});

describe('Handler: shift', () => {
  it('setWeight: UpdateAlias on the current version with the weight on the target, guarded by the recorded RevisionId', async () => {
    const result = await handler(setWeight10);

    expect(result).toEqual({ decision: 'next', weight: 10, revisionId: 'rev-2', alarms: [{ name: 'orders-5xx', state: 'OK' }, { name: 'orders-p99', state: 'OK' }] });
    expect(mocks.lambda).toHaveReceivedCommandExactlyOnceWith(UpdateAliasCommand, {
      FunctionName: 'orders-api',
      Name: 'live',
      FunctionVersion: '7',
      RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } },
      RevisionId: 'rev-1',
    });
    // The state machine carries what the shift needs: the record is not read.
    expect(mocks.ddb).not.toHaveReceivedCommand(GetCommand);
    const update = mocks.ddb.commandCalls(UpdateCommand);
    expect(update).toHaveLength(2);
    // Abort wins: the move is claimed (no abort accepted) before the alias changes.
    expect(decodeUpdate(update[0]!.args[0].input).condition).toBe('attribute_exists(pk) AND status IN ("Created", "InProgress", "Paused") AND attribute_not_exists(signals.abort)');
    expect(mocks.ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({ ReturnValues: 'NONE' });
    expect(update[1]!.args[0].input).toMatchObject({ Key: { pk: 'DEP#gp-test-1', sk: 'DEPLOYMENT' }, ReturnValues: 'NONE' });
    const at = clock.iso();
    expect(decodeUpdate(update[1]!.args[0].input)).toEqual({
      set: { weight: 10, revisionId: 'rev-2', updatedAt: at, stepIndex: 0, stepStartedAt: at },
      append: { weights: [{ at, weight: 10 }], events: [{ at, type: 'WeightShifted', message: 'step 0: 10% on version 8', stepIndex: 0, weight: 10 }] },
      remove: [],
      condition:
        'attribute_exists(pk) AND stepIndex <> 0 AND attribute_not_exists(signals.abort) AND attribute_not_exists(signals.promoteFull) AND attribute_not_exists(signals.promote) AND attribute_not_exists(signals.pause)',
    });
    expect(record.weight).toBe(10);
    expect(mocks.cloudwatch).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 1);
  });

  it('with the target and RevisionId the state machine carries: exactly 4 AWS calls (the claim, UpdateAlias, UpdateItem, one DescribeAlarms batch)', async () => {
    const carried = {
      ...setWeight10,
      target: { functionName: 'orders-api', alias: 'live', currentVersion: '7', targetVersion: '8', alarms: ['orders-5xx', 'orders-p99'] },
      revisionId: 'rev-1',
    };
    const result = await handler(carried);
    expect(result).toMatchObject({ decision: 'next', weight: 10, revisionId: 'rev-2' });
    expect(totalCalls()).toBe(4);
    expect(mocks.ddb).not.toHaveReceivedCommand(GetCommand);
    expect(mocks.lambda).toHaveReceivedCommandExactlyOnceWith(UpdateAliasCommand, {
      FunctionName: 'orders-api',
      Name: 'live',
      FunctionVersion: '7',
      RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } },
      RevisionId: 'rev-1',
    });
    const update = mocks.ddb.commandCalls(UpdateCommand)[1]!.args[0].input;
    // The record is not carried back: the condition says no signal the decision acts on is set.
    expect(update.ReturnValues).toBe('NONE');
    expect(decodeUpdate(update).condition).toBe(
      'attribute_exists(pk) AND stepIndex <> 0 AND attribute_not_exists(signals.abort) AND attribute_not_exists(signals.promoteFull) AND attribute_not_exists(signals.promote) AND attribute_not_exists(signals.pause)',
    );
    // A retry after a lost UpdateItem answer: the step is already recorded, so the record is read, not appended to twice.
    mocks.ddb.on(UpdateCommand).callsFake((input) => {
      if (/stepIndex <> 0/.test(decodeUpdate(input).condition ?? '')) throw awsError('ConditionalCheckFailedException');
      return {};
    });
    mocks.lambda.on(UpdateAliasCommand).rejects(awsError('PreconditionFailedException', 'The RevisionId provided does not match the latest RevisionId', 412));
    mocks.lambda.on(GetAliasCommand).resolves({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } }, RevisionId: 'rev-2' });
    await expect(handler(carried)).resolves.toMatchObject({ decision: 'next' });
    expect(mocks.ddb).toHaveReceivedCommandTimes(GetCommand, 1);
  });

  it('one path: 4 AWS calls per setWeight step (3 without alarms); without the carried target (a broken contract) nothing is called', async () => {
    await handler(setWeight10);
    expect(totalCalls()).toBe(4);
    ({ clients, mocks } = mockedClients());
    handler = inLambda(createHandler(handlerOptions(clients)));
    arrange(deploymentRecord({}, { ...baseRequest, alarms: [] }));
    mocks.lambda.on(UpdateAliasCommand).resolves({ FunctionVersion: '7', RevisionId: 'rev-2' });
    await handler({ ...setWeight10, target: shiftTarget(deploymentRecord({}, { ...baseRequest, alarms: [] })) });
    expect(totalCalls()).toBe(3);
    expect(mocks.cloudwatch).not.toHaveReceivedAnyCommand();
    const { target: _t, revisionId: _r, ...bare } = setWeight10;
    await expect(handler(bare)).rejects.toMatchObject({ name: 'INTERNAL_ERROR', message: expect.stringContaining('shift needs the target and the RevisionId the state machine carries') });
    expect(totalCalls()).toBe(3);
  });

  it('setWeight 100 and promote point the alias at the target with no weights', async () => {
    await handler({ ...setWeight10, cursor: { index: 2, step: { setWeight: 100 } } });
    await handler(promote);
    expect(mocks.lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 2);
    for (const call of mocks.lambda.commandCalls(UpdateAliasCommand)) {
      expect(call.args[0].input).toMatchObject({ FunctionVersion: '8', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: 'rev-1' });
    }
    const promoted = decodeUpdate(mocks.ddb.commandCalls(UpdateCommand)[3]!.args[0].input);
    expect(promoted.set).toEqual({ weight: 100, revisionId: 'rev-2', updatedAt: clock.iso(), promotedAt: clock.iso() });
    expect(promoted.append.events).toEqual([expect.objectContaining({ type: 'Promoted', message: 'promoted: version 8 takes all traffic' })]);
  });

  it('a lost UpdateAlias answer: PreconditionFailed but the alias is exactly as wanted → adopt its revision', async () => {
    mocks.lambda.on(UpdateAliasCommand).rejects(awsError('PreconditionFailedException', 'The RevisionId provided does not match the latest RevisionId', 412));
    mocks.lambda.on(GetAliasCommand).resolves({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } }, RevisionId: 'rev-ours' });
    await expect(handler(setWeight10)).resolves.toMatchObject({ decision: 'next', weight: 10 });
    expect(decodeUpdate(mocks.ddb.commandCalls(UpdateCommand)[1]!.args[0].input).set).toMatchObject({ revisionId: 'rev-ours', weight: 10 });
  });

  it('someone else changed the alias: CONCURRENT_MODIFICATION saying what it saw, nothing recorded', async () => {
    mocks.lambda.on(UpdateAliasCommand).rejects(awsError('PreconditionFailedException', 'no match', 412));
    mocks.lambda.on(GetAliasCommand).resolves({ FunctionVersion: '9', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: 'rev-theirs' });
    const error = await handler(setWeight10).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CONCURRENT_MODIFICATION' });
    expect((error as Error).message).toContain('it now serves version 9 with no weights (revision rev-theirs)');
    // Only the claim: no step recorded.
    expect(mocks.ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(record.weight).toBe(0);
  });

  it('a retried step the record shows as done is not redone: the alias is found moved (adopted) and nothing is recorded twice', async () => {
    arrange(
      deploymentRecord({
        weight: 10,
        stepIndex: 0,
        revisionId: 'rev-2',
      }),
    );
    // The first try moved the alias (rev-1 → rev-2) and recorded the step; its answer was lost.
    mocks.lambda.on(UpdateAliasCommand).rejects(awsError('PreconditionFailedException', 'The Revision Id provided does not match the latest Revision Id.', 412));
    mocks.lambda.on(GetAliasCommand).resolves({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } }, RevisionId: 'rev-2' });
    await expect(handler(setWeight10)).resolves.toMatchObject({ decision: 'next', weight: 10, revisionId: 'rev-2' });
    expect(mocks.lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 1);
    // No history entry appended (the fake applies a change's entries as lists on the record).
    expect((record as { events?: unknown[] }).events ?? []).toEqual([]);
    expect((record as { weights?: unknown[] }).weights ?? []).toEqual([]);
  });

  it('an alarm in ALARM at the shift: fail with ALARM_ACTIVE without moving the alias (the state machine rolls back)', async () => {
    arrange(deploymentRecord(), [{ AlarmName: 'orders-5xx', StateValue: 'ALARM' }, { AlarmName: 'orders-p99', StateValue: 'OK' }]);
    await expect(handler(setWeight10)).resolves.toMatchObject({ decision: 'fail', code: 'ALARM_ACTIVE', message: 'alarm orders-5xx is in ALARM', weight: 0, revisionId: 'rev-1' });
    // The same with a target that watches only the alarming one.
    const carried = { ...setWeight10, target: { functionName: 'orders-api', alias: 'live', currentVersion: '7', targetVersion: '8', alarms: ['orders-5xx'] }, revisionId: 'rev-1' };
    await expect(handler(carried)).resolves.toMatchObject({ decision: 'fail', code: 'ALARM_ACTIVE', revisionId: 'rev-1' });
    await expect(handler(promote)).rejects.toMatchObject({ name: 'ALARM_ACTIVE' });
    expect(mocks.lambda).not.toHaveReceivedCommand(UpdateAliasCommand);
    expect(mocks.ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('INSUFFICIENT_DATA is not ALARM', async () => {
    arrange(deploymentRecord(), [{ AlarmName: 'orders-5xx', StateValue: 'INSUFFICIENT_DATA' }, { AlarmName: 'orders-p99', StateValue: 'OK' }]);
    await expect(handler(setWeight10)).resolves.toMatchObject({ decision: 'next' });
  });

  it('after Promote a failing check throws its code (the machine does not branch on Promote health)', async () => {
    arrange(deploymentRecord({ weight: 10 }), [{ AlarmName: 'orders-5xx', StateValue: 'ALARM' }]);
    await expect(handler(promote)).rejects.toMatchObject({ name: 'ALARM_ACTIVE', message: 'alarm orders-5xx is in ALARM' });
  });

  it('signals after a shift: pause holds; promote-full promotes and is cleared once', async () => {
    arrange(deploymentRecord({ signals: { pause: 'T1' } }));
    await expect(handler(setWeight10)).resolves.toMatchObject({ decision: 'pause' });

    arrange(deploymentRecord({ signals: { promoteFull: 'T2' } }));
    await expect(handler(setWeight10)).resolves.toMatchObject({ decision: 'promoteFull' });
    const clear = decodeUpdate(mocks.ddb.commandCalls(UpdateCommand).at(-1)!.args[0].input);
    expect(clear.remove).toEqual(['signals.promoteFull']);
    expect(clear.condition).toBe('attribute_exists(pk) AND signals.promoteFull = "T2"');
  });

  it('throttled UpdateAlias → THROTTLED; a missing alias → INVALID_LAMBDA_FUNCTION; a missing record → DEPLOYMENT_NOT_FOUND', async () => {
    mocks.lambda.on(UpdateAliasCommand).rejectsOnce(awsError('TooManyRequestsException', 'Rate exceeded', 429)).rejectsOnce(awsError('ResourceNotFoundException', 'Alias not found', 404));
    await expect(handler(setWeight10)).rejects.toMatchObject({ name: 'THROTTLED' });
    await expect(handler(setWeight10)).rejects.toMatchObject({ name: 'INVALID_LAMBDA_FUNCTION' });
    arrange(undefined);
    mocks.lambda.on(UpdateAliasCommand).resolves({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: { '8': 0.1 } }, RevisionId: 'rev-2' });
    await expect(handler(setWeight10)).rejects.toMatchObject({ name: 'DEPLOYMENT_NOT_FOUND', message: 'no deployment gp-test-1' });
  });

  it('a cursor without a setWeight is refused', async () => {
    await expect(handler({ deploymentId: 'gp-test-1', cursor: { index: 1, step: { bake: 300 } } })).rejects.toMatchObject({ name: 'INVALID_DEPLOYMENT_CONFIG' });
    await expect(handler({ deploymentId: 'gp-test-1', cursor: { index: 1, step: { nonsense: 1 } } })).rejects.toMatchObject({ name: 'INVALID_REQUEST' });
  });
});
