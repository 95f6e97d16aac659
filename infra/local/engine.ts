/**
 * The embedded local engine: one loopback endpoint speaking Lambda, CloudWatch,
 * CodeDeploy, Step Functions (and DynamoDB, proxied to dynalite), a compressed clock, and the
 * Glidepath state machine created from the same ASL file and template that SAM deploys, with
 * each Task bound to its real handler.
 */
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LocalStepFunctions } from './sfn/runtime.ts';
import { handleSfnOperation } from './sfn/wire.ts';
import { createTable, startDynalite } from './dynamo.ts';
import type { StoredSize } from './dynalite-memory.ts';
import { readStack, type StackModel } from './stack.ts';
import { createInvoker, type ControllerFunctions } from './invoker.ts';
import { SimulatedClock } from './clock.ts';
import { startEndpoint } from './endpoint/index.ts';
import { LocalWaysIn } from './ways-in/index.ts';
import { executionStatusChange, PUBLISHED_STATUSES } from './sfn/status-events.ts';
import { alarmStateChange } from './endpoint/cloudwatch/state-events.ts';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_STATE_MACHINE_NAME = 'glidepath-deployment';
export const LOCAL_TABLE_NAME = 'glidepath-local';

export interface LocalEngineOptions {
  /** Port of the endpoint (0 = any free port). */
  port?: number;
  /** Simulated seconds per real second: 1 = real time, 60 = a minute a second; `max` = virtual time (infra/local/clock.ts). */
  speed?: number | 'max';
  /** Seconds (engine clock) a new function stays Pending and an update InProgress (default 1). */
  functionTransitionSeconds?: number;
  region?: string;
  /** Powertools log level for the controller handlers (default ERROR: the engine stays quiet). */
  logLevel?: string;
  /** template.yaml parameters for the local EventBridge rules, e.g. `{TriggerBucketNames: 'a,b'}`. */
  parameters?: Record<string, string>;
  /**
   * Seconds (engine clock) a metric datapoint takes to show in GetMetricData/GetMetricStatistics,
   * as Lambda's arrive about a minute late on AWS (default GLIDEPATH_LOCAL_METRIC_LAG_SECONDS, else 60).
   */
  metricLagSeconds?: number;
}

export const DEFAULT_METRIC_LAG_SECONDS = 60;

/** The metric arrival lag: the option, else GLIDEPATH_LOCAL_METRIC_LAG_SECONDS, else a minute. */
export function metricLagSeconds(option: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (option !== undefined) return option;
  const text = env.GLIDEPATH_LOCAL_METRIC_LAG_SECONDS;
  if (text === undefined || text.trim() === '') return DEFAULT_METRIC_LAG_SECONDS;
  const seconds = Number(text);
  if (!(Number.isFinite(seconds) && seconds >= 0)) throw new RangeError(`GLIDEPATH_LOCAL_METRIC_LAG_SECONDS: must be zero or more seconds, got '${text}'`);
  return seconds;
}

export interface LocalEngine {
  url: string;
  port: number;
  region: string;
  stateMachineArn: string;
  tableName: string;
  clock: SimulatedClock;
  sfn: LocalStepFunctions;
  endpoint: Awaited<ReturnType<typeof startEndpoint>>;
  stack: StackModel;
  /** The environment a client needs to reach this engine (what `glidepath local up` prints). */
  env: Record<string, string>;
  /** S3, EventBridge, Scheduler and CodeDeploy of the ways in (infra/local/ways-in/). */
  waysIn: LocalWaysIn;
  /** What the local DynamoDB holds in memory (entries and their characters), for the soak. */
  storedSize(): Promise<StoredSize>;
  close(): Promise<void>;
}

const SERVICES = ['LAMBDA', 'CLOUDWATCH', 'CODEDEPLOY', 'SFN', 'DYNAMODB', 'EVENTBRIDGE', 'SCHEDULER', 'S3'];

export async function startLocalEngine(options: LocalEngineOptions = {}): Promise<LocalEngine> {
  const region = options.region ?? 'us-east-1';
  const clock = options.speed === 'max' ? new SimulatedClock({ virtual: true }) : new SimulatedClock({ speed: options.speed ?? 1 });
  const stack = readStack();

  const dynamo = await startDynalite();
  const waysIn = new LocalWaysIn({ clock, region, accountId: LOCAL_ACCOUNT });
  const endpoint = await startEndpoint({
    port: options.port ?? 0,
    clock,
    region,
    accountId: LOCAL_ACCOUNT,
    resolveS3Code: waysIn.s3.resolveCode,
    metricLagSeconds: metricLagSeconds(options.metricLagSeconds),
    ...(options.functionTransitionSeconds === undefined ? {} : { functionTransitionSeconds: options.functionTransitionSeconds }),
  });
  const url = endpoint.url;

  const env: Record<string, string> = {
    AWS_ENDPOINT_URL: url,
    ...Object.fromEntries(SERVICES.map((s) => [`AWS_ENDPOINT_URL_${s}`, url])),
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'glidepath-local',
    AWS_SECRET_ACCESS_KEY: 'glidepath-local',
    GLIDEPATH_TABLE_NAME: LOCAL_TABLE_NAME,
  };
  // The controller handlers run in this process, each invocation with this as its environment
  // (as on AWS, where each function has its own): the engine's own process.env is left alone.
  const controllerEnv: Record<string, string> = {
    ...env,
    TABLE_NAME: LOCAL_TABLE_NAME,
    EVENT_BUS_NAME: 'default',
    POWERTOOLS_SERVICE_NAME: 'glidepath',
    POWERTOOLS_METRICS_NAMESPACE: 'Glidepath',
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env.GLIDEPATH_LOG_LEVEL ?? 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    HOOK_STATUS_ENDPOINT: url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };

  // DynamoDB shares the one port: the endpoint hands DynamoDB_20120810.* to dynalite (in process).
  endpoint.proxyJsonTarget('DynamoDB_20120810', dynamo.url, { inProcess: dynamo.handle });
  const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
  await createTable(new DynamoDBClient({ endpoint: dynamo.url, region, credentials }), LOCAL_TABLE_NAME, stack.tableProperties);

  const controllers: ControllerFunctions = new Map(
    [...stack.functions.values()].map((fn) => [fn.localName, fn]),
  );
  const invoke = createInvoker({ controllers, region, accountId: LOCAL_ACCOUNT, env: controllerEnv, clock, clientEnv: env });
  // Glidepath's functions answer the Lambda Invoke API under their names too, as on AWS: the CLI
  // invokes the control function for operator actions.
  for (const name of controllers.keys()) endpoint.lambda.serveInProcess(name, (event) => invoke(name, event));
  // As on AWS, Step Functions and CloudWatch tell EventBridge of status and state changes, and
  // template.yaml's rules deliver them (to reconcile). Not while the engine shuts down.
  let closing = false;
  const sfn = new LocalStepFunctions({
    region,
    accountId: LOCAL_ACCOUNT,
    clock,
    invoke,
    onExecutionEnd: (execution) => {
      if (!closing && PUBLISHED_STATUSES.includes(execution.status)) waysIn.events?.publish(executionStatusChange(execution));
    },
  });
  endpoint.cloudwatch.alarms.onStateChange = (change) => {
    if (!closing) waysIn.events?.publish(alarmStateChange(change));
  };
  endpoint.registerJsonService('AWSStepFunctions', (op, body) => handleSfnOperation(sfn, op, body as Record<string, unknown>));

  let definition = readFileSync(stack.definitionPath, 'utf8');
  for (const [key, sub] of Object.entries(stack.substitutions)) {
    const fn = sub.functionLogicalId ? stack.functions.get(sub.functionLogicalId) : undefined;
    const value = fn ? `arn:aws:lambda:${region}:${LOCAL_ACCOUNT}:function:${fn.localName}` : (sub.literal ?? '');
    definition = definition.split(`\${${key}}`).join(value);
  }
  const sm = sfn.createStateMachine({ name: LOCAL_STATE_MACHINE_NAME, definition });
  env.GLIDEPATH_STATE_MACHINE_ARN = sm.arn;
  // What the trigger and the bridge read on AWS (template.yaml gives them STATE_MACHINE_ARN).
  controllerEnv.STATE_MACHINE_ARN = sm.arn;
  waysIn.attach({
    url,
    registerService: (service) => endpoint.registerService(service),
    invoke,
    stack,
    tableName: LOCAL_TABLE_NAME,
    stateMachineArn: sm.arn,
    env,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    ...(options.parameters ? { parameters: options.parameters } : {}),
  });

  return {
    url,
    port: endpoint.port,
    region,
    stateMachineArn: sm.arn,
    tableName: LOCAL_TABLE_NAME,
    clock,
    sfn,
    endpoint,
    stack,
    env,
    waysIn,
    storedSize: () => dynamo.storedSize(),
    async close() {
      closing = true;
      sfn.stopAll();
      waysIn.close();
      // A watcher tick under way still reads the table: let it end before the table goes.
      await waysIn.scheduledRules?.drain();
      await endpoint.close();
      await dynamo.close();
    },
  };
}
