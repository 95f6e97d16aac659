/**
 * run-hook: the BeforeAllowTraffic / AfterAllowTraffic / Step Tasks (`lambda:invoke.waitForTaskToken`).
 * Registers a single-use execution id for the Task's token and invokes the hook; the hook's report
 * (hook-status) or hookTimeoutSeconds ends the Task. The token never leaves Glidepath
 * (shared/tasks/run-hook.ts).
 */
import { runHookInputSchema } from '../../shared/core/hooks/payload.ts';
import { parseTaskInput } from '../../shared/core/deployment/schemas.ts';
import { runHook, type RunHookPorts } from '../../shared/tasks/run-hook.ts';
import { createTaskHandler, type HandlerOptions } from '../_lib/handler.ts';
import { hookExecutionStore, hookInvoker, recordReader } from '../_lib/ports.ts';

export function createHandler(options: HandlerOptions<Omit<RunHookPorts, 'clock'>> = {}) {
  return createTaskHandler(
    {
      name: 'RunHook',
      parse: (event) => parseTaskInput(runHookInputSchema, event, 'RunHook'),
      deploymentId: (input) => input.deploymentId,
      ports: (build) => {
        const deployments = recordReader(build);
        return { store: hookExecutionStore(build), getDeployment: (id: string) => deployments.get(id), invoke: hookInvoker(build) };
      },
      run: (input, ports) => runHook(input, ports),
      outcome: (result) => result.state,
    },
    options,
  );
}

export const handler = createHandler();
