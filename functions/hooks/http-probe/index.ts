/**
 * Hook template http-probe: calls a URL N times and checks status, body and latency
 * (shared/tasks/hook-templates/http-probe.ts lists the settings). Works under Glidepath and CodeDeploy.
 */
import type { ReportHookStatus } from '../../../shared/core/ports/hook-template.ts';
import { codeDeployReporter } from '../../../shared/aws/hook-templates.ts';
import { httpProbe, readProbeConfig } from '../../../shared/tasks/hook-templates/http-probe.ts';
import { createTaskHandler, type HandlerOptions } from '../../_lib/handler.ts';
import { runHookTemplate } from '../../_lib/hook-template.ts';

export interface HttpProbeHookPorts {
  fetch: typeof globalThis.fetch;
  report: ReportHookStatus;
}

export function createHandler(options: HandlerOptions<HttpProbeHookPorts> = {}) {
  return createTaskHandler(
    {
      name: 'HttpProbe',
      service: 'glidepath-hook',
      parse: (event) => event,
      ports: (build) => ({ fetch: globalThis.fetch, report: codeDeployReporter(build.env) }),
      run: (event, ports, { env, logger }) =>
        runHookTemplate('http-probe', event, env, ports.report, logger, (target) =>
          httpProbe(target, readProbeConfig(env), { fetch: ports.fetch, timer: () => performance.now(), sleep: (ms) => ports.clock.sleep(ms / 1000) }),
        ),
      outcome: (outcome) => outcome.status,
    },
    options,
  );
}

export const handler = createHandler();
