/**
 * Repair: level-triggered, from the watcher's tick. A deployment that ended with its rollback
 * unfinished (every retry of the state machine failed: a long Lambda outage, throttling, the
 * table unreachable) keeps a `repair` marker and stays in the active index. Each tick, every one
 * whose next try is due is driven to the terminal invariant: the alias back on the current
 * version with no weights, moved only from the RevisionId Glidepath last received, the record
 * terminal with the reason and out of the active index (unless CodeDeploy is still owed its report).
 *
 * A try that fails with throttling or a server error is counted on the record (attempts, last
 * error, next try: backoff from a minute, doubling, at most every 30 minutes) and comes again; a
 * refusal that no retry can change ends the repair: someone else's change (CONCURRENT_MODIFICATION,
 * the alias left as they set it) or an alias that is gone or refused.
 */
import { isoNow } from '../core/ports/clock.ts';
import { ConcurrentModificationError, isGlidepathError, errorMessage, isTransient } from '../core/errors.ts';
import type { DeploymentRecord } from '../core/model/record.ts';
import type { ControllerPorts } from '../core/ports/index.ts';
import type { DeploymentStore } from '../core/ports/deployment-store.ts';
import { deploymentEvent } from '../core/deployment/records.ts';
import { afterFailedTry, isRepairDue } from '../core/deployment/repair.ts';
import { aliasRef, routingFor } from '../core/routing.ts';
import { moveAlias } from './move-alias.ts';
import { endOwedWork, tryEachOwed } from './owed-work.ts';

export type RepairPorts = Pick<ControllerPorts, 'aliases' | 'clock' | 'log'> & { store: Pick<DeploymentStore, 'update'> };

export type RepairOutcome = 'repaired' | 'retrying' | 'leftAlone' | 'gaveUp' | 'notDue';

async function end(ports: RepairPorts, record: DeploymentRecord, code: string, reason: string, type: string): Promise<void> {
  const at = isoNow(ports.clock);
  const message = `${record.error?.message ?? record.status}; ${reason}`;
  await endOwedWork(ports.store, record.id, 'repair', {
    set: { updatedAt: at, error: { code, message } },
    append: { events: [deploymentEvent(type, reason, {}, at)] },
  });
}

/** One try at one deployment marked for repair. */
export async function repairOne(record: DeploymentRecord, ports: RepairPorts): Promise<RepairOutcome> {
  const state = record.repair;
  if (!state || !isRepairDue(record, ports.clock.now())) return 'notDue';
  const tries = state.attempts + 1;
  try {
    const moved = await moveAlias(ports.aliases, aliasRef(record), routingFor(record, 0), record.revisionId);
    const at = isoNow(ports.clock);
    const reason = `repaired after ${tries} ${tries === 1 ? 'try' : 'tries'}: version ${record.currentVersion} takes all traffic`;
    await endOwedWork(ports.store, record.id, 'repair', {
      set: { weight: 0, revisionId: moved.state.revisionId, updatedAt: at, ...(record.error ? { error: { ...record.error, message: `${record.error.message}; ${reason}` } } : {}) },
      append: { ...(record.weight === 0 ? {} : { weights: [{ at, weight: 0 }] }), events: [deploymentEvent('Repaired', reason, {}, at)] },
    });
    return 'repaired';
  } catch (error) {
    if (error instanceof ConcurrentModificationError) {
      await end(ports, record, 'CONCURRENT_MODIFICATION', `repair skipped: ${error.message}`, 'RepairSkipped');
      return 'leftAlone';
    }
    const code = isGlidepathError(error) ? error.code : 'INTERNAL_ERROR';
    if (!isTransient(code)) {
      await end(ports, record, code, `repair gave up (${code}): ${errorMessage(error)}`, 'RepairFailed');
      return 'gaveUp';
    }
    const next = afterFailedTry(state, `${code}: ${errorMessage(error)}`, ports.clock.now());
    await ports.store.update(record.id, { set: { repair: next, updatedAt: isoNow(ports.clock) } });
    ports.log.warn('repair of a deployment failed; tried again later', { deploymentId: record.id, attempts: next.attempts, nextAt: next.nextAt, error: next.lastError });
    return 'retrying';
  }
}

/** One try at every deployment in `records` marked for repair and due; a failed try is the next tick's. */
export function repair(records: readonly DeploymentRecord[], ports: RepairPorts): Promise<{ deploymentId: string; outcome: RepairOutcome }[]> {
  return tryEachOwed(records, 'repair', (r) => repairOne(r, ports), ports.log);
}
