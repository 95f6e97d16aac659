/**
 * Rollback: the alias back on the current version with no weights, guarded by the
 * recorded RevisionId. Glidepath never overwrites a change it did not make: when the deployment
 * failed with CONCURRENT_MODIFICATION, or Lambda refuses the guarded update and the alias is not a
 * state this deployment's own (unrecorded) write could have left, the alias is left alone and
 * the result says why.
 */
import { nowIso } from '../core/clock.ts';
import { ConcurrentModificationError, DeploymentNotFoundError } from '../core/errors.ts';
import type { RollbackInput, RollbackResult } from '../core/model/machine.ts';
import type { DeploymentRecord } from '../core/model/record.ts';
import { stepKind } from '../core/model/plan.ts';
import type { Clients } from '../aws/clients.ts';
import type { AliasRouting } from '../aws/lambda-alias.ts';
import { requireDeployment, updateDeployment, type Store } from '../aws/deployment-store.ts';
import { summarizeCaught } from '../core/deployment/caught-error.ts';
import { deploymentEvent } from '../core/deployment/records.ts';
import { aliasRef, moveAlias, routingFor } from './routing.ts';
import { silentNotes, storeOf, type HandlerEnv, type Notes } from './env.ts';

/**
 * Routings a shift of this deployment may have written without recording it (its answer was
 * lost and every retry failed): any planned weight above the recorded one, and the promotion.
 */
export function unrecordedOwnRoutings(record: DeploymentRecord): AliasRouting[] {
  const weights = new Set<number>([100]);
  for (const step of record.plan.steps) {
    if (stepKind(step) === 'setWeight') {
      const w = (step as { setWeight: number }).setWeight;
      if (w > record.weight) weights.add(w);
    }
  }
  return [...weights].map((w) => routingFor(record, w));
}

async function leaveAlone(store: Store, record: DeploymentRecord, reason: string): Promise<RollbackResult> {
  const at = nowIso();
  await updateDeployment(store, record.id, {
    set: { updatedAt: at },
    append: { events: [deploymentEvent('RollbackSkipped', reason, {}, at)] },
  });
  return { rolledBack: false, reason, weight: record.weight };
}

export async function rollback(input: RollbackInput, clients: Clients, env: HandlerEnv, _notes: Notes = silentNotes): Promise<RollbackResult> {
  const store = storeOf(clients, env);
  const record = await requireDeployment(store, input.deploymentId);
  const cause = summarizeCaught(input.error);
  if (cause.code === 'CONCURRENT_MODIFICATION') {
    return leaveAlone(store, record, `CONCURRENT_MODIFICATION: ${cause.message}; the alias was left as it is`);
  }

  let moved;
  try {
    moved = await moveAlias(clients.lambda, aliasRef(record), routingFor(record, 0), record.revisionId, unrecordedOwnRoutings(record));
  } catch (error) {
    if (error instanceof ConcurrentModificationError) return leaveAlone(store, record, `CONCURRENT_MODIFICATION: ${error.message}`);
    throw error;
  }

  const at = nowIso();
  const message = moved.adopted
    ? `alias was already back on version ${record.currentVersion} with no weights`
    : `rolled back after ${cause.code}: version ${record.currentVersion} takes all traffic`;
  const updated = await updateDeployment(store, record.id, {
    set: { weight: 0, revisionId: moved.state.revisionId, updatedAt: at },
    append: {
      ...(record.weight === 0 ? {} : { weights: [{ at, weight: 0 }] }),
      events: [deploymentEvent('RolledBack', message, { cause: cause.code }, at)],
    },
  });
  if (!updated) throw new DeploymentNotFoundError(record.id);
  return { rolledBack: true, ...(moved.adopted ? { reason: message } : {}), weight: 0 };
}
