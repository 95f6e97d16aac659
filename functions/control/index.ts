/**
 * Control: an operator action (abort, promote, promote-full, pause, resume, approve), or a waiting
 * step registering its task token (shared/tasks/control.ts). Output: ControlResult.
 */
import { controlInputSchema, parseTaskInput } from '../../shared/core/deployment/schemas.ts';
import { control, type ControlPorts } from '../../shared/tasks/control.ts';
import { createTaskHandler, type HandlerOptions } from '../_lib/handler.ts';
import { deploymentStore, eventBus, taskTokens } from '../_lib/ports.ts';

export function createHandler(options: HandlerOptions<ControlPorts> = {}) {
  return createTaskHandler(
    {
      name: 'Control',
      parse: (event) => parseTaskInput(controlInputSchema, event, 'Control'),
      deploymentId: (input) => input.deploymentId,
      ports: (build) => ({ store: deploymentStore(build), tokens: taskTokens(build), events: eventBus(build) }),
      run: (input, ports) => control(input, ports),
      outcome: (result) => result.released ?? (result.registered ? 'registered' : (result.action ?? 'done')),
    },
    options,
  );
}

export const handler = createHandler();
