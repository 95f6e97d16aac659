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
import { isoNow } from '../core/ports/clock.ts';
import { GlidepathError, errorMessage } from '../core/errors.ts';
import type { ControlRequest, WaitRegistration } from '../core/model/machine.ts';
import type { ControlAction, DeploymentRecord } from '../core/model/record.ts';
import type { ControllerPorts } from '../core/ports/index.ts';
import { invalidControlAction, releaseFor, signalGuards, signalWrite, stepWaitKind, type Release, type WaitKind } from '../core/signals.ts';
import { alarmDuringWait, healthPolicy, watchedAlarms } from '../core/health.ts';
import { deploymentEvent, stateChangeOf } from '../core/deployment/records.ts';
import { writeId } from '../core/deployment/write-id.ts';
import { announce } from './announce.ts';
import { requireDeployment } from './records.ts';
import { claimWait, restoreWait, storeWait, writeSignal } from './signal-store.ts';
import type { DeploymentStore } from '../core/ports/deployment-store.ts';

export type ControlPorts = Pick<ControllerPorts, 'tokens' | 'events' | 'alarms' | 'clock' | 'log'> & { store: Pick<DeploymentStore, 'get' | 'update'> };
/** Releasing a wait needs neither alarm reads (only registering one does) nor the bus. */
export type ReleasePorts = Omit<ControlPorts, 'alarms' | 'events'>;

export interface ControlResult {
  deploymentId: string;
  status: DeploymentRecord['status'];
  action?: ControlAction;
  /** What the waiting step was told, when this call released one (`fail`: an error other than an abort). */
  released?: 'next' | 'promoteFull' | 'resume' | 'recheck' | 'abort' | 'fail';
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
async function release(ports: ReleasePorts, record: DeploymentRecord, how: Release): Promise<DeploymentRecord | undefined> {
  const { store } = ports;
  const wait = record.waitToken!;
  const at = isoNow(ports.clock);
  const hold = wait.kind === 'hold';
  const what = releasedAs(how);
  const by = writeId();
  const event =
    // A timed wait woken for a recheck is the step's own business (the operator's action is recorded already).
    what === 'recheck'
      ? undefined
      : deploymentEvent(
          'Released',
          `${wait.kind} at step ${wait.stepIndex} released: ${what}${what === 'fail' && how.type === 'failure' ? ` (${how.error}: ${how.cause})` : ''}`,
          { stepIndex: wait.stepIndex, released: what },
          at,
        );
  const claimed = (await claimWait(store, record.id, {
    token: wait.token,
    consume: how.consume,
    ...(hold && how.type === 'success' ? { status: 'InProgress' as const } : {}),
    ...(event ? { event } : {}),
    at,
    by,
  })) ?? (await ownClaim(store, record.id, by));
  if (!claimed) return undefined;
  try {
    if (how.type === 'success') await ports.tokens.succeed(wait.token, how.output);
    else await ports.tokens.fail(wait.token, how.error, how.cause);
  } catch (error) {
    // Not delivered: put the token back so the next action (or a retry) can release it.
    await restoreWait(store, record.id, wait, isoNow(ports.clock), hold ? 'Paused' : undefined);
    throw error;
  }
  return claimed;
}

/**
 * After a claim that seemed to fail: the claim was made and only its answer was lost (the retry met
 * its own guard) when the token is gone and the record's last write is this claim.
 */
async function ownClaim(store: ReleasePorts['store'], id: string, by: string): Promise<DeploymentRecord | undefined> {
  const now = await store.get(id);
  return now && !now.waitToken && now.lastWrite === by ? now : undefined;
}

export async function controlAction(input: ControlRequest, ports: Omit<ControlPorts, 'alarms'>): Promise<ControlResult> {
  const { store } = ports;
  const record = await requireDeployment(store, input.deploymentId);
  const invalid = invalidControlAction(record, input.action);
  if (invalid) throw new GlidepathError('INVALID_CONTROL_ACTION', invalid, { field: 'action', details: { status: record.status } });

  const at = isoNow(ports.clock);
  const write = signalWrite(input.action);
  // The write is guarded on the record as read; a wait registered meanwhile is no reason to refuse
  // (read again and write again), another approve that came first is.
  let seen = record;
  let written: DeploymentRecord | undefined;
  const by = writeId();
  for (let attempt = 0; attempt < 3 && !written; attempt += 1) {
    written = await writeSignal(store, seen.id, {
      ...write,
      at,
      by,
      event: deploymentEvent('ControlAction', `operator: ${input.action}`, { action: input.action }, at),
      when: signalGuards(seen, input.action),
    });
    if (written) break;
    const now = await requireDeployment(store, input.deploymentId);
    // The write was made and only its answer was lost (the retry then met its own guard): it is ours.
    if (now.signals?.[write.set] === at && now.lastWrite === by) {
      written = now;
      break;
    }
    const raced = now.status === 'Created' || now.status === 'InProgress' || now.status === 'Paused';
    const invalidNow = invalidControlAction(now, input.action);
    const first = input.action === 'approve' && typeof now.signals?.approve === 'string';
    if (invalidNow || !raced || first || attempt === 2) {
      const why = invalidNow ?? (raced ? `deployment ${now.id} changed while ${input.action} was written (another ${input.action} came first); nothing was changed` : `deployment ${now.id} is not active`);
      throw new GlidepathError('INVALID_CONTROL_ACTION', why, { field: 'action' });
    }
    seen = now;
  }
  if (!written) throw new GlidepathError('INVALID_CONTROL_ACTION', `deployment ${record.id} kept changing while ${input.action} was written; nothing was changed`, { field: 'action' });

  const result: ControlResult = { deploymentId: written.id, status: written.status, action: input.action };
  if (!written.waitToken) return result;
  const how = releaseFor(written.waitToken.kind, written.signals, input.action);
  if (!how) return result;
  const after = await release(ports, written, how);
  if (!after) return result;
  if (written.waitToken.kind === 'hold' && after.status !== written.status) await announce(ports, stateChangeOf(after, isoNow(ports.clock)));
  return { ...result, status: after.status, released: releasedAs(how) };
}

function waitMessage(kind: WaitKind, stepIndex: number): string | undefined {
  switch (kind) {
    case 'hold':
      return `paused at step ${stepIndex}: waiting for resume, promote or abort`;
    case 'approval':
      return `step ${stepIndex}: waiting for approval`;
    case 'pause':
      return `step ${stepIndex}: paused until resumed`;
    default:
      // A timed or window wait is the step's own (its start is already recorded): no event of its own.
      return undefined;
  }
}

/** A watched alarm in ALARM right now, read once the token is stored (so an alarm event either finds the token or this read sees the alarm). */
async function firingAlarm(ports: ControlPorts, record: DeploymentRecord): Promise<{ name: string; reason?: string } | undefined> {
  const names = watchedAlarms(record.request);
  if (names.length === 0) return undefined;
  try {
    const reading = await ports.alarms.read(names);
    return reading.alarms.find((alarm) => alarm.state === 'ALARM');
  } catch (error) {
    // The wait's other wakers (alarm events, the watcher) still watch; a failed read does not fail the wait.
    ports.log.warn('alarms could not be read when the wait began', { deploymentId: record.id, error: errorMessage(error) });
    return undefined;
  }
}

export async function registerWait(input: WaitRegistration, ports: ControlPorts): Promise<ControlResult> {
  const { store } = ports;
  const record = await requireDeployment(store, input.deploymentId);
  const { taskToken, kind, stepIndex } = input.wait;
  const hold = kind === 'hold';
  const waitKind: WaitKind = kind === 'step' ? stepWaitKind(record, stepIndex) : kind;
  const at = isoNow(ports.clock);
  const message = waitMessage(waitKind, stepIndex);
  const startsStep = (waitKind === 'approval' || waitKind === 'pause') && record.stepIndex !== stepIndex;
  const stored = await storeWait(store, record.id, {
    waitToken: { token: taskToken, stepIndex, kind: waitKind },
    ...(startsStep ? { stepStartedAt: at } : {}),
    ...(hold ? { status: 'Paused' as const } : {}),
    ...(message ? { event: deploymentEvent(hold ? 'Paused' : 'Waiting', message, { stepIndex, wait: waitKind }, at) } : {}),
    at,
  });
  if (!stored) {
    throw new GlidepathError('INVALID_CONTROL_ACTION', `deployment ${record.id} is not active (${record.status}); nothing can wait on it`);
  }

  const how = releaseFor(waitKind, stored.signals);
  if (how) {
    const after = await release(ports, stored, how);
    if (after) return { deploymentId: stored.id, status: after.status, registered: true, released: releasedAs(how) };
  }
  const firing = healthPolicy(stored.request).enabled ? await firingAlarm(ports, stored) : undefined;
  if (firing) {
    const cause = alarmDuringWait(firing, { kind: waitKind, stepIndex });
    const after = await release(ports, stored, { type: 'failure', error: 'ALARM_ACTIVE', cause, consume: [] });
    if (after) return { deploymentId: stored.id, status: after.status, registered: true, released: 'fail' };
  }
  if (hold) await announce(ports, stateChangeOf(stored, isoNow(ports.clock)));
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
  failure: { error: 'ALARM_ACTIVE' | 'ANALYSIS_FAILED'; cause: string },
  ports: ReleasePorts,
): Promise<ControlResult> {
  const result: ControlResult = { deploymentId: record.id, status: record.status };
  if (!record.waitToken) return result;
  const after = await release(ports, record, { type: 'failure', ...failure, consume: [] });
  return after ? { ...result, status: after.status, released: 'fail' } : result;
}

/**
 * Ends a timed wait early so that its health check runs now (the analysis has news the step
 * should act on: an analysis step passed, an extended bake became conclusive).
 */
export async function recheckWaitingStep(record: DeploymentRecord, ports: ReleasePorts): Promise<ControlResult> {
  const result: ControlResult = { deploymentId: record.id, status: record.status };
  if (record.waitToken?.kind !== 'timed') return result;
  const after = await release(ports, record, { type: 'success', output: { decision: 'recheck' }, consume: [] });
  return after ? { ...result, status: after.status, released: 'recheck' } : result;
}

export function isWaitRegistration(input: WaitRegistration | ControlRequest): input is WaitRegistration {
  return 'wait' in input && input.wait !== undefined;
}

export async function control(input: WaitRegistration | ControlRequest, ports: ControlPorts): Promise<ControlResult> {
  return isWaitRegistration(input) ? registerWait(input, ports) : controlAction(input, ports);
}
