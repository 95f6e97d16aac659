/** Prepare: preflight, lock and record of a new deployment (shared/tasks/prepare.ts). Output: MachineState. */
import { parseTaskInput, prepareInputSchema } from '../../shared/core/deployment/schemas.ts';
import { deploymentIdFromExecution } from '../../shared/core/model/machine.ts';
import { prepare, type PreparePorts } from '../../shared/tasks/prepare.ts';
import { createTaskHandler, type HandlerOptions, type OwnPorts } from '../_lib/handler.ts';
import { alarmReader, alarmWatches, aliasReader, codeDeployDeployments, deploymentCreator, eventBus, functionConfigurations, recordReader } from '../_lib/ports.ts';

export function createHandler(options: HandlerOptions<OwnPorts<PreparePorts>> = {}) {
  return createTaskHandler(
    {
      name: 'Prepare',
      parse: (event) => parseTaskInput(prepareInputSchema, event, 'Prepare'),
      deploymentId: (input) => deploymentIdFromExecution(input.execution.Name),
      ports: (build) => ({
        store: { ...recordReader(build), ...deploymentCreator(build), ...alarmWatches(build) },
        aliases: aliasReader(build),
        functions: functionConfigurations(build),
        alarms: alarmReader(build),
        events: eventBus(build),
        codeDeploy: codeDeployDeployments(build),
      }),
      run: (input, ports) => prepare(input, ports),
      outcome: () => 'accepted',
    },
    options,
  );
}

export const handler = createHandler();
