/**
 * What an ended deployment may still owe the watcher: a `repair` (its rollback did not finish) or
 * a `codeDeployReport` (CodeDeploy not yet told). The record stays in the active index (gsi2)
 * while either is owed and leaves it with the last one. Clearing one marker leaves the index only
 * if the other is absent, checked in the same write; when both are cleared at once by two writers,
 * the later of them sees the other gone and takes the record out.
 */
import { errorMessage } from '../core/errors.ts';
import { isActive, type DeploymentRecord } from '../core/model/record.ts';
import type { DeploymentStore, RecordChange } from '../core/ports/deployment-store.ts';
import type { Log } from '../core/ports/log.ts';

export type OwedWork = 'repair' | 'codeDeployReport';

const OTHER: Record<OwedWork, OwedWork> = { repair: 'codeDeployReport', codeDeployReport: 'repair' };
const INDEX = ['gsi2pk', 'gsi2sk'];

/** Makes `change` with `marker` removed, and takes the record out of the active index unless other work is still owed. */
export async function endOwedWork(
  store: Pick<DeploymentStore, 'update'>,
  id: string,
  marker: OwedWork,
  change: Omit<RecordChange, 'remove' | 'when'> & { remove?: string[] },
): Promise<DeploymentRecord | undefined> {
  const other = OTHER[marker];
  const remove = [...(change.remove ?? []), marker];
  const left = await store.update(id, { ...change, remove: [...remove, ...INDEX], when: [{ absent: other }] });
  if (left) return left;
  const after = await store.update(id, { ...change, remove });
  if (after && !after[other] && !isActive(after.status) && after.gsi2pk !== undefined) {
    return (await store.update(id, { remove: INDEX, when: [{ absent: 'repair' }, { absent: 'codeDeployReport' }] })) ?? after;
  }
  return after;
}

/**
 * One try at each record of `records` that owes `marker` work; a try that failed to record itself
 * is logged and counted as `retrying` (the next tick tries again).
 */
export async function tryEachOwed<Outcome extends string>(
  records: readonly DeploymentRecord[],
  marker: OwedWork,
  tryOne: (record: DeploymentRecord) => Promise<Outcome>,
  log: Pick<Log, 'warn'>,
): Promise<{ deploymentId: string; outcome: Outcome | 'retrying' }[]> {
  const owing = records.filter((r) => r[marker]);
  const settled = await Promise.allSettled(owing.map(tryOne));
  return owing.map((r, i) => {
    const s = settled[i]!;
    if (s.status === 'rejected') log.warn(`the ${marker} try could not record itself`, { deploymentId: r.id, error: errorMessage(s.reason) });
    return { deploymentId: r.id, outcome: s.status === 'fulfilled' ? s.value : 'retrying' };
  });
}
