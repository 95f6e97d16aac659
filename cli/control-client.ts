/**
 * Operator actions from the CLI go through the controller's own control core
 * (shared/tasks/control.ts) with the CLI's SDK clients: the same validation, the same
 * conditional writes to the record, the same release of a waiting step's task token.
 */
import { controlAction, type ControlResult } from '../shared/tasks/control.ts';
import type { Notes } from '../shared/tasks/env.ts';
import type { ControlAction } from '../shared/core/model/record.ts';
import { explainUnreachable } from './exit-codes.ts';
import { requireTable, type Target } from './target.ts';

export async function sendControl(target: Target, deploymentId: string, action: ControlAction, notes?: Notes): Promise<ControlResult> {
  const env = { tableName: requireTable(target), eventBusName: target.eventBusName ?? 'default' };
  try {
    return await controlAction({ deploymentId, action }, target.clients, env, notes);
  } catch (error) {
    throw explainUnreachable(error, target.description);
  }
}
