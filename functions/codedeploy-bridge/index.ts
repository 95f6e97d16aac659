/**
 * codedeploy-bridge: the PreTraffic hook of a SAM DeploymentPreference (`Type: AllAtOnce`). Thin:
 * the core (shared/bridge/start-walk.ts) reads the CodeDeploy deployment and starts the Glidepath
 * walk, whose finish answers CodeDeploy.
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
import { startBridgeWalk, type BridgeOutcome } from '../../shared/bridge/start-walk.ts';

/** When neither the tag nor DEFAULT_STRATEGY says: CodeDeploy's own safest short canary. */
export const FALLBACK_STRATEGY = 'Canary10Percent5Minutes';

export interface BridgeOptions {
  clients?: Partial<Clients>;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

export function createHandler(options: BridgeOptions = {}) {
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'glidepath';
  const logger = options.logger ?? new Logger({ serviceName });
  const metrics = new Metrics({ namespace: 'Glidepath', serviceName });
  let clients: Clients | undefined;

  const core = async (event: unknown, context: Context): Promise<BridgeOutcome> => {
    const env = options.env ?? process.env;
    const stateMachineArn = env.STATE_MACHINE_ARN;
    if (!stateMachineArn) throw new GlidepathError('INTERNAL_ERROR', 'STATE_MACHINE_ARN is not set');
    clients ??= options.clients ? lazyClients(options.clients) : defaultClients();
    const outcome = await startBridgeWalk(event, {
      codedeploy: clients.codedeploy,
      lambda: clients.lambda,
      sfn: clients.sfn,
      stateMachineArn,
      defaultStrategy: env.DEFAULT_STRATEGY || FALLBACK_STRATEGY,
      selfArn: context.invokedFunctionArn ?? `arn:aws:lambda:${env.AWS_REGION ?? 'us-east-1'}:000000000000:function:glidepath-codedeploy-bridge`,
      now,
      log: {
        info: (message, extra) => logger.info(message, extra ?? {}),
        error: (message, extra) => logger.error(message, extra ?? {}),
      },
    });
    if (outcome.deploymentId) logger.appendKeys({ deploymentId: outcome.deploymentId });
    metrics.addMetric(outcome.status === 'Started' ? 'BridgeStarted' : 'BridgeRefused', MetricUnit.Count, 1);
    return outcome;
  };

  const wrapped = middy(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
  return (event: unknown, context?: Context) => wrapped(event, context ?? ({ functionName: 'glidepath-codedeploy-bridge', awsRequestId: 'local' } as Context)) as Promise<BridgeOutcome>;
}

export const handler = createHandler();
