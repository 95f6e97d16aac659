/**
 * Reconcile: EventBridge events the state machine cannot act on itself — an execution that ended
 * without its Finish, an alarm that fired while a deployment waits (shared/tasks/reconcile.ts).
 */
import { isExecutionStatusChange, reconcileEventSchema } from '../../shared/core/deployment/reconcile-events.ts';
import { parseTaskInput } from '../../shared/core/deployment/schemas.ts';
import { deploymentIdFromExecution } from '../../shared/core/model/machine.ts';
import { reconcile, type ReconcilePorts } from '../../shared/tasks/reconcile.ts';
import { createTaskHandler, type HandlerOptions, type OwnPorts } from '../_lib/handler.ts';
import { alarmWatchers, alarmWatches, aliasRouter, eventBus, lifecycleReporter, lockReleaser, recordReader, recordWriter, taskTokens } from '../_lib/ports.ts';

export function createHandler(options: HandlerOptions<OwnPorts<ReconcilePorts>> = {}) {
  return createTaskHandler(
    {
      name: 'Reconcile',
      parse: (event) => parseTaskInput(reconcileEventSchema, event, 'Reconcile'),
      deploymentId: (event) => (isExecutionStatusChange(event) ? deploymentIdFromExecution(event.detail.name) : undefined),
      ports: (build) => ({
        store: { ...recordReader(build), ...recordWriter(build), ...lockReleaser(build), ...alarmWatches(build), ...alarmWatchers(build) },
        aliases: aliasRouter(build),
        tokens: taskTokens(build),
        events: eventBus(build),
        lifecycle: lifecycleReporter(build),
      }),
      run: (event, ports) => reconcile(event, ports),
      outcome: (result) => result.outcome,
    },
    options,
  );
}

export const handler = createHandler();
