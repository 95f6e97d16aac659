/**
 * Operator actions from the CLI go through the controller's own control core
 * (shared/tasks/control.ts) with the CLI's SDK clients: the same validation, the same
 * conditional writes to the record, the same release of a waiting step's task token.
 */
import { controlAction, type ControlResult } from '../shared/tasks/control.ts';
import type { Log } from '../shared/core/ports/log.ts';
import type { ControlAction } from '../shared/core/model/record.ts';
import { dynamoDeploymentStore } from '../shared/aws/dynamo-deployment-store.ts';
import { sfnTaskTokens } from '../shared/aws/task-tokens.ts';
import { eventBridgeBus } from '../shared/aws/events.ts';
import { systemClock } from '../shared/aws/system-clock.ts';
import { explainUnreachable } from './exit-codes.ts';
import { requireTable, type Target } from './target.ts';

const quiet: Log = { info: () => {}, warn: () => {}, error: () => {} };

export async function sendControl(target: Target, deploymentId: string, action: ControlAction, log: Pick<Log, 'warn'> = quiet): Promise<ControlResult> {
  const ports = {
    store: dynamoDeploymentStore(target.clients.ddb, requireTable(target)),
    tokens: sfnTaskTokens(target.clients.sfn),
    events: eventBridgeBus(target.clients.events, target.eventBusName ?? 'default'),
    clock: systemClock,
    log: { ...quiet, ...log },
  };
  try {
    return await controlAction({ deploymentId, action }, ports);
  } catch (error) {
    throw explainUnreachable(error, target.description);
  }
}
