/**
 * Prepare handler: preflight, lock and record of a new deployment. Output: MachineState.
 * Thin: parse the Task input (shared/core/deployment/schemas.ts), call the core, return its result.
 */
import { makeLambda, makeCloudWatch, makeDocumentClient, makeEventBridge, type Clients } from '../../shared/aws/clients.ts';
import { prepareInputSchema } from '../../shared/core/deployment/schemas.ts';
import { prepare } from '../../shared/tasks/prepare.ts';
import { deploymentIdFromExecution } from '../../shared/core/model/machine.ts';
import { controllerHandlerWith, type HandlerOptions } from '../_lib/controller-handler.ts';

export function createHandler(clients?: Partial<Clients>, options: Omit<HandlerOptions, 'clients'> = {}) {
  return controllerHandlerWith(
    {
      task: 'Prepare',
      clients: { lambda: makeLambda, cloudwatch: makeCloudWatch, ddb: makeDocumentClient, events: makeEventBridge },
      schema: prepareInputSchema,
      deploymentId: (input) => deploymentIdFromExecution(input.execution.Name),
      run: (input, clients, env, notes) => prepare(input, clients, env, notes),
      outcome: () => 'accepted',
    },
    { ...options, ...(clients ? { clients } : {}) },
  );
}

export const handler = createHandler();
