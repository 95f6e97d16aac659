/**
 * Hook template warm-up: invokes the target version N times, or waits until its provisioned
 * concurrency is READY (shared/tasks/hook-templates/warm-up.ts lists the settings). Works under Glidepath and CodeDeploy.
 */
import type { InvokeVersion, ProvisionedStatus, ReportHookStatus } from '../../../shared/core/ports/hook-template.ts';
import { codeDeployReporter, lambdaVersionInvoker, provisionedConcurrencyStatus } from '../../../shared/aws/hook-templates.ts';
import { readWarmUpConfig, warmUp } from '../../../shared/tasks/hook-templates/warm-up.ts';
import { createTaskHandler, type HandlerOptions } from '../../_lib/handler.ts';
import { runHookTemplate } from '../../_lib/hook-template.ts';
import { lambdaClient } from '../../_lib/ports.ts';

export interface WarmUpHookPorts {
  invoke: InvokeVersion;
  getProvisionedConcurrency: (functionName: string, qualifier: string) => Promise<ProvisionedStatus>;
  report: ReportHookStatus;
}

export function createHandler(options: HandlerOptions<WarmUpHookPorts> = {}) {
  return createTaskHandler(
    {
      name: 'WarmUp',
      service: 'glidepath-hook',
      parse: (event) => event,
      ports: (build) => ({
        invoke: lambdaVersionInvoker(lambdaClient(build)),
        getProvisionedConcurrency: provisionedConcurrencyStatus(lambdaClient(build)),
        report: codeDeployReporter(build.env),
      }),
      run: (event, ports, { env, logger }) =>
        runHookTemplate('warm-up', event, env, ports.report, logger, (target) =>
          warmUp(target, readWarmUpConfig(env), {
            invoke: ports.invoke,
            getProvisionedConcurrency: ports.getProvisionedConcurrency,
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
