/**
 * run-hook: the BeforeAllowTraffic / AfterAllowTraffic / Step Tasks (`lambda:invoke.waitForTaskToken`).
 * Registers a single-use execution id for the Task's token and invokes the hook synchronously; the
 * hook's report (hook-status) or hookTimeoutSeconds ends the Task. The token never leaves Glidepath.
 * Thin: parse the Task input, call the core (shared/tasks/run-hook.ts), return its result.
 */
import type { Clients } from '../../shared/aws/clients.ts';
import { runHookDeps } from '../../shared/aws/hook-deps.ts';
import { runHookInputSchema } from '../../shared/core/hooks/payload.ts';
import { runHook } from '../../shared/tasks/run-hook.ts';
import { controllerHandler, type HandlerOptions } from '../_lib/controller-handler.ts';

export function createHandler(clients?: Partial<Clients>, options: Omit<HandlerOptions, 'clients'> = {}) {
  return controllerHandler(
    {
      task: 'RunHook',
      schema: runHookInputSchema,
      deploymentId: (input) => input.deploymentId,
      run: (input, clients, env) => runHook(input, runHookDeps(clients, env.tableName)),
      outcome: (result) => result.state,
    },
    { ...options, ...(clients ? { clients } : {}) },
  );
}

export const handler = createHandler();
