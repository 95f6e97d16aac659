/**
 * What an ended deployment may still owe the watcher: a `repair` (its rollback did not finish) or
 * a `codeDeployReport` (CodeDeploy not yet told). The record stays in the active index (gsi2)
 * while either is owed and leaves it with the last one. Clearing one marker leaves the index only
 * if the other is absent, checked in the same write; when both are cleared at once by two writers,
 * the later of them sees the other gone and takes the record out.
 */
import { isActive, type DeploymentRecord } from '../core/model/record.ts';
import type { DeploymentStore, RecordChange } from '../core/ports/deployment-store.ts';

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
