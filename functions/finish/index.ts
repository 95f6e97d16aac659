/**
 * Finish handler: final status, lock released, event published, CodeDeploy told in bridge mode. Output: FinishResult.
 * Thin: parse the Task input (shared/core/deployment/schemas.ts), call the core, return its result.
 */
import { makeDocumentClient, makeEventBridge, makeCodeDeploy, type Clients } from '../../shared/aws/clients.ts';
import { finishInputSchema } from '../../shared/core/deployment/schemas.ts';
import { finish } from '../../shared/tasks/finish.ts';
import { deploymentIdFromExecution } from '../../shared/core/model/machine.ts';
import { controllerHandlerWith, type HandlerOptions } from '../_lib/controller-handler.ts';

export function createHandler(clients?: Partial<Clients>, options: Omit<HandlerOptions, 'clients'> = {}) {
  return controllerHandlerWith(
    {
      task: 'Finish',
      clients: { ddb: makeDocumentClient, events: makeEventBridge, codedeploy: makeCodeDeploy },
      schema: finishInputSchema,
      deploymentId: (input) => input.deploymentId ?? deploymentIdFromExecution(input.execution.Name),
      run: (input, clients, env, notes) => finish(input, clients, env, notes),
      outcome: (result) => result.status,
    },
    { ...options, ...(clients ? { clients } : {}) },
  );
}

export const handler = createHandler();
