/** CheckHealth: one check of a bake, a timed pause or the final bake (shared/tasks/check-health.ts). Output: HealthResult. */
import { checkHealthInputSchema, parseTaskInput } from '../../shared/core/deployment/schemas.ts';
import { checkHealth, type CheckHealthPorts } from '../../shared/tasks/check-health.ts';
import { createTaskHandler, type HandlerOptions, type OwnPorts } from '../_lib/handler.ts';
import { alarmReader, recordReader, recordWriter } from '../_lib/ports.ts';

export function createHandler(options: HandlerOptions<OwnPorts<CheckHealthPorts>> = {}) {
  return createTaskHandler(
    {
      name: 'CheckHealth',
      parse: (event) => parseTaskInput(checkHealthInputSchema, event, 'CheckHealth'),
      deploymentId: (input) => input.deploymentId,
      ports: (build) => ({ store: { ...recordReader(build), ...recordWriter(build) }, alarms: alarmReader(build) }),
      run: (input, ports) => checkHealth(input, ports),
      outcome: (result) => result.decision,
    },
    options,
  );
}

export const handler = createHandler();
