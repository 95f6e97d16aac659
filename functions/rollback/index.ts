/**
 * Rollback handler: alias back on the current version with no weights, unless someone else changed it. Output: RollbackResult.
 * Thin: parse the Task input (shared/core/deployment/schemas.ts), call the core, return its result.
 */
import { makeLambda, makeDocumentClient, type Clients } from '../../shared/aws/clients.ts';
import { rollbackInputSchema } from '../../shared/core/deployment/schemas.ts';
import { rollback } from '../../shared/tasks/rollback.ts';
import { controllerHandlerWith, type HandlerOptions } from '../_lib/controller-handler.ts';

export function createHandler(clients?: Partial<Clients>, options: Omit<HandlerOptions, 'clients'> = {}) {
  return controllerHandlerWith(
    {
      task: 'Rollback',
      clients: { lambda: makeLambda, ddb: makeDocumentClient },
      schema: rollbackInputSchema,
      deploymentId: (input) => input.deploymentId,
      run: (input, clients, env, notes) => rollback(input, clients, env, notes),
      outcome: (result) => (result.rolledBack ? 'rolledBack' : 'leftAlone'),
    },
    { ...options, ...(clients ? { clients } : {}) },
  );
}

export const handler = createHandler();
