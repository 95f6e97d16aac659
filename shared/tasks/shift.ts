/**
 * SetWeight and Promote: one path. The alarms are read before the alias moves (traffic is never
 * raised on a target that is alarming); the desired routing is a pure decision; the alias moves
 * with one guarded update (shared/tasks/move-alias.ts); the step is recorded with one guarded
 * change; the health decision is made from what is then known. Four AWS calls per setWeight:
 * the alarm read, the abort-wins claim, the alias update, the record change with its history (one
 * TransactWriteItems: the record, the event, the weight point; the record is only read back when
 * an operator signal is set or a retry finds the step recorded). The step is recorded after the
 * alias moved, not with the claim: the record's weight, RevisionId and weight point say what the
 * alias is, never what a refused update meant it to be, and Rollback, Reconcile and Repair move
 * the alias only from the RevisionId the record holds. A request with windows reads the record
 * first: the window gate needs its weight.
 *
 * Idempotent: an alias update whose answer was lost is recognised (the alias already looks as
 * wanted) and its revision adopted; a step the record already shows as done is not recorded twice.
 * After Promote the state machine does not branch on health, so a failing check throws instead.
 */
import { isoNow } from '../core/ports/clock.ts';
import { GlidepathError } from '../core/errors.ts';
import type { HealthResult, ShiftInput } from '../core/model/machine.ts';
import type { ControllerPorts } from '../core/ports/index.ts';
import type { DeploymentStore, Guard, RecordChange } from '../core/ports/deployment-store.ts';
import { alarmFailure, decideHealth, DECISION_SIGNALS, healthPolicy, type AlarmObservation, type HealthPolicy } from '../core/health.ts';
import { isErrorCode } from '../core/deployment/caught-error.ts';
import { deploymentEvent } from '../core/deployment/records.ts';
import { aliasRef, describeAliasRouting, routingFor } from '../core/routing.ts';
import { moveAlias } from './move-alias.ts';
import { observeAlarms } from './observe-alarms.ts';
import { requireDeployment } from './records.ts';
import { consumeSignal } from './signal-store.ts';
import { holdForWindow } from './window-gate.ts';
import { announce } from './announce.ts';

export const SHIFTED = 'WeightShifted';
const PROMOTED = 'Promoted';

export type ShiftPorts = Pick<ControllerPorts, 'aliases' | 'alarms' | 'clock' | 'log' | 'events'> & { store: Pick<DeploymentStore, 'get' | 'update' | 'updateQuietly'> };

function stepWeight(input: ShiftInput): number {
  if (input.promote) return 100;
  const weight = (input.cursor.step as { setWeight?: unknown } | undefined)?.setWeight;
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw new GlidepathError('INVALID_DEPLOYMENT_CONFIG', `step ${input.cursor.index}: shift needs a setWeight from 0 to 100, got ${JSON.stringify(input.cursor.step)}`);
  }
  return weight;
}

/** The failure that forbids moving the alias up, from the alarms alone (undefined: move). */
function alarmVeto(alarms: AlarmObservation, policy: HealthPolicy): HealthResult | undefined {
  const failure = alarmFailure(alarms, policy);
  if (!failure) return undefined;
  return { ...failure, ...(alarms.status === 'read' ? { alarms: alarms.alarms.map(({ name, state }) => ({ name, state })) } : {}) };
}

function failed(result: HealthResult): GlidepathError {
  return new GlidepathError(isErrorCode(result.code) ? result.code : 'INTERNAL_ERROR', result.message ?? result.code ?? 'health check failed');
}

/**
 * Abort wins: the move is claimed with a guarded write before the alias changes. Once an abort is
 * accepted the claim fails and the alias does not move forward; MANUAL_STOP sends the state
 * machine to Rollback. An abort accepted after the claim is seen when the step is recorded.
 */
async function claimForward(ports: ShiftPorts, input: ShiftInput): Promise<void> {
  const claimed = await ports.store.updateQuietly(input.deploymentId, { set: { updatedAt: isoNow(ports.clock) }, when: [{ active: true }, { unsignalled: ['abort'] }] });
  if (claimed) return;
  const record = await requireDeployment(ports.store, input.deploymentId);
  const abort = record.signals?.abort;
  throw new GlidepathError('MANUAL_STOP', abort ? `stopped by an operator (abort at ${abort}) before ${input.promote ? 'the promotion' : `step ${input.cursor.index}`} moved the alias` : `deployment ${record.id} has ended (${record.status}); the alias was not moved`);
}

export async function shift(input: ShiftInput, ports: ShiftPorts): Promise<HealthResult> {
  const weight = stepWeight(input);
  const { target, revisionId } = input;
  if (!target || !revisionId) throw new GlidepathError('INTERNAL_ERROR', 'shift needs the target and the RevisionId the state machine carries');
  const policy = healthPolicy(target);
  const alarmsRead = observeAlarms(ports.alarms, target.alarms, policy);

  if (target.windows && !input.promote) {
    const record = await requireDeployment(ports.store, input.deploymentId);
    const held = await holdForWindow(ports.store, { input, record, weight, alarms: alarmsRead, policy, now: ports.clock.now() });
    if (held) return { ...held, revisionId: record.revisionId };
  }

  const alarms = await alarmsRead;
  const vetoed = alarmVeto(alarms, policy);
  if (vetoed && input.promote) throw failed(vetoed);
  if (vetoed) return { ...vetoed, ...(input.weight === undefined ? {} : { weight: input.weight }), revisionId };

  await claimForward(ports, input);
  const moved = await moveAlias(ports.aliases, aliasRef(target), routingFor(target, weight), revisionId);
  if (moved.adopted) {
    ports.log.warn('alias already moved (an earlier answer was lost); adopting its revision', {
      deploymentId: input.deploymentId,
      alias: describeAliasRouting(moved.state),
    });
  }

  const at = isoNow(ports.clock);
  const message = input.promote
    ? `promoted: version ${target.targetVersion} takes all traffic`
    : `step ${input.cursor.index}: ${weight}% on version ${target.targetVersion}`;
  const step: RecordChange = {
    set: {
      weight,
      revisionId: moved.state.revisionId,
      updatedAt: at,
      ...(input.promote ? { promotedAt: at } : { stepIndex: input.cursor.index, stepStartedAt: at }),
    },
    append: {
      ...(input.weight === weight ? {} : { weights: [{ at, weight }] }),
      events: [deploymentEvent(input.promote ? PROMOTED : SHIFTED, message, { stepIndex: input.cursor.index, weight }, at)],
    },
  };
  // A retry after a lost answer finds the step recorded: the record is read instead of recorded twice.
  const notRecorded: Guard = input.promote ? { absent: 'promotedAt' } : { stepIndexIsNot: input.cursor.index };
  let decision;
  if (await ports.store.updateQuietly(input.deploymentId, { ...step, when: [notRecorded, { unsignalled: DECISION_SIGNALS }] })) {
    decision = decideHealth({ cursor: input.cursor, record: { weight, stepStartedAt: at, signals: {} }, alarms, policy, now: ports.clock.now() });
  } else {
    const recorded = (await ports.store.update(input.deploymentId, { ...step, when: [notRecorded] })) ?? (await requireDeployment(ports.store, input.deploymentId));
    decision = decideHealth({ cursor: input.cursor, record: recorded, alarms, policy, now: ports.clock.now() });
    // A promote-full is acted on here (the machine goes to Promote): clear it. A plain promote is
    // left for the step after this one: a shift is done as soon as it is made.
    if (!input.promote && decision.consumed === 'promoteFull' && decision.result.decision === 'promoteFull') {
      await consumeSignal(ports.store, recorded, 'promoteFull', isoNow(ports.clock));
    }
  }
  if (target.announceSteps && !input.promote) {
    // A `step` state change for notifications (shared/core/notifications/events.ts), only when asked: it costs a call.
    const { functionName, alias, currentVersion, targetVersion } = target;
    await announce(ports, { deploymentId: input.deploymentId, status: 'InProgress', functionName, alias, currentVersion, targetVersion, weight, at, change: 'step', stepIndex: input.cursor.index });
  }
  const { result } = decision;
  if (input.promote) {
    if (result.decision === 'fail') throw failed(result);
    return { ...result, decision: 'next', weight: 100, revisionId: moved.state.revisionId };
  }
  return { ...result, revisionId: moved.state.revisionId };
}
