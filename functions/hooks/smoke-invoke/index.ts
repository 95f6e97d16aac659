/**
 * Hook template smoke-invoke: invokes the target version with test events and checks each answer
 * (shared/tasks/hook-templates/smoke-invoke.ts lists the settings). Works under Glidepath and CodeDeploy.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { codeDeployReporter, lambdaVersionInvoker } from '../../../shared/aws/hook-templates.ts';
import { runTemplate, type ReportHookStatus, type TemplateOutcome } from '../../../shared/tasks/hook-templates/runner.ts';
import { readSmokeConfig, smokeInvoke, type InvokeVersion } from '../../../shared/tasks/hook-templates/smoke-invoke.ts';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'glidepath-hook' });

export interface SmokeInvokePorts {
  invoke: InvokeVersion;
  report: ReportHookStatus;
}

let ports: SmokeInvokePorts | undefined;
const defaults = (): SmokeInvokePorts => (ports ??= { invoke: lambdaVersionInvoker(new LambdaClient({})), report: codeDeployReporter() });

export async function smokeInvokeHook(event: unknown, injected?: SmokeInvokePorts, env = process.env): Promise<TemplateOutcome> {
  const p = injected ?? defaults();
  const outcome = await runTemplate('smoke-invoke', event, env, p.report, (target) => smokeInvoke(target, readSmokeConfig(env), p.invoke));
  (outcome.status === 'Succeeded' ? logger.info : logger.warn).call(logger, outcome.summary, { outcome });
  return outcome;
}

export const handler = middy(async (event: unknown) => smokeInvokeHook(event)).use(injectLambdaContext(logger, { resetKeys: true }));
