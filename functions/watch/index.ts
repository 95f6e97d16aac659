/** watch: the watcher, on a `rate(1 minute)` schedule, for every active deployment at once (shared/tasks/watch.ts). */
import { watch, type WatchPorts } from '../../shared/tasks/watch.ts';
import { createTaskHandler, type HandlerOptions, type OwnPorts } from '../_lib/handler.ts';
import { activeDeployments, alarmReader, alarmWatches, aliasRouter, eventBus, executionReader, lifecycleReporter, lockReleaser, metricReader, recordReader, recordWriter, taskTokens } from '../_lib/ports.ts';

export function createHandler(options: HandlerOptions<OwnPorts<WatchPorts>> = {}) {
  return createTaskHandler(
    {
      name: 'Watch',
      // The scheduled event says only that a minute has passed.
      parse: (event) => event,
      ports: (build) => ({
        store: { ...activeDeployments(build), ...recordReader(build), ...recordWriter(build), ...lockReleaser(build), ...alarmWatches(build) },
        alarms: alarmReader(build),
        metrics: metricReader(build),
        tokens: taskTokens(build),
        aliases: aliasRouter(build),
        // An execution that ended without reconcile ending its deployment (shared/tasks/ended-executions.ts).
        executions: executionReader(build),
        events: eventBus(build),
        lifecycle: lifecycleReporter(build),
      }),
      run: (_event, ports) => watch(ports),
      outcome: (result) =>
        result.woken.length > 0 || result.analysis.rechecked.length > 0 ? 'woke' : result.repaired.length > 0 || result.reconciled.length > 0 ? 'repaired' : result.reported.length > 0 ? 'reported' : result.active > 0 ? 'watched' : 'idle',
    },
    options,
  );
}

export const handler = createHandler();
