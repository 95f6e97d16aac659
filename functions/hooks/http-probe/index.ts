/**
 * Hook template http-probe: calls a URL N times and checks status, body and latency
 * (shared/tasks/hook-templates/http-probe.ts lists the settings). Works under Glidepath and CodeDeploy.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { setTimeout as sleep } from 'node:timers/promises';
import { codeDeployReporter } from '../../../shared/aws/hook-templates.ts';
import { httpProbe, readProbeConfig, type ProbePorts } from '../../../shared/tasks/hook-templates/http-probe.ts';
import { runTemplate, type ReportHookStatus, type TemplateOutcome } from '../../../shared/tasks/hook-templates/runner.ts';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'glidepath-hook' });

export interface HttpProbeHookPorts extends ProbePorts {
  report: ReportHookStatus;
}

let ports: HttpProbeHookPorts | undefined;
const defaults = (): HttpProbeHookPorts =>
  (ports ??= { fetch: globalThis.fetch, timer: () => performance.now(), sleep: (ms) => sleep(ms), report: codeDeployReporter() });

export async function httpProbeHook(event: unknown, injected?: HttpProbeHookPorts, env = process.env): Promise<TemplateOutcome> {
  const p = injected ?? defaults();
  const outcome = await runTemplate('http-probe', event, env, p.report, (target) => httpProbe(target, readProbeConfig(env), p));
  (outcome.status === 'Succeeded' ? logger.info : logger.warn).call(logger, outcome.summary, { outcome });
  return outcome;
}

export const handler = middy(async (event: unknown) => httpProbeHook(event)).use(injectLambdaContext(logger, { resetKeys: true }));
