/**
 * A deployment's record as tests read it: the record item (GetItem) with its history read back
 * from its own items (a paged Query per kind, in time order), as the CLI's status shows it.
 */
import { getDeployment, type Store } from '../../../shared/aws/deployment-store.ts';
import { readHistory } from '../../../shared/aws/deployment-history.ts';
import type { DeploymentEvent, DeploymentRecord, Verdict, WeightPoint } from '../../../shared/core/model/record.ts';

export interface RecordWithHistory extends DeploymentRecord {
  events: DeploymentEvent[];
  weights: WeightPoint[];
  verdicts: Verdict[];
}

export async function recordWithHistory(store: Store, id: string): Promise<RecordWithHistory | undefined> {
  const record = await getDeployment(store, id);
  if (!record) return undefined;
  const [events, weights, verdicts] = await Promise.all([readHistory(store, id, 'events'), readHistory(store, id, 'weights'), readHistory(store, id, 'verdicts')]);
  return { ...record, events, weights, verdicts };
}
