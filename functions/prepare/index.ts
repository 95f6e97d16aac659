/** Prepare: preflight, lock and record of a new deployment (shared/tasks/prepare.ts). Output: MachineState. */
import { parseTaskInput, prepareInputSchema } from '../../shared/core/deployment/schemas.ts';
import { deploymentIdFromExecution } from '../../shared/core/model/machine.ts';
import { prepare, type PreparePorts } from '../../shared/tasks/prepare.ts';
import { createTaskHandler, type HandlerOptions } from '../_lib/handler.ts';
import { alarmReader, aliasRouter, deploymentStore, eventBus, functionReader } from '../_lib/ports.ts';

export function createHandler(options: HandlerOptions<PreparePorts> = {}) {
  return createTaskHandler(
    {
      name: 'Prepare',
      parse: (event) => parseTaskInput(prepareInputSchema, event, 'Prepare'),
      deploymentId: (input) => deploymentIdFromExecution(input.execution.Name),
      ports: (build) => ({
        store: deploymentStore(build),
        aliases: aliasRouter(build),
        functions: functionReader(build),
        alarms: alarmReader(build),
        events: eventBus(build),
      }),
      run: (input, ports) => prepare(input, ports),
      outcome: () => 'accepted',
    },
    options,
  );
}

export const handler = createHandler();
