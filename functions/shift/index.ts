/** Shift: SetWeight and Promote (shared/tasks/shift.ts). Output: HealthResult. */
import { shiftInputSchema, parseTaskInput } from '../../shared/core/deployment/schemas.ts';
import { shift, type ShiftPorts } from '../../shared/tasks/shift.ts';
import { createTaskHandler, type HandlerOptions, type OwnPorts } from '../_lib/handler.ts';
import { alarmReader, aliasRouter, eventBus, recordReader, recordWriter } from '../_lib/ports.ts';

export function createHandler(options: HandlerOptions<OwnPorts<ShiftPorts>> = {}) {
  return createTaskHandler(
    {
      name: 'Shift',
      parse: (event) => parseTaskInput(shiftInputSchema, event, 'Shift'),
      deploymentId: (input) => input.deploymentId,
      ports: (build) => ({ store: { ...recordReader(build), ...recordWriter(build) }, aliases: aliasRouter(build), alarms: alarmReader(build), events: eventBus(build) }),
      run: (input, ports) => shift(input, ports),
      outcome: (result) => result.decision,
    },
    options,
  );
}

export const handler = createHandler();
