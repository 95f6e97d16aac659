/**
 * Reconcile handler: EventBridge events the state machine cannot act on itself — an execution that
 * ended without its Finish (stopped, timed out, failed), an alarm that fired while a deployment
 * waits on a token. Output: ReconcileResult.
 * Thin: parse the event (shared/core/deployment/reconcile-events.ts), call the core, return its result.
 */
import { makeLambda, makeDocumentClient, makeSfn, makeEventBridge, makeCodeDeploy, type Clients } from '../../shared/aws/clients.ts';
import { deploymentIdFromExecution } from '../../shared/core/model/machine.ts';
import { isExecutionStatusChange, reconcileEventSchema } from '../../shared/core/deployment/reconcile-events.ts';
import { reconcile } from '../../shared/tasks/reconcile.ts';
import { controllerHandlerWith, type HandlerOptions } from '../_lib/controller-handler.ts';

export function createHandler(clients?: Partial<Clients>, options: Omit<HandlerOptions, 'clients'> = {}) {
  return controllerHandlerWith(
    {
      task: 'Reconcile',
      clients: { lambda: makeLambda, ddb: makeDocumentClient, sfn: makeSfn, events: makeEventBridge, codedeploy: makeCodeDeploy },
      schema: reconcileEventSchema,
      deploymentId: (event) => (isExecutionStatusChange(event) ? deploymentIdFromExecution(event.detail.name) : undefined),
      run: (event, clients, env, notes) => reconcile(event, clients, env, notes),
      outcome: (result) => result.outcome,
    },
    { ...options, ...(clients ? { clients } : {}) },
  );
}

export const handler = createHandler();
