/**
 * Control handler: operator actions (CLI) and wait registrations (state machine .waitForTaskToken). Output: ControlResult.
 * Thin: parse the Task input (shared/core/deployment/schemas.ts), call the core, return its result.
 */
import { makeDocumentClient, makeSfn, makeEventBridge, type Clients } from '../../shared/aws/clients.ts';
import { controlInputSchema } from '../../shared/core/deployment/schemas.ts';
import { control } from '../../shared/tasks/control.ts';
import { controllerHandlerWith, type HandlerOptions } from '../_lib/controller-handler.ts';

export function createHandler(clients?: Partial<Clients>, options: Omit<HandlerOptions, 'clients'> = {}) {
  return controllerHandlerWith(
    {
      task: 'Control',
      clients: { ddb: makeDocumentClient, sfn: makeSfn, events: makeEventBridge },
      schema: controlInputSchema,
      deploymentId: (input) => input.deploymentId,
      run: (input, clients, env, notes) => control(input, clients, env, notes),
      outcome: (result) => result.released ?? (result.registered ? 'registered' : (result.action ?? 'done')),
    },
    { ...options, ...(clients ? { clients } : {}) },
  );
}

export const handler = createHandler();
