/**
 * The one wrapper every function uses: middy with Powertools Logger and Metrics, and four small
 * middlewares in order — parse the event (a field-named INVALID_REQUEST when it does not fit),
 * the deployment id as a log key, the outcome counted as metric `<Name><Outcome>`, and any failure
 * surfaced as a GlidepathError whose name is its code (so the state machine's Retry and Catch
 * match on it). The ports are built once per handler from its environment (functions/_lib/ports.ts);
 * tests and the local engine pass their own clock, environment or ports.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Clock } from '../../shared/core/ports/clock.ts';
import type { Log } from '../../shared/core/ports/log.ts';
import { systemClock } from '../../shared/aws/system-clock.ts';
import { toGlidepathError } from '../../shared/aws/sdk-errors.ts';
import type { Build, Env } from './ports.ts';

export const METRICS_NAMESPACE = 'Glidepath';

/** What every function gets besides the ports it names. */
export interface BasePorts {
  clock: Clock;
  log: Log;
}

/** A task's ports less the ones every function gets (the wrapper adds them). */
export type OwnPorts<T> = Omit<T, keyof BasePorts>;

/** One invocation, for handlers that need more than their input and ports. */
export interface Call {
  env: Env;
  context: Context;
  logger: Logger;
  /** Counts one of `metric` (unit Count). */
  count(metric: string): void;
}

export interface HandlerSpec<I, O, P> {
  /** The function as metrics and logs name it: `Shift`, `Trigger`, `SmokeInvoke`, … */
  name: string;
  /** The event as the function takes it; throws a GlidepathError naming the field when it does not fit. */
  parse: (event: unknown) => I;
  deploymentId?: (input: I) => string | undefined;
  ports: (build: Build) => P;
  run: (input: I, ports: P & BasePorts, call: Call) => Promise<O>;
  /** The outcome counted as metric `<name><Outcome>`. */
  outcome?: (output: O) => string;
  /** Powertools service name (default `glidepath`). */
  service?: string;
}

export interface HandlerOptions<P> {
  /** Default: process.env, read when the handler first runs. */
  env?: Env;
  clock?: Clock;
  /** Ports used as given instead of built. */
  ports?: Partial<P & BasePorts>;
  logger?: Logger;
  metrics?: Metrics;
}

export type Handler<O> = (event: unknown, context: Context) => Promise<O>;

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The logger as a task's Log (Powertools wants an object for the extra keys). */
export function logTo(logger: Logger): Log {
  return {
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  };
}

export function createTaskHandler<I, O, P>(spec: HandlerSpec<I, O, P>, options: HandlerOptions<P> = {}): Handler<O> {
  const serviceName = spec.service ?? process.env.POWERTOOLS_SERVICE_NAME ?? 'glidepath';
  const logger = options.logger ?? new Logger({ serviceName });
  const metrics = options.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  const base: BasePorts = { clock: options.clock ?? systemClock, log: logTo(logger) };
  let ports: (P & BasePorts) | undefined;

  const parse: MiddlewareObj = {
    before: (request) => {
      request.event = spec.parse(request.event);
    },
  };
  const deploymentKey: MiddlewareObj = {
    before: (request) => {
      const id = spec.deploymentId?.(request.event as I);
      if (id) logger.appendPersistentKeys({ deploymentId: id });
      else logger.removePersistentKeys(['deploymentId']);
    },
  };
  const outcomeMetric: MiddlewareObj = {
    after: (request) => {
      if (!spec.outcome) return;
      const outcome = spec.outcome(request.response as O);
      metrics.addMetric(`${spec.name}${capitalize(outcome)}`, MetricUnit.Count, 1);
      logger.info(`${spec.name} done`, { outcome });
    },
  };
  const errorMapping: MiddlewareObj = {
    onError: (request) => {
      const failure = toGlidepathError(request.error, spec.name);
      metrics.addMetric(`${spec.name}Error`, MetricUnit.Count, 1);
      metrics.addMetadata('errorCode', failure.code);
      logger.error(`${spec.name} failed`, { code: failure.code, field: failure.field, error: failure.message });
      request.error = failure;
    },
  };

  const core = async (input: I, context: Context): Promise<O> => {
    const env = options.env ?? process.env;
    ports ??= { ...spec.ports({ env, clock: base.clock, clients: new Map() }), ...base, ...options.ports } as P & BasePorts;
    const count = (metric: string) => metrics.addMetric(metric, MetricUnit.Count, 1);
    return spec.run(input, ports, { env, context, logger, count });
  };

  const wrapped = middy<unknown, O, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }))
    .use(errorMapping)
    .use(parse)
    .use(deploymentKey)
    .use(outcomeMetric)
    .handler((event, context) => core(event as I, context));
  return (event, context) => wrapped(event, context);
}
