/** Rollback: the alias back on the current version, unless someone else changed it (shared/tasks/rollback.ts). Output: RollbackResult. */
import { parseTaskInput, rollbackInputSchema } from '../../shared/core/deployment/schemas.ts';
import { rollback, type RollbackPorts } from '../../shared/tasks/rollback.ts';
import { createTaskHandler, type HandlerOptions, type OwnPorts } from '../_lib/handler.ts';
import { aliasRouter, recordReader, recordWriter } from '../_lib/ports.ts';

export function createHandler(options: HandlerOptions<OwnPorts<RollbackPorts>> = {}) {
  return createTaskHandler(
    {
      name: 'Rollback',
      parse: (event) => parseTaskInput(rollbackInputSchema, event, 'Rollback'),
      deploymentId: (input) => input.deploymentId,
      ports: (build) => ({ store: { ...recordReader(build), ...recordWriter(build) }, aliases: aliasRouter(build) }),
      run: (input, ports) => rollback(input, ports),
      outcome: (result) => (result.rolledBack ? 'rolledBack' : 'leftAlone'),
    },
    options,
  );
}

export const handler = createHandler();
