/**
 * Control: an operator action (abort, promote, promote-full, pause, resume, approve), or a waiting
 * step registering its task token (shared/tasks/control.ts). Output: ControlResult.
 */
import { controlInputSchema, parseTaskInput } from '../../shared/core/deployment/schemas.ts';
import { control, type ControlPorts } from '../../shared/tasks/control.ts';
import { createTaskHandler, type HandlerOptions, type OwnPorts } from '../_lib/handler.ts';
import { alarmReader, eventBus, recordReader, recordWriter, taskTokens } from '../_lib/ports.ts';

export function createHandler(options: HandlerOptions<OwnPorts<ControlPorts>> = {}) {
  return createTaskHandler(
    {
      name: 'Control',
      parse: (event) => parseTaskInput(controlInputSchema, event, 'Control'),
      deploymentId: (input) => input.deploymentId,
      ports: (build) => ({ store: { ...recordReader(build), ...recordWriter(build) }, tokens: taskTokens(build), events: eventBus(build), alarms: alarmReader(build) }),
      run: (input, ports) => control(input, ports),
      outcome: (result) => result.released ?? (result.registered ? 'registered' : (result.action ?? 'done')),
    },
    options,
  );
}

export const handler = createHandler();
