/**
 * Shift handler: SetWeight and Promote: UpdateAlias with the recorded RevisionId, then the post-shift health check. Output: HealthResult.
 * Thin: parse the Task input (shared/deployment/schemas.ts), call the core, return its result.
 */
import { makeLambda, makeCloudWatch, makeDocumentClient, makeEventBridge, type Clients } from '../../shared/aws/clients.ts';
import { shiftInputSchema } from '../../shared/deployment/schemas.ts';
import { shift } from '../../shared/deployment/shift.ts';
import { controllerHandlerWith, type HandlerOptions } from '../_lib/controller-handler.ts';

export function createHandler(clients?: Partial<Clients>, options: Omit<HandlerOptions, 'clients'> = {}) {
  return controllerHandlerWith(
    {
      task: 'Shift',
      clients: { lambda: makeLambda, cloudwatch: makeCloudWatch, ddb: makeDocumentClient, events: makeEventBridge },
      schema: shiftInputSchema,
      deploymentId: (input) => input.deploymentId,
      run: (input, clients, env, notes) => shift(input, clients, env, notes),
      outcome: (result) => result.decision,
    },
    { ...options, ...(clients ? { clients } : {}) },
  );
}

export const handler = createHandler();
