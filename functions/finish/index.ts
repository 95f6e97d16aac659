/** Finish (Complete, ReportFailure, Reject): final status, lock released, state change, CodeDeploy told (shared/tasks/finish.ts). Output: FinishResult. */
import { finishInputSchema, parseTaskInput } from '../../shared/core/deployment/schemas.ts';
import { deploymentIdFromExecution } from '../../shared/core/model/machine.ts';
import { finish, type FinishPorts } from '../../shared/tasks/finish.ts';
import { createTaskHandler, type HandlerOptions, type OwnPorts } from '../_lib/handler.ts';
import { alarmWatches, eventBus, lifecycleReporter, lockReleaser, recordReader, recordWriter, rejectionWriter } from '../_lib/ports.ts';

export function createHandler(options: HandlerOptions<OwnPorts<FinishPorts>> = {}) {
  return createTaskHandler(
    {
      name: 'Finish',
      parse: (event) => parseTaskInput(finishInputSchema, event, 'Finish'),
      deploymentId: (input) => input.deploymentId ?? deploymentIdFromExecution(input.execution.Name),
      ports: (build) => ({
        store: { ...recordReader(build), ...recordWriter(build), ...lockReleaser(build), ...alarmWatches(build), ...rejectionWriter(build) },
        events: eventBus(build),
        lifecycle: lifecycleReporter(build),
      }),
      run: (input, ports) => finish(input, ports),
      outcome: (result) => result.status,
    },
    options,
  );
}

export const handler = createHandler();
