import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createHandler } from '../../../functions/control/index.ts';
import type { DeploymentRecord } from '../../../shared/core/model/record.ts';
import type { DeploymentRequest } from '../../../shared/core/model/request.ts';
import { inLambda, applyUpdate, awsError, baseRequest, clock, decodeUpdate, deploymentRecord, handlerOptions, mockedClients, T0 } from './harness.ts';

let { clients, mocks } = mockedClients();
let handler = inLambda(createHandler(handlerOptions(clients)));
/** The record as the (sequential, condition-free) fake table holds it. */
let state: DeploymentRecord;

const stepsRequest: DeploymentRequest = {
  ...baseRequest,
  strategy: { steps: [{ setWeight: 10 }, { bake: '5m' }, { approval: {} }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }] },
};

function arrange(record: DeploymentRecord) {
  state = record;
  mocks.ddb.on(GetCommand).callsFake(() => ({ Item: state }));
  mocks.ddb.on(UpdateCommand).callsFake((input) => {
    state = applyUpdate(state, input);
    return { Attributes: state };
  });
  mocks.sfn.on(SendTaskSuccessCommand).resolves({});
  mocks.sfn.on(SendTaskFailureCommand).resolves({});
  mocks.events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
}

const updates = () => mocks.ddb.commandCalls(UpdateCommand).map((c) => decodeUpdate(c.args[0].input));
const successOutput = (i = 0) => JSON.parse(mocks.sfn.commandCalls(SendTaskSuccessCommand)[i]!.args[0].input.output!);

beforeEach(() => {
  ({ clients, mocks } = mockedClients());
  handler = inLambda(createHandler(handlerOptions(clients)));
  clock.set(T0 + 200_000);
  arrange(deploymentRecord({ weight: 10, stepIndex: 1 }, stepsRequest));
});

describe('Handler: control — operator actions', () => {
  it('abort with nothing waiting: writes the signal while the deployment is active, releases nothing', async () => {
    await expect(handler({ deploymentId: 'gp-test-1', action: 'abort' })).resolves.toEqual({ deploymentId: 'gp-test-1', status: 'InProgress', action: 'abort' });
    const [write] = updates();
    expect(write!.set).toEqual({ 'signals.abort': clock.iso(), updatedAt: clock.iso(), lastWrite: expect.any(String) });
    expect(write!.append.events).toEqual([expect.objectContaining({ type: 'ControlAction', action: 'abort' })]);
    // Active and not rolling back: once Rollback has run, an abort can change nothing and is refused.
    expect(write!.condition).toBe('attribute_exists(pk) AND status IN ("Created", "InProgress", "Paused") AND attribute_not_exists(rollingBackAt)');
    expect(mocks.sfn).not.toHaveReceivedAnyCommand();
  });

  it('approve is written only if no approve is pending and the wait is the one it was judged on', async () => {
    arrange(deploymentRecord({ weight: 10, stepIndex: 2, waitToken: { token: 'tok-approval', stepIndex: 2, kind: 'approval' } }, stepsRequest));
    await handler({ deploymentId: 'gp-test-1', action: 'approve' });
    const [write] = updates();
    expect(write!.condition).toBe('attribute_exists(pk) AND status IN ("Created", "InProgress", "Paused") AND attribute_not_exists(rollingBackAt) AND attribute_not_exists(signals.approve) AND waitToken.token = "tok-approval"');
    ({ clients, mocks } = mockedClients());
    handler = inLambda(createHandler(handlerOptions(clients)));
    arrange(deploymentRecord({ weight: 10, stepIndex: 1 }, stepsRequest));
    await handler({ deploymentId: 'gp-test-1', action: 'approve' });
    expect(updates()[0]!.condition).toBe('attribute_exists(pk) AND status IN ("Created", "InProgress", "Paused") AND attribute_not_exists(rollingBackAt) AND attribute_not_exists(signals.approve) AND attribute_not_exists(waitToken)');
  });

  it('approve releases a waiting approval through its token (claim first, then SendTaskSuccess)', async () => {
    arrange(deploymentRecord({ weight: 10, stepIndex: 2, waitToken: { token: 'tok-approval', stepIndex: 2, kind: 'approval' } }, stepsRequest));
    await expect(handler({ deploymentId: 'gp-test-1', action: 'approve' })).resolves.toMatchObject({ released: 'next', status: 'InProgress' });
    const [, claim] = updates();
    expect(claim!.remove).toEqual(['waitToken', 'signals.approve']);
    expect(claim!.condition).toContain('waitToken.token = "tok-approval"');
    expect(mocks.sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, { taskToken: 'tok-approval' });
    expect(successOutput()).toEqual({ decision: 'next', action: 'approve' });
    expect(state.waitToken).toBeUndefined();
    expect(state.signals.approve).toBeUndefined();
  });

  it('abort fails a waiting step with MANUAL_STOP', async () => {
    arrange(deploymentRecord({ stepIndex: 2, waitToken: { token: 'tok', stepIndex: 2, kind: 'approval' } }, stepsRequest));
    await expect(handler({ deploymentId: 'gp-test-1', action: 'abort' })).resolves.toMatchObject({ released: 'abort' });
    expect(mocks.sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, { taskToken: 'tok', error: 'MANUAL_STOP', cause: `stopped by an operator (abort at ${clock.iso()})` });
  });

  it('resume releases a hold back to the health check (status InProgress, event published)', async () => {
    arrange(deploymentRecord({ status: 'Paused', stepIndex: 1, signals: { pause: 'T-p' }, waitToken: { token: 'tok-hold', stepIndex: 1, kind: 'hold' } }, stepsRequest));
    await expect(handler({ deploymentId: 'gp-test-1', action: 'resume' })).resolves.toMatchObject({ released: 'resume', status: 'InProgress' });
    expect(updates()[0]).toMatchObject({ set: { 'signals.resume': clock.iso() }, remove: ['signals.pause'] });
    expect(successOutput()).toEqual({ decision: 'resume', action: 'resume' });
    expect(state.status).toBe('InProgress');
    expect(JSON.parse(mocks.events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.Detail!)).toMatchObject({ status: 'InProgress' });
  });

  it('promote-full releases a hold to Promote and clears the pause', async () => {
    arrange(deploymentRecord({ status: 'Paused', signals: { pause: 'T-p' }, waitToken: { token: 'tok-hold', stepIndex: 1, kind: 'hold' } }, stepsRequest));
    await expect(handler({ deploymentId: 'gp-test-1', action: 'promote-full' })).resolves.toMatchObject({ released: 'promoteFull' });
    expect(updates()[1]!.remove).toEqual(['waitToken', 'signals.promoteFull', 'signals.pause']);
    expect(successOutput()).toEqual({ decision: 'promoteFull', action: 'promote-full' });
  });

  it('an action that does not fit the state is INVALID_CONTROL_ACTION and writes nothing', async () => {
    await expect(handler({ deploymentId: 'gp-test-1', action: 'resume' })).rejects.toMatchObject({
      name: 'INVALID_CONTROL_ACTION',
      message: 'deployment gp-test-1 is neither paused nor waiting; nothing to resume',
    });
    arrange(deploymentRecord({ status: 'Succeeded' }, stepsRequest));
    await expect(handler({ deploymentId: 'gp-test-1', action: 'abort' })).rejects.toMatchObject({ name: 'INVALID_CONTROL_ACTION' });
    arrange(deploymentRecord({ stepIndex: 3 }, stepsRequest));
    await expect(handler({ deploymentId: 'gp-test-1', action: 'approve' })).rejects.toMatchObject({ name: 'INVALID_CONTROL_ACTION' });
    expect(mocks.ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('a deployment that ended between the read and the write: INVALID_CONTROL_ACTION', async () => {
    mocks.ddb.on(GetCommand).resolvesOnce({ Item: state }).resolves({ Item: { ...state, status: 'Failed' } });
    mocks.ddb.on(UpdateCommand).rejects(awsError('ConditionalCheckFailedException'));
    await expect(handler({ deploymentId: 'gp-test-1', action: 'promote' })).rejects.toMatchObject({ name: 'INVALID_CONTROL_ACTION', message: expect.stringContaining('has ended (Failed)') });
  });

  it('an approve whose write was made but whose answer was lost (the retry met its own guard) still releases the approval', async () => {
    arrange(deploymentRecord({ stepIndex: 2, waitToken: { token: 'tok', stepIndex: 2, kind: 'approval' } }, stepsRequest));
    mocks.ddb
      .on(UpdateCommand)
      .callsFakeOnce((input) => {
        state = applyUpdate(state, input);
        throw awsError('ConditionalCheckFailedException');
      })
      .callsFake((input) => ({ Attributes: (state = applyUpdate(state, input)) }));
    await expect(handler({ deploymentId: 'gp-test-1', action: 'approve' })).resolves.toMatchObject({ released: 'next' });
    expect(successOutput()).toEqual({ decision: 'next', action: 'approve' });
    expect(state.waitToken).toBeUndefined();
    // The approve was written once: the lost answer's write is known for this call's own.
    const appended = mocks.ddb.commandCalls(UpdateCommand).flatMap((c) => (decodeUpdate(c.args[0].input).append?.events ?? []) as { type: string }[]);
    expect(appended.filter((e) => e.type === 'ControlAction')).toHaveLength(1);
  });

  it('a claim made whose answer was lost (the retry met its own guard) still answers the token', async () => {
    arrange(deploymentRecord({ stepIndex: 2, waitToken: { token: 'tok', stepIndex: 2, kind: 'approval' } }, stepsRequest));
    mocks.ddb
      .on(UpdateCommand)
      .callsFakeOnce((input) => ({ Attributes: (state = applyUpdate(state, input)) }))
      .callsFakeOnce((input) => {
        state = applyUpdate(state, input);
        throw awsError('ConditionalCheckFailedException');
      });
    await expect(handler({ deploymentId: 'gp-test-1', action: 'approve' })).resolves.toMatchObject({ released: 'next' });
    expect(mocks.sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'tok' });
  });

  it('when another caller claimed the wait first, this one does not answer the token', async () => {
    arrange(deploymentRecord({ stepIndex: 2, waitToken: { token: 'tok', stepIndex: 2, kind: 'approval' } }, stepsRequest));
    mocks.ddb
      .on(UpdateCommand)
      .callsFakeOnce((input) => ({ Attributes: (state = applyUpdate(state, input)) }))
      .rejectsOnce(awsError('ConditionalCheckFailedException'));
    await expect(handler({ deploymentId: 'gp-test-1', action: 'approve' })).resolves.not.toHaveProperty('released');
    expect(mocks.sfn).not.toHaveReceivedAnyCommand();
  });

  it('a token answer that fails puts the token back and surfaces THROTTLED (to retry)', async () => {
    arrange(deploymentRecord({ stepIndex: 2, waitToken: { token: 'tok', stepIndex: 2, kind: 'approval' } }, stepsRequest));
    mocks.sfn.on(SendTaskSuccessCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(handler({ deploymentId: 'gp-test-1', action: 'approve' })).rejects.toMatchObject({ name: 'THROTTLED' });
    const restore = updates()[2]!;
    expect(restore.set).toMatchObject({ waitToken: { token: 'tok', stepIndex: 2, kind: 'approval' } });
    expect(restore.condition).toContain('attribute_not_exists(waitToken)');
    expect(state.waitToken?.token).toBe('tok');
  });
});

describe('Handler: control — wait registration', () => {
  const approvalWait = { deploymentId: 'gp-test-1', wait: { taskToken: 'tok-2', kind: 'step', stepIndex: 2 } };

  it('stores the token of an approval step and starts the step', async () => {
    await expect(handler(approvalWait)).resolves.toEqual({ deploymentId: 'gp-test-1', status: 'InProgress', registered: true });
    const [store] = updates();
    expect(store!.set).toEqual({
      waitToken: { token: 'tok-2', stepIndex: 2, kind: 'approval' },
      stepIndex: 2,
      stepStartedAt: clock.iso(),
      updatedAt: clock.iso(),
    });
    expect(store!.append.events).toEqual([expect.objectContaining({ type: 'Waiting', message: 'step 2: waiting for approval' })]);
    expect(mocks.sfn).not.toHaveReceivedAnyCommand();
  });

  it('an approve given before the token was stored releases it at once', async () => {
    arrange(deploymentRecord({ stepIndex: 1, signals: { approve: 'T-early' } }, stepsRequest));
    await expect(handler(approvalWait)).resolves.toMatchObject({ registered: true, released: 'next' });
    expect(successOutput()).toEqual({ decision: 'next', action: 'approve' });
    expect(state.signals.approve).toBeUndefined();
    expect(state.waitToken).toBeUndefined();
  });

  it('a pause step waits for resume (kind pause); an early approve does not end it', async () => {
    arrange(deploymentRecord({ stepIndex: 3, signals: { approve: 'T-early' } }, stepsRequest));
    await expect(handler({ deploymentId: 'gp-test-1', wait: { taskToken: 'tok-4', kind: 'step', stepIndex: 4 } })).resolves.not.toHaveProperty('released');
    expect(state.waitToken).toEqual({ token: 'tok-4', stepIndex: 4, kind: 'pause' });
    await expect(handler({ deploymentId: 'gp-test-1', action: 'resume' })).resolves.toMatchObject({ released: 'next' });
    expect(successOutput()).toEqual({ decision: 'next', action: 'resume' });
  });

  it('a hold marks the deployment Paused and publishes it', async () => {
    arrange(deploymentRecord({ stepIndex: 1, signals: { pause: 'T-p' } }, stepsRequest));
    await expect(handler({ deploymentId: 'gp-test-1', wait: { taskToken: 'tok-h', kind: 'hold', stepIndex: 1 } })).resolves.toEqual({
      deploymentId: 'gp-test-1',
      status: 'Paused',
      registered: true,
    });
    expect(updates()[0]!.set).toMatchObject({ status: 'Paused', waitToken: { token: 'tok-h', stepIndex: 1, kind: 'hold' } });
    expect(updates()[0]!.set).not.toHaveProperty('stepStartedAt');
    expect(JSON.parse(mocks.events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.Detail!)).toMatchObject({ status: 'Paused' });
  });

  it('a hold whose pause was already resumed is released at once', async () => {
    arrange(deploymentRecord({ stepIndex: 1, signals: { resume: 'T-r' } }, stepsRequest));
    await expect(handler({ deploymentId: 'gp-test-1', wait: { taskToken: 'tok-h', kind: 'hold', stepIndex: 1 } })).resolves.toMatchObject({
      released: 'resume',
      status: 'InProgress',
    });
    expect(successOutput()).toEqual({ decision: 'resume', action: 'resume' });
  });

  it('a deployment that is no longer active cannot wait', async () => {
    mocks.ddb.on(UpdateCommand).rejects(awsError('ConditionalCheckFailedException'));
    await expect(handler(approvalWait)).rejects.toMatchObject({ name: 'INVALID_CONTROL_ACTION' });
  });

  it('an input that is neither an action nor a wait is INVALID_REQUEST', async () => {
    await expect(handler({ deploymentId: 'gp-test-1', action: 'explode' })).rejects.toMatchObject({ name: 'INVALID_REQUEST' });
  });
});
