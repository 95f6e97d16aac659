/**
 * Hook template warm-up: invokes the target version N times, or waits until its provisioned
 * concurrency is READY (shared/tasks/hook-templates/warm-up.ts lists the settings). Works under Glidepath and CodeDeploy.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from '../../../shared/core/clock.ts';
import { codeDeployReporter, lambdaVersionInvoker, provisionedConcurrencyStatus } from '../../../shared/aws/hook-templates.ts';
import { runTemplate, type ReportHookStatus, type TemplateOutcome } from '../../../shared/tasks/hook-templates/runner.ts';
import { readWarmUpConfig, warmUp, type WarmUpPorts } from '../../../shared/tasks/hook-templates/warm-up.ts';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'glidepath-hook' });

export interface WarmUpHookPorts extends WarmUpPorts {
  report: ReportHookStatus;
}

let ports: WarmUpHookPorts | undefined;
const defaults = (): WarmUpHookPorts => {
  if (ports) return ports;
  const lambda = new LambdaClient({});
  return (ports = {
    invoke: lambdaVersionInvoker(lambda),
    getProvisionedConcurrency: provisionedConcurrencyStatus(lambda),
    now,
    sleep: (ms) => sleep(ms),
    report: codeDeployReporter(),
  });
};

export async function warmUpHook(event: unknown, injected?: WarmUpHookPorts, env = process.env): Promise<TemplateOutcome> {
  const p = injected ?? defaults();
  const outcome = await runTemplate('warm-up', event, env, p.report, (target) => warmUp(target, readWarmUpConfig(env), p));
  (outcome.status === 'Succeeded' ? logger.info : logger.warn).call(logger, outcome.summary, { outcome });
  return outcome;
}

export const handler = middy(async (event: unknown) => warmUpHook(event)).use(injectLambdaContext(logger, { resetKeys: true }));
