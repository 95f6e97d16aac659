/**
 * hook-status: CodeDeploy's PutLifecycleEventHookExecutionStatus behind a Lambda Function URL.
 * A hook written for CodeDeploy reports here unchanged once AWS_ENDPOINT_URL_CODEDEPLOY names
 * this URL. The core (shared/tasks/hook-status.ts) is also what the local engine's CodeDeploy route calls.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { defaultClients } from '../../shared/aws/clients.ts';
import { hookStatusDeps, tableNameFromEnv } from '../../shared/aws/hook-deps.ts';
import { handleHookStatusRequest, type HookStatusDeps, type StatusOutcome } from '../../shared/tasks/hook-status.ts';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'glidepath' });
const metrics = new Metrics({ namespace: 'Glidepath', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'glidepath' });

let deps: HookStatusDeps | undefined;

function record(outcome: StatusOutcome): void {
  // `message` is a reserved key of the Powertools logger.
  const { result, message: reason, ...rest } = outcome;
  const fields = { ...rest, ...(reason === undefined ? {} : { reason }) };
  if (fields.deploymentId) logger.appendKeys({ deploymentId: fields.deploymentId });
  if (result === 'accepted') logger.info('hook status recorded', fields);
  else if (result === 'rejected') logger.warn('hook status refused', fields);
  else logger.error('hook status not recorded', fields);
  metrics.addMetric(result === 'accepted' ? `HookReported${fields.status}` : 'HookReportRefused', MetricUnit.Count, 1);
}

/** The raw body: Function URLs base64-encode bodies they do not take for text. */
function bodyOf(event: LambdaFunctionURLEvent): string | Buffer {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64') : body;
}

export async function hookStatusHandler(event: LambdaFunctionURLEvent, injected?: HookStatusDeps): Promise<LambdaFunctionURLResult> {
  const base = injected ?? (deps ??= hookStatusDeps(defaultClients(), tableNameFromEnv()));
  return handleHookStatusRequest(
    { method: event.requestContext?.http?.method ?? 'GET', headers: event.headers ?? {}, body: bodyOf(event) },
    { ...base, onOutcome: record },
  );
}

export const handler = middy(async (event: LambdaFunctionURLEvent) => hookStatusHandler(event))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
