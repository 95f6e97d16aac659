/**
 * What every controller handler (prepare, shift, check-health, rollback, finish, control) shares:
 * middy with Powertools Logger (the deployment id as a persistent key) and Metrics (EMF, namespace
 * `Glidepath`, one metric per outcome), the Task input parsed with zod, the core called with the
 * container's clients, and any failure surfaced as a GlidepathError whose name is its code, so
 * the state machine's Retry and Catch match on it.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { z } from 'zod';
import { GlidepathError } from '../../shared/core/errors.ts';
import {
  clientsOf,
  makeCloudWatch,
  makeCodeDeploy,
  makeDocumentClient,
  makeEventBridge,
  makeLambda,
  makeSfn,
  type ClientFactories,
  type Clients,
} from '../../shared/aws/clients.ts';
import { toGlidepathError } from '../../shared/aws/sdk-errors.ts';
import { parseTaskInput } from '../../shared/core/deployment/schemas.ts';
import type { HandlerEnv, Notes } from '../../shared/tasks/env.ts';
import { METRICS_NAMESPACE } from './constants.ts';

export function envFromProcess(env: NodeJS.ProcessEnv = process.env): HandlerEnv {
  const tableName = env.TABLE_NAME;
  if (!tableName) throw new GlidepathError('INTERNAL_ERROR', 'TABLE_NAME is not set: the function has no deployment table');
  return { tableName, eventBusName: env.EVENT_BUS_NAME || 'default' };
}

export interface ControllerHandlerSpec<S extends z.ZodType, O> {
  /** The Task, as metrics name it: `Prepare`, `Shift`, `CheckHealth`, … */
  task: string;
  schema: S;
  /** The SDK clients the core uses (only these are bundled and built); every client when absent. */
  clients?: Partial<ClientFactories>;
  deploymentId: (input: z.output<S>) => string | undefined;
  run: (input: z.output<S>, clients: Clients, env: HandlerEnv, notes: Notes) => Promise<O>;
  /** The outcome counted as metric `<task><Outcome>` (e.g. `CheckHealthWait`). */
  outcome: (output: O) => string;
}

export interface HandlerOptions {
  clients?: Partial<Clients>;
  env?: HandlerEnv;
  logger?: Logger;
  metrics?: Metrics;
}

export type ControllerHandler<O> = (event: unknown, context?: Context) => Promise<O>;

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A context for in-process calls (tests, the local engine) that pass none. */
function localContext(task: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `glidepath-${task}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:glidepath-${task}`,
    memoryLimitInMB: '256',
    awsRequestId: 'local',
    logGroupName: `/aws/lambda/glidepath-${task}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 60_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** A handler with every SDK client available (bundles all of them). */
export function controllerHandler<S extends z.ZodType, O>(spec: ControllerHandlerSpec<S, O>, options: HandlerOptions = {}): ControllerHandler<O> {
  return controllerHandlerWith({ ...spec, clients: spec.clients ?? ALL_CLIENTS }, options);
}

const ALL_CLIENTS: ClientFactories = {
  lambda: makeLambda,
  cloudwatch: makeCloudWatch,
  ddb: makeDocumentClient,
  sfn: makeSfn,
  events: makeEventBridge,
  codedeploy: makeCodeDeploy,
};

/**
 * A handler with only the SDK clients its spec names: the bundle holds those and no others
 * (each unused client is some 50–110 KB of bundle and load time).
 */
export function controllerHandlerWith<S extends z.ZodType, O>(
  spec: ControllerHandlerSpec<S, O> & { clients: Partial<ClientFactories> },
  options: HandlerOptions = {},
): ControllerHandler<O> {
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'glidepath';
  const logger = options.logger ?? new Logger({ serviceName });
  const metrics = options.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  // Built once per container (a handler module is loaded once), each client on first use.
  const clients = (): Clients => clientsOf(spec.clients, options.clients);
  let resolved: Clients | undefined;
  const notes: Notes = { warn: (message, extra) => logger.warn(message, extra ?? {}) };

  const core = async (event: unknown): Promise<O> => {
    let input: z.output<S>;
    try {
      input = parseTaskInput(spec.schema, event, spec.task);
      const id = spec.deploymentId(input);
      if (id) logger.appendPersistentKeys({ deploymentId: id });
      else logger.removePersistentKeys(['deploymentId']);
      const output = await spec.run(input, (resolved ??= clients()), options.env ?? envFromProcess(), notes);
      metrics.addMetric(`${spec.task}${capitalize(spec.outcome(output))}`, MetricUnit.Count, 1);
      logger.info(`${spec.task} done`, { outcome: spec.outcome(output) });
      return output;
    } catch (error) {
      const failure = toGlidepathError(error, spec.task);
      metrics.addMetric(`${spec.task}Error`, MetricUnit.Count, 1);
      metrics.addMetadata('errorCode', failure.code);
      logger.error(`${spec.task} failed`, { code: failure.code, field: failure.field, error: failure.message });
      throw failure;
    }
  };

  const wrapped = middy(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
  return (event, context) => wrapped(event, context ?? localContext(spec.task)) as Promise<O>;
}
