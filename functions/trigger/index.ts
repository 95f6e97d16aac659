/**
 * trigger: the target of the EventBridge rules for S3 `Object Created` and ECR `ECR Image Action`
 * (PUSH, SUCCESS). Thin: the core (shared/triggers/deploy-push.ts) finds the deployment groups
 * the push deploys, updates the code, publishes a version and starts the deployments.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { now } from '../../shared/clock.ts';
import { GlidepathError } from '../../shared/errors.ts';
import { defaultClients, lazyClients, type Clients } from '../../shared/aws/clients.ts';
import { deployPush, type PushOutcome, type TriggerDeps } from '../../shared/triggers/deploy-push.ts';

export interface TriggerOptions {
  clients?: Partial<Clients>;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new GlidepathError('INTERNAL_ERROR', `${name} is not set`);
  return value;
}

export function createHandler(options: TriggerOptions = {}) {
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'glidepath';
  const logger = options.logger ?? new Logger({ serviceName });
  const metrics = new Metrics({ namespace: 'Glidepath', serviceName });
  let clients: Clients | undefined;

  const core = async (event: unknown): Promise<PushOutcome> => {
    const env = options.env ?? process.env;
    clients ??= options.clients ? lazyClients(options.clients) : defaultClients();
    const deps: TriggerDeps = {
      lambda: clients.lambda,
      sfn: clients.sfn,
      store: { ddb: clients.ddb, tableName: required(env, 'TABLE_NAME') },
      stateMachineArn: required(env, 'STATE_MACHINE_ARN'),
      now,
      log: {
        info: (message, extra) => logger.info(message, extra ?? {}),
        warn: (message, extra) => logger.warn(message, extra ?? {}),
        error: (message, extra) => logger.error(message, extra ?? {}),
      },
    };
    const outcome = await deployPush(event, deps);
    if (outcome.ignored) metrics.addMetric('PushIgnored', MetricUnit.Count, 1);
    for (const d of outcome.deployments) metrics.addMetric(`Push${d.status.charAt(0).toUpperCase()}${d.status.slice(1)}`, MetricUnit.Count, 1);
    return outcome;
  };

  const wrapped = middy(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
  return (event: unknown, context?: Context) => wrapped(event, context ?? ({ functionName: 'glidepath-trigger', awsRequestId: 'local' } as Context)) as Promise<PushOutcome>;
}

export const handler = createHandler();
