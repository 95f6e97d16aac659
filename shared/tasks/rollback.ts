/**
 * Rollback: the alias back on the current version with no weights, guarded by the recorded
 * RevisionId (the last one Glidepath wrote and received). Glidepath never overwrites a change it
 * did not make: when the deployment failed with CONCURRENT_MODIFICATION, or the router refuses the
 * guarded update, the alias is left alone and the result says why — a RevisionId Glidepath did
 * not receive is not Glidepath's, whatever the routing looks like (someone may have set a planned
 * weight, or the target alone). The one exception moves nothing: an alias already on the current
 * version with no weights (a retried rollback whose answer was lost) is adopted as rolled back.
 * A rollback is recorded once (guarded on `rollingBackAt`): a second one (a retried Task, reconcile
 * and the watcher at once) answers what the first did and moves nothing.
 */
import { isoNow } from '../core/ports/clock.ts';
import { ConcurrentModificationError, DeploymentNotFoundError } from '../core/errors.ts';
import type { RollbackInput, RollbackResult } from '../core/model/machine.ts';
import type { DeploymentRecord } from '../core/model/record.ts';
import type { ControllerPorts } from '../core/ports/index.ts';
import { summarizeCaught } from '../core/deployment/caught-error.ts';
import { deploymentEvent } from '../core/deployment/records.ts';
import { aliasRef, routingFor } from '../core/routing.ts';
import { moveAlias } from './move-alias.ts';
import { requireDeployment } from './records.ts';
import type { DeploymentStore } from '../core/ports/deployment-store.ts';

export type RollbackPorts = Pick<ControllerPorts, 'aliases' | 'clock'> & { store: Pick<DeploymentStore, 'get' | 'update'> };

async function leaveAlone(ports: RollbackPorts, record: DeploymentRecord, reason: string): Promise<RollbackResult> {
  const at = isoNow(ports.clock);
  await ports.store.update(record.id, { set: { updatedAt: at, rollingBackAt: at, rollbackSkipped: reason }, append: { events: [deploymentEvent('RollbackSkipped', reason, {}, at)] }, when: [{ absent: 'rollingBackAt' }] });
  return { rolledBack: false, reason, weight: record.weight };
}

/**
 * What an earlier rollback of this deployment did (a retried Task whose answer was lost, or two
 * reconcilers at once: reconcile's event and the watcher): said again, nothing done twice.
 */
function rolledBackBefore(record: DeploymentRecord): RollbackResult {
  if (record.rollbackSkipped !== undefined) return { rolledBack: false, reason: record.rollbackSkipped, weight: record.weight };
  return { rolledBack: true, weight: record.weight };
}

export async function rollback(input: RollbackInput, ports: RollbackPorts): Promise<RollbackResult> {
  const record = await requireDeployment(ports.store, input.deploymentId);
  if (record.rollingBackAt) return rolledBackBefore(record);
  const cause = summarizeCaught(input.error);
  if (cause.code === 'CONCURRENT_MODIFICATION') {
    return leaveAlone(ports, record, `CONCURRENT_MODIFICATION: ${cause.message}; the alias was left as it is`);
  }

  let moved;
  try {
    moved = await moveAlias(ports.aliases, aliasRef(record), routingFor(record, 0), record.revisionId);
  } catch (error) {
    if (error instanceof ConcurrentModificationError) return leaveAlone(ports, record, `CONCURRENT_MODIFICATION: ${error.message}`);
    throw error;
  }

  const at = isoNow(ports.clock);
  const message = moved.adopted
    ? `alias was already back on version ${record.currentVersion} with no weights`
    : `rolled back after ${cause.code}: version ${record.currentVersion} takes all traffic`;
  const updated = await ports.store.update(record.id, {
    // From here an operator's abort is refused: it could change nothing.
    set: { weight: 0, revisionId: moved.state.revisionId, updatedAt: at, rollingBackAt: at, rolledBackAt: at },
    append: {
      ...(record.weight === 0 ? {} : { weights: [{ at, weight: 0 }] }),
      events: [deploymentEvent('RolledBack', message, { cause: cause.code }, at)],
    },
    // Recorded once: a rollback that raced this one and recorded first is the one said.
    when: [{ absent: 'rollingBackAt' }],
  });
  if (!updated) {
    const now = await ports.store.get(record.id);
    if (now?.rollingBackAt) return rolledBackBefore(now);
    throw new DeploymentNotFoundError(record.id);
  }
  return { rolledBack: true, ...(moved.adopted ? { reason: message } : {}), weight: 0 };
}
