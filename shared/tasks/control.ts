/**
 * Control, two entry points on one record (and `failWaitingStep`, reconcile's):
 * - an operator action (CLI → control): validated for the deployment's state, written to
 *   `record.signals`, and if a step is waiting on a task token that the action releases, the
 *   token is answered (SendTaskSuccess with a SignalResult, or SendTaskFailure MANUAL_STOP);
 * - a wait registration (state machine → control, `.waitForTaskToken`): the token is stored, and
 *   if a releasing signal is already there it is answered at once.
 * Both sides write conditionally to the same item, so whichever comes second sees the first:
 * no release is lost, and a claim (removing the token) makes sure only one side answers it.
 */
import { nowIso } from '../core/clock.ts';
import { GlidepathError } from '../core/errors.ts';
import type { ControlRequest, WaitRegistration } from '../core/model/machine.ts';
import type { ControlAction, DeploymentRecord } from '../core/model/record.ts';
import type { Clients } from '../aws/clients.ts';
import { requireDeployment, type Store } from '../aws/deployment-store.ts';
import { sendTaskFailure, sendTaskSuccess } from '../aws/task-tokens.ts';
import { invalidControlAction, releaseFor, signalWrite, stepWaitKind, type Release } from '../core/signals.ts';
import { announce, stateChangeOf } from './announce.ts';
import { deploymentEvent } from '../core/deployment/records.ts';
import { claimWait, restoreWait, storeWait, writeSignal } from './signal-store.ts';
import { silentNotes, storeOf, type HandlerEnv, type Notes } from './env.ts';

export interface ControlResult {
  deploymentId: string;
  status: DeploymentRecord['status'];
  action?: ControlAction;
  /** What the waiting step was told, when this call released one (`fail`: an error other than an abort). */
  released?: 'next' | 'promoteFull' | 'resume' | 'abort' | 'fail';
  /** A wait registration: the token was stored (and maybe answered at once). */
  registered?: boolean;
}

function releasedAs(release: Release): NonNullable<ControlResult['released']> {
  if (release.type === 'success') return release.output.decision;
  return release.error === 'MANUAL_STOP' ? 'abort' : 'fail';
}

/**
 * Claims the record's wait and answers its token. Returns the record after the claim, or
 * undefined when another caller claimed it first.
 */
async function release(store: Store, clients: Clients, record: DeploymentRecord, how: Release): Promise<DeploymentRecord | undefined> {
  const wait = record.waitToken!;
  const hold = wait.kind === 'hold';
  const what = releasedAs(how);
  const claimed = await claimWait(store, record.id, {
    token: wait.token,
    consume: how.consume,
    ...(hold && how.type === 'success' ? { status: 'InProgress' as const } : {}),
    event: deploymentEvent(
      'Released',
      `${wait.kind} at step ${wait.stepIndex} released: ${what}${what === 'fail' && how.type === 'failure' ? ` (${how.error}: ${how.cause})` : ''}`,
      { stepIndex: wait.stepIndex, released: what },
    ),
  });
  if (!claimed) return undefined;
  try {
    if (how.type === 'success') await sendTaskSuccess(clients.sfn, wait.token, how.output);
    else await sendTaskFailure(clients.sfn, wait.token, how.error, how.cause);
  } catch (error) {
    // Not delivered: put the token back so the next action (or a retry) can release it.
    await restoreWait(store, record.id, wait, hold ? 'Paused' : undefined);
    throw error;
  }
  return claimed;
}

export async function controlAction(input: ControlRequest, clients: Clients, env: HandlerEnv, notes: Notes = silentNotes): Promise<ControlResult> {
  const store = storeOf(clients, env);
  const record = await requireDeployment(store, input.deploymentId);
  const invalid = invalidControlAction(record, input.action);
  if (invalid) throw new GlidepathError('INVALID_CONTROL_ACTION', invalid, { field: 'action', details: { status: record.status } });

  const at = nowIso();
  const write = signalWrite(input.action);
  const written = await writeSignal(store, record.id, {
    ...write,
    at,
    event: deploymentEvent('ControlAction', `operator: ${input.action}`, { action: input.action }, at),
  });
  if (!written) {
    const now = await requireDeployment(store, input.deploymentId);
    throw new GlidepathError('INVALID_CONTROL_ACTION', invalidControlAction(now, input.action) ?? `deployment ${now.id} is not active`, { field: 'action' });
  }

  const result: ControlResult = { deploymentId: written.id, status: written.status, action: input.action };
  if (!written.waitToken) return result;
  const how = releaseFor(written.waitToken.kind, written.signals, input.action);
  if (!how) return result;
  const after = await release(store, clients, written, how);
  if (!after) return result;
  if (written.waitToken.kind === 'hold' && after.status !== written.status) await announce(clients, env, notes, stateChangeOf(after));
  return { ...result, status: after.status, released: releasedAs(how) };
}

export async function registerWait(input: WaitRegistration, clients: Clients, env: HandlerEnv, notes: Notes = silentNotes): Promise<ControlResult> {
  const store = storeOf(clients, env);
  const record = await requireDeployment(store, input.deploymentId);
  const { taskToken, kind, stepIndex } = input.wait;
  const hold = kind === 'hold';
  const waitKind = hold ? 'hold' : stepWaitKind(record, stepIndex);
  const at = nowIso();
  const message = hold ? `paused at step ${stepIndex}: waiting for resume, promote or abort` : waitKind === 'approval' ? `step ${stepIndex}: waiting for approval` : `step ${stepIndex}: paused until resumed`;
  const stored = await storeWait(store, record.id, {
    waitToken: { token: taskToken, stepIndex, kind: waitKind },
    ...(!hold && record.stepIndex !== stepIndex ? { stepStartedAt: at } : {}),
    ...(hold ? { status: 'Paused' as const } : {}),
    event: deploymentEvent(hold ? 'Paused' : 'Waiting', message, { stepIndex, wait: waitKind }, at),
  });
  if (!stored) {
    throw new GlidepathError('INVALID_CONTROL_ACTION', `deployment ${record.id} is not active (${record.status}); nothing can wait on it`);
  }

  const how = releaseFor(waitKind, stored.signals);
  if (how) {
    const after = await release(store, clients, stored, how);
    if (after) return { deploymentId: stored.id, status: after.status, registered: true, released: releasedAs(how) };
  }
  if (hold) await announce(clients, env, notes, stateChangeOf(stored));
  return { deploymentId: stored.id, status: stored.status, registered: true };
}

/**
 * An internal release, not an operator's: fails the step waiting on `record`'s token (approval,
 * pause step or hold) with `failure`, so the state machine's Catch rolls back. Reconcile calls it
 * when a watched alarm fires while the deployment waits and no health check runs. The same claim
 * as an operator's release: only one caller answers a token; `released` is absent when no step
 * waits on the record's token any more.
 */
export async function failWaitingStep(
  record: DeploymentRecord,
  failure: { error: 'ALARM_ACTIVE'; cause: string },
  clients: Clients,
  env: HandlerEnv,
): Promise<ControlResult> {
  const result: ControlResult = { deploymentId: record.id, status: record.status };
  if (!record.waitToken) return result;
  const after = await release(storeOf(clients, env), clients, record, { type: 'failure', ...failure, consume: [] });
  return after ? { ...result, status: after.status, released: 'fail' } : result;
}

export function isWaitRegistration(input: WaitRegistration | ControlRequest): input is WaitRegistration {
  return 'wait' in input && input.wait !== undefined;
}

export async function control(input: WaitRegistration | ControlRequest, clients: Clients, env: HandlerEnv, notes: Notes = silentNotes): Promise<ControlResult> {
  return isWaitRegistration(input) ? registerWait(input, clients, env, notes) : controlAction(input, clients, env, notes);
}
