/**
 * CheckHealth handler: one health check of a bake, timed pause or final bake. Output: HealthResult.
 * Thin: parse the Task input (shared/core/deployment/schemas.ts), call the core, return its result.
 */
import { makeCloudWatch, makeDocumentClient, type Clients } from '../../shared/aws/clients.ts';
import { checkHealthInputSchema } from '../../shared/core/deployment/schemas.ts';
import { checkHealth } from '../../shared/tasks/check-health.ts';
import { controllerHandlerWith, type HandlerOptions } from '../_lib/controller-handler.ts';

export function createHandler(clients?: Partial<Clients>, options: Omit<HandlerOptions, 'clients'> = {}) {
  return controllerHandlerWith(
    {
      task: 'CheckHealth',
      clients: { cloudwatch: makeCloudWatch, ddb: makeDocumentClient },
      schema: checkHealthInputSchema,
      deploymentId: (input) => input.deploymentId,
      run: (input, clients, env, notes) => checkHealth(input, clients, env, notes),
      outcome: (result) => result.decision,
    },
    { ...options, ...(clients ? { clients } : {}) },
  );
}

export const handler = createHandler();
