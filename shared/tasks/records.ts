/** Reading the record a task works on: a deployment that is not there is an error, named. */
import { DeploymentNotFoundError } from '../core/errors.ts';
import type { DeploymentRecord } from '../core/model/record.ts';
import type { DeploymentStore } from '../core/ports/deployment-store.ts';

export async function requireDeployment(store: Pick<DeploymentStore, 'get'>, id: string): Promise<DeploymentRecord> {
  const record = await store.get(id);
  if (!record) throw new DeploymentNotFoundError(id);
  return record;
}
