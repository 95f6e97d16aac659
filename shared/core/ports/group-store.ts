/** Stored deployment groups (request templates that pushes deploy). */
import type { DeploymentGroup } from '../model/group.ts';

export interface GroupStore {
  list(): Promise<DeploymentGroup[]>;
}
