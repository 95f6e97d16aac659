/**
 * SetWeight and Promote (DESIGN §5): move the alias (UpdateAlias with the recorded RevisionId),
 * record the new weight and revision in ONE UpdateItem, and decide health from the record after
 * it and ONE alarm read. The alarms are read before the alias moves: traffic is never raised on
 * a target that is alarming (after an approval or a pause step, no bake check came right before
 * the shift); the deployment fails instead and the state machine rolls back.
 *
 * Idempotent: a step the record already shows as done is not redone; an UpdateAlias whose answer
 * was lost is recognised (the alias already looks as wanted) and its revision adopted.
 * After Promote the state machine does not branch on health, so a failing check throws instead.
 */
import { now, nowIso } from '../clock.ts';
import { DeploymentNotFoundError, GlidepathError } from '../errors.ts';
import type { HealthResult, ShiftInput, ShiftTarget } from '../model/machine.ts';
import type { DeploymentRecord } from '../model/record.ts';
import { describeAliasRouting } from '../aws/lambda-alias.ts';
import type { Clients } from '../aws/clients.ts';
import { allOf, RECORD_EXISTS, requireDeployment, updateDeployment, updateDeploymentOnly, type Store } from '../aws/deployment-store.ts';
import type { Condition, RecordUpdate } from '../aws/update-expression.ts';
import { alarmFailure, decideHealth, DECISION_SIGNALS, healthPolicy, type AlarmObservation, type HealthPolicy } from '../health.ts';
import { isErrorCode } from './caught-error.ts';
import { observeAlarms } from './observe-alarms.ts';
import { deploymentEvent } from './records.ts';
import { aliasRef, moveAlias, routingFor } from './routing.ts';
import { consumeSignal, unsignalled } from './signal-store.ts';
import { silentNotes, storeOf, type HandlerEnv, type Notes } from './env.ts';
import { holdForWindow } from './window-gate.ts';
import { announce, stateChangeOf } from './announce.ts';
import { asksForSteps } from '../core/notifications/targets.ts';

export const SHIFTED = 'WeightShifted';
export const PROMOTED = 'Promoted';

function stepWeight(input: ShiftInput): number {
  if (input.promote) return 100;
  const weight = (input.cursor.step as { setWeight?: unknown } | undefined)?.setWeight;
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new GlidepathError('INVALID_DEPLOYMENT_CONFIG', `step ${input.cursor.index}: shift needs a setWeight from 0 to 100, got ${JSON.stringify(input.cursor.step)}`);
  }
  return weight;
}

function alreadyDone(record: DeploymentRecord, input: ShiftInput, weight: number): boolean {
  if (input.promote) return record.events.some((e) => e.type === PROMOTED);
  return (
    record.weight === weight &&
    record.stepIndex === input.cursor.index &&
    record.events.some((e) => e.type === SHIFTED && e.stepIndex === input.cursor.index)
  );
}

async function recordShift(store: Store, record: DeploymentRecord, input: ShiftInput, weight: number, revisionId: string): Promise<DeploymentRecord> {
  const at = nowIso();
  const message = input.promote
    ? `promoted: version ${record.targetVersion} takes all traffic`
    : `step ${input.cursor.index}: ${weight}% on version ${record.targetVersion}`;
  const updated = await updateDeployment(store, record.id, {
    set: {
      weight,
      revisionId,
      updatedAt: at,
      ...(input.promote ? {} : { stepIndex: input.cursor.index, stepStartedAt: at }),
    },
    append: {
      ...(weight === record.weight ? {} : { weights: [{ at, weight }] }),
      events: [deploymentEvent(input.promote ? PROMOTED : SHIFTED, message, { stepIndex: input.cursor.index, weight }, at)],
    },
  });
  if (!updated) throw new DeploymentNotFoundError(record.id);
  return updated;
}

/** The failure that forbids moving the alias up, from the alarms alone (undefined: move). */
function alarmVeto(alarms: AlarmObservation, policy: HealthPolicy): HealthResult | undefined {
  const failure = alarmFailure(alarms, policy);
  if (!failure) return undefined;
  return { ...failure, ...(alarms.status === 'read' ? { alarms: alarms.alarms.map(({ name, state }) => ({ name, state })) } : {}) };
}

/**
 * A setWeight with what the state machine carries (target, RevisionId): UpdateAlias, one
 * UpdateItem recording it and one alarm read — three AWS calls (DESIGN §9).
 *
 * The UpdateItem returns nothing when no signal the decision acts on is set (its condition says
 * so): the weight, the step start and the revision are this handler's own, so the record after
 * the update is known without carrying it back. When the condition fails (an operator signal is
 * set, or a retry after a lost answer finds the step recorded) the update is made, or found made,
 * returning the record (ALL_NEW), and the decision reads its signals.
 */
async function shiftCarried(input: ShiftInput & { target: ShiftTarget; revisionId: string }, clients: Clients, env: HandlerEnv, notes: Notes): Promise<HealthResult> {
  const store = storeOf(clients, env);
  const { target } = input;
  const weight = stepWeight(input);
  const policy = healthPolicy(target);
  const alarms = await observeAlarms(clients.cloudwatch, target.alarms, policy);
  const vetoed = alarmVeto(alarms, policy);
  if (vetoed) return { ...vetoed, revisionId: input.revisionId };
  const moved = await moveAlias(clients.lambda, aliasRef(target), routingFor(target, weight), input.revisionId);
  if (moved.adopted) {
    notes.warn('alias already moved (an earlier answer was lost); adopting its revision', {
      deploymentId: input.deploymentId,
      alias: describeAliasRouting(moved.state),
    });
  }
  const at = nowIso();
  const step: RecordUpdate = {
    set: { weight, revisionId: moved.state.revisionId, updatedAt: at, stepIndex: input.cursor.index, stepStartedAt: at },
    append: {
      weights: [{ at, weight }],
      events: [deploymentEvent(SHIFTED, `step ${input.cursor.index}: ${weight}% on version ${target.targetVersion}`, { stepIndex: input.cursor.index, weight }, at)],
    },
  };
  // A retry after a lost UpdateItem answer finds the step recorded: the record is read instead of recorded twice.
  const notRecorded: Condition = { expression: '#si <> :index', names: { '#si': 'stepIndex' }, values: { ':index': input.cursor.index } };
  if (await updateDeploymentOnly(store, input.deploymentId, { ...step, condition: allOf(RECORD_EXISTS, notRecorded, unsignalled(DECISION_SIGNALS)) })) {
    if (target.announceSteps) await announceStep(clients, env, notes, { deploymentId: input.deploymentId, ...target, weight, stepIndex: input.cursor.index, at });
    const { result } = decideHealth({ cursor: input.cursor, record: { weight, stepStartedAt: at, signals: {} }, alarms, policy, now: now() });
    return { ...result, revisionId: moved.state.revisionId };
  }
  const recorded = await updateDeployment(store, input.deploymentId, { ...step, condition: notRecorded });
  if (recorded && target.announceSteps) await announceStep(clients, env, notes, { deploymentId: input.deploymentId, ...target, weight, stepIndex: input.cursor.index, at });
  const current = recorded ?? (await requireDeployment(store, input.deploymentId));
  const { result, consumed } = decideHealth({ cursor: input.cursor, record: current, alarms, policy, now: now() });
  if (consumed === 'promoteFull' && result.decision === 'promoteFull') await consumeSignal(store, current, 'promoteFull');
  return { ...result, revisionId: current.revisionId };
}

/** A `step` state change, for notifications (shared/core/notifications/events.ts); best effort, as every announcement. */
function announceStep(
  clients: Clients,
  env: HandlerEnv,
  notes: Notes,
  step: { deploymentId: string; functionName: string; alias: string; currentVersion: string; targetVersion: string; weight: number; stepIndex: number; at: string },
): Promise<boolean> {
  const { deploymentId, functionName, alias, currentVersion, targetVersion, weight, stepIndex, at } = step;
  return announce(clients, env, notes, { deploymentId, status: 'InProgress', functionName, alias, currentVersion, targetVersion, weight, at, change: 'step', stepIndex });
}

export async function shift(input: ShiftInput, clients: Clients, env: HandlerEnv, notes: Notes = silentNotes): Promise<HealthResult> {
  // Windows need the record's weight and events to gate on; promotion records its own event.
  if (input.target && input.revisionId && !input.promote && !input.target.windows) {
    return shiftCarried({ ...input, target: input.target, revisionId: input.revisionId }, clients, env, notes);
  }
  const store = storeOf(clients, env);
  const record = await requireDeployment(store, input.deploymentId);
  const weight = stepWeight(input);
  const policy = healthPolicy(record.request);
  // One DescribeAlarms batch, read before the alias moves (and while the window gate reads).
  const alarmsRead = observeAlarms(clients.cloudwatch, record.request.alarms, policy);
  // Outside the request's windows a shift that raises traffic waits (issue 7, DESIGN §6.4).
  const held = await holdForWindow(store, { input, record, weight, alarms: alarmsRead, policy, now: now() });
  if (held) return { ...held, revisionId: record.revisionId };

  let current = record;
  if (!alreadyDone(record, input, weight)) {
    const vetoed = alarmVeto(await alarmsRead, policy);
    if (vetoed && input.promote) throw new GlidepathError(isErrorCode(vetoed.code) ? vetoed.code : 'INTERNAL_ERROR', vetoed.message ?? 'alarms');
    if (vetoed) return { ...vetoed, weight: record.weight, revisionId: record.revisionId };
    const desired = routingFor(record, weight);
    const moved = await moveAlias(clients.lambda, aliasRef(record), desired, record.revisionId);
    if (moved.adopted) {
      notes.warn('alias already moved (an earlier answer was lost); adopting its revision', {
        deploymentId: record.id,
        alias: describeAliasRouting(moved.state),
      });
    }
    current = await recordShift(store, record, input, weight, moved.state.revisionId);
    if (!input.promote && asksForSteps(record.request.notifications)) {
      await announce(clients, env, notes, stateChangeOf(current, { change: 'step', stepIndex: input.cursor.index, stepCount: current.plan.steps.length }));
    }
  }

  const { result, consumed } = decideHealth({ cursor: input.cursor, record: current, alarms: await alarmsRead, policy, now: now() });
  if (input.promote) {
    if (result.decision === 'fail') {
      const code = isErrorCode(result.code) ? result.code : 'INTERNAL_ERROR';
      throw new GlidepathError(code, result.message ?? code);
    }
    return { ...result, decision: 'next', weight: current.weight, revisionId: current.revisionId };
  }
  // A promote-full is acted on here (the machine goes to Promote): clear it. A plain promote is
  // left for the step after this one: a shift is done as soon as it is made.
  // (If clearing fails the Task is retried: the shift is then found done and the clear redone.)
  if (consumed === 'promoteFull' && result.decision === 'promoteFull') await consumeSignal(store, current, 'promoteFull');
  return { ...result, revisionId: current.revisionId };
}
