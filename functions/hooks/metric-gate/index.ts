/**
 * Hook template metric-gate: the target version's error rate, p99 duration and invocation count
 * from CloudWatch (shared/tasks/hook-templates/metric-gate.ts lists the settings). Works under Glidepath and CodeDeploy.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from '../../../shared/core/clock.ts';
import { cloudWatchMetricData, codeDeployReporter } from '../../../shared/aws/hook-templates.ts';
import { metricGate, readMetricGateConfig, type MetricGatePorts } from '../../../shared/tasks/hook-templates/metric-gate.ts';
import { runTemplate, type ReportHookStatus, type TemplateOutcome } from '../../../shared/tasks/hook-templates/runner.ts';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'glidepath-hook' });

export interface MetricGateHookPorts extends MetricGatePorts {
  report: ReportHookStatus;
}

let ports: MetricGateHookPorts | undefined;
const defaults = (): MetricGateHookPorts =>
  (ports ??= { getMetricData: cloudWatchMetricData(new CloudWatchClient({})), now, sleep: (ms) => sleep(ms), report: codeDeployReporter() });

export async function metricGateHook(event: unknown, injected?: MetricGateHookPorts, env = process.env): Promise<TemplateOutcome> {
  const p = injected ?? defaults();
  const outcome = await runTemplate('metric-gate', event, env, p.report, (target) => metricGate(target, readMetricGateConfig(env), p));
  (outcome.status === 'Succeeded' ? logger.info : logger.warn).call(logger, outcome.summary, { outcome });
  return outcome;
}

export const handler = middy(async (event: unknown) => metricGateHook(event)).use(injectLambdaContext(logger, { resetKeys: true }));
