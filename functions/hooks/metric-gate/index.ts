/**
 * Hook template metric-gate: the target version's error rate, p99 duration and invocation count
 * from CloudWatch (shared/tasks/hook-templates/metric-gate.ts lists the settings). Works under Glidepath and CodeDeploy.
 */
import type { GetMetricData, ReportHookStatus } from '../../../shared/core/ports/hook-template.ts';
import { cloudWatchMetricData, codeDeployReporter } from '../../../shared/aws/hook-templates.ts';
import { metricGate, readMetricGateConfig } from '../../../shared/tasks/hook-templates/metric-gate.ts';
import { createTaskHandler, type HandlerOptions } from '../../_lib/handler.ts';
import { runHookTemplate } from '../../_lib/hook-template.ts';
import { cloudWatchClient } from '../../_lib/ports.ts';

export interface MetricGateHookPorts {
  getMetricData: GetMetricData;
  report: ReportHookStatus;
}

export function createHandler(options: HandlerOptions<MetricGateHookPorts> = {}) {
  return createTaskHandler(
    {
      name: 'MetricGate',
      service: 'glidepath-hook',
      parse: (event) => event,
      ports: (build) => ({ getMetricData: cloudWatchMetricData(cloudWatchClient(build)), report: codeDeployReporter(build.env) }),
      run: (event, ports, { env, logger }) =>
        runHookTemplate('metric-gate', event, env, ports.report, logger, (target) =>
          metricGate(target, readMetricGateConfig(env), {
            getMetricData: ports.getMetricData,
            now: () => ports.clock.now(),
            sleep: (ms) => ports.clock.sleep(ms / 1000),
          }),
        ),
      outcome: (outcome) => outcome.status,
    },
    options,
  );
}

export const handler = createHandler();
