import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { GetAliasCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHandler } from '../../../functions/rollback/index.ts';
import type { DeploymentRecord } from '../../../shared/core/model/record.ts';
import { inLambda, applyUpdate, awsError, clock, decodeUpdate, deploymentRecord, handlerOptions, mockedClients, T0 } from './harness.ts';

let { clients, mocks } = mockedClients();
let handler = inLambda(createHandler(handlerOptions(clients)));

const alarm = { deploymentId: 'gp-test-1', error: { Error: 'ALARM_ACTIVE', Cause: 'alarm orders-5xx is in ALARM' } };
const shifted = (overrides: Partial<DeploymentRecord> = {}) => deploymentRecord({ weight: 10, stepIndex: 1, revisionId: 'rev-2', ...overrides });

function arrange(record: DeploymentRecord) {
  mocks.ddb.on(GetCommand).resolves({ Item: record });
  mocks.ddb.on(UpdateCommand).callsFake((input) => ({ Attributes: applyUpdate(record, input) }));
}

beforeEach(() => {
  ({ clients, mocks } = mockedClients());
  handler = inLambda(createHandler(handlerOptions(clients)));
  clock.set(T0 + 400_000);
  arrange(shifted());
  mocks.lambda.on(UpdateAliasCommand).resolves({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: 'rev-3' });
});

describe('Handler: rollback', () => {
  it('puts the alias back on the current version with no weights, guarded by the RevisionId, and records weight 0', async () => {
    await expect(handler(alarm)).resolves.toEqual({ rolledBack: true, weight: 0 });
    expect(mocks.lambda).toHaveReceivedCommandExactlyOnceWith(UpdateAliasCommand, {
      FunctionName: 'orders-api',
      Name: 'live',
      FunctionVersion: '7',
      RoutingConfig: { AdditionalVersionWeights: {} },
      RevisionId: 'rev-2',
    });
    const decoded = decodeUpdate(mocks.ddb.commandCalls(UpdateCommand)[0]!.args[0].input);
    expect(decoded.set).toEqual({ weight: 0, revisionId: 'rev-3', updatedAt: clock.iso(), rollingBackAt: clock.iso(), rolledBackAt: clock.iso() });
    expect(decoded.append).toEqual({
      weights: [{ at: clock.iso(), weight: 0 }],
      events: [{ at: clock.iso(), type: 'RolledBack', message: 'rolled back after ALARM_ACTIVE: version 7 takes all traffic', cause: 'ALARM_ACTIVE' }],
    });
  });

  it('rolled back before (a retried Task, or reconcile and the watcher at once): says so again, moves and records nothing', async () => {
    const at = clock.iso();
    arrange(shifted({ weight: 0, rollingBackAt: at, rolledBackAt: at }));
    await expect(handler(alarm)).resolves.toEqual({ rolledBack: true, weight: 0 });
    expect(mocks.lambda).not.toHaveReceivedAnyCommand();
    expect(mocks.ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('another rollback recorded first while this one moved the alias: its result, nothing appended twice', async () => {
    const first = shifted();
    const at = clock.iso();
    const recorded = { ...first, weight: 0, rollingBackAt: at, rolledBackAt: at };
    mocks.ddb.on(GetCommand).resolvesOnce({ Item: first }).resolves({ Item: recorded });
    mocks.ddb.on(UpdateCommand).rejects(awsError('ConditionalCheckFailedException', 'The conditional request failed'));
    await expect(handler(alarm)).resolves.toEqual({ rolledBack: true, weight: 0 });
    const update = mocks.ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.ConditionExpression).toContain('attribute_not_exists');
  });

  it('CONCURRENT_MODIFICATION as the cause: the alias is not touched', async () => {
    const result = await handler({ deploymentId: 'gp-test-1', error: { Error: 'CONCURRENT_MODIFICATION', Cause: JSON.stringify({ errorType: 'CONCURRENT_MODIFICATION', errorMessage: 'alias live changed' }) } });
    expect(result).toEqual({ rolledBack: false, reason: 'CONCURRENT_MODIFICATION: alias live changed; the alias was left as it is', weight: 10 });
    expect(mocks.lambda).not.toHaveReceivedAnyCommand();
    expect(decodeUpdate(mocks.ddb.commandCalls(UpdateCommand)[0]!.args[0].input).append.events).toEqual([expect.objectContaining({ type: 'RollbackSkipped' })]);
  });

  it('PreconditionFailed and someone else changed the alias: leave it alone and say why', async () => {
    mocks.lambda.on(UpdateAliasCommand).rejects(awsError('PreconditionFailedException', 'no match', 412));
    mocks.lambda.on(GetAliasCommand).resolves({ FunctionVersion: '9', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: 'rev-x' });
    const result = await handler(alarm);
    expect(result.rolledBack).toBe(false);
    expect(result.weight).toBe(10);
    expect(result.reason).toMatch(/^CONCURRENT_MODIFICATION: alias live of orders-api was changed by someone else since revision rev-2: it now serves version 9/);
    expect(mocks.lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 1);
  });

  it('PreconditionFailed but the alias is already exactly on current: a retried rollback, nothing to undo', async () => {
    mocks.lambda.on(UpdateAliasCommand).rejects(awsError('PreconditionFailedException', 'no match', 412));
    mocks.lambda.on(GetAliasCommand).resolves({ FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: 'rev-3' });
    await expect(handler(alarm)).resolves.toEqual({ rolledBack: true, weight: 0, reason: 'alias was already back on version 7 with no weights' });
    expect(decodeUpdate(mocks.ddb.commandCalls(UpdateCommand)[0]!.args[0].input).set).toMatchObject({ weight: 0, revisionId: 'rev-3' });
  });

  it.each([
    ['the target alone', { FunctionVersion: '8', RoutingConfig: { AdditionalVersionWeights: {} } }],
    ['a planned weight (50% on the target)', { FunctionVersion: '7', RoutingConfig: { AdditionalVersionWeights: { '8': 0.5 } } }],
  ])('PreconditionFailed and someone set %s: a revision Glidepath did not receive is not its own, left alone', async (_, set) => {
    mocks.lambda.on(UpdateAliasCommand).rejects(awsError('PreconditionFailedException', 'no match', 412));
    mocks.lambda.on(GetAliasCommand).resolves({ ...set, RevisionId: 'rev-theirs' });
    const result = await handler(alarm);
    expect(result).toMatchObject({ rolledBack: false, weight: 10, reason: expect.stringMatching(/^CONCURRENT_MODIFICATION: .*since revision rev-2/) });
    expect(mocks.lambda).toHaveReceivedCommandTimes(UpdateAliasCommand, 1);
  });

  it('throttled → THROTTLED (retried); alias gone → INVALID_LAMBDA_FUNCTION', async () => {
    mocks.lambda.on(UpdateAliasCommand).rejectsOnce(awsError('TooManyRequestsException', 'Rate exceeded', 429)).rejectsOnce(awsError('ResourceNotFoundException', 'gone', 404));
    await expect(handler(alarm)).rejects.toMatchObject({ name: 'THROTTLED' });
    await expect(handler(alarm)).rejects.toMatchObject({ name: 'INVALID_LAMBDA_FUNCTION' });
    expect(mocks.ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('nothing shifted yet (a hook failed first): the alias is still set on current, with no new weight point', async () => {
    arrange(deploymentRecord());
    await expect(handler({ deploymentId: 'gp-test-1', error: { Error: 'HOOK_EXECUTION_FAILURE', Cause: 'hook said Failed' } })).resolves.toEqual({ rolledBack: true, weight: 0 });
    expect(decodeUpdate(mocks.ddb.commandCalls(UpdateCommand)[0]!.args[0].input).append.weights).toBeUndefined();
  });
});
