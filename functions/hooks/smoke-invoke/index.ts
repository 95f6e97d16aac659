/**
 * Hook template smoke-invoke: invokes the target version with test events and checks each answer
 * (shared/tasks/hook-templates/smoke-invoke.ts lists the settings). Works under Glidepath and CodeDeploy.
 */
import type { InvokeVersion, ReportHookStatus } from '../../../shared/core/ports/hook-template.ts';
import { codeDeployReporter, lambdaVersionInvoker } from '../../../shared/aws/hook-templates.ts';
import { readSmokeConfig, smokeInvoke } from '../../../shared/tasks/hook-templates/smoke-invoke.ts';
import { createTaskHandler, type HandlerOptions } from '../../_lib/handler.ts';
import { runHookTemplate } from '../../_lib/hook-template.ts';
import { lambdaClient } from '../../_lib/ports.ts';

export interface SmokeInvokePorts {
  invoke: InvokeVersion;
  report: ReportHookStatus;
}

export function createHandler(options: HandlerOptions<SmokeInvokePorts> = {}) {
  return createTaskHandler(
    {
      name: 'SmokeInvoke',
      service: 'glidepath-hook',
      parse: (event) => event,
      ports: (build) => ({ invoke: lambdaVersionInvoker(lambdaClient(build)), report: codeDeployReporter(build.env) }),
      run: (event, ports, { env, logger }) =>
        runHookTemplate('smoke-invoke', event, env, ports.report, logger, (target) => smokeInvoke(target, readSmokeConfig(env), ports.invoke)),
      outcome: (outcome) => outcome.status,
    },
    options,
  );
}

export const handler = createHandler();
