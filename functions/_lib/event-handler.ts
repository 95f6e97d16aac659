/**
 * What the handlers of the ways in (trigger, codedeploy-bridge) share. Unlike a controller handler
 * (controller-handler.ts) they take an event from AWS, not a Task input, and answer it themselves:
 * middy with Powertools Logger and Metrics (EMF, namespace `Glidepath`), the container's clients
 * built once (each on first use), the logger handed to the core as its Log, and a context for
 * in-process calls (tests, the local engine) that pass none.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { GlidepathError } from '../../shared/core/errors.ts';
import { defaultClients, lazyClients, type Clients } from '../../shared/aws/clients.ts';
import type { Log } from '../../shared/core/ports/log.ts';
import { METRICS_NAMESPACE } from './constants.ts';

export interface EventHandlerOptions {
  clients?: Partial<Clients>;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

/** What the core of one call gets. */
export interface EventCall {
  env: NodeJS.ProcessEnv;
  clients: Clients;
  context: Context;
  logger: Logger;
  log: Log;
  /** Counts one of `metric` (unit Count). */
  count(metric: string): void;
}

/** A variable the function cannot work without (the template sets it): INTERNAL_ERROR when it is not. */
export function requiredEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new GlidepathError('INTERNAL_ERROR', `${name} is not set`);
  return value;
}

/** The logger as a core's Log (Powertools wants an object for the extra keys). */
export function logTo(logger: Logger): Log {
  return {
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  };
}

/** `glidepath-<name>` runs `run` for each event. */
export function eventHandler<O>(
  name: string,
  run: (event: unknown, call: EventCall) => Promise<O>,
  options: EventHandlerOptions = {},
): (event: unknown, context?: Context) => Promise<O> {
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'glidepath';
  const logger = options.logger ?? new Logger({ serviceName });
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  const log = logTo(logger);
  const count = (metric: string) => metrics.addMetric(metric, MetricUnit.Count, 1);
  let clients: Clients | undefined;

  const core = async (event: unknown, context: Context): Promise<O> => {
    clients ??= options.clients ? lazyClients(options.clients) : defaultClients();
    return run(event, { env: options.env ?? process.env, clients, context, logger, log, count });
  };

  const wrapped = middy(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
  return (event, context) => wrapped(event, context ?? ({ functionName: `glidepath-${name}`, awsRequestId: 'local' } as Context)) as Promise<O>;
}
