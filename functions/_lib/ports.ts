/**
 * The composition root of the functions: each port built on its AWS adapter, once per handler
 * (a handler is created once per container), each SDK client on first need and shared by the
 * ports of that handler. A function names the ports it needs (functions/<name>/index.ts), so its
 * bundle holds only the SDK clients those ports use.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GlidepathError } from '../../shared/core/errors.ts';
import type { AlarmReader } from '../../shared/core/ports/alarm-reader.ts';
import type { AliasRouter } from '../../shared/core/ports/alias-router.ts';
import type { DeploymentStore } from '../../shared/core/ports/deployment-store.ts';
import type { EventBus } from '../../shared/core/ports/event-bus.ts';
import type { FunctionReader } from '../../shared/core/ports/function-reader.ts';
import type { LifecycleReporter } from '../../shared/core/ports/lifecycle-reporter.ts';
import type { TaskTokens } from '../../shared/core/ports/task-tokens.ts';
import { cloudWatchAlarmReader } from '../../shared/aws/alarms.ts';
import { cloudWatchMetricReader } from '../../shared/aws/metric-reader.ts';
import type { MetricReader } from '../../shared/core/ports/metric-reader.ts';
import { codeDeployLifecycleReporter } from '../../shared/aws/codedeploy.ts';
import {
  dynamoActiveDeployments,
  dynamoAlarmWatchers,
  dynamoAlarmWatches,
  dynamoDeploymentCreator,
  dynamoLockReleaser,
  dynamoRecordReader,
  dynamoRecordWriter,
  dynamoRejectionWriter,
} from '../../shared/aws/dynamo-deployment-store.ts';
import { eventBridgeBus } from '../../shared/aws/events.ts';
import { lambdaAliasReader, lambdaAliasRouter } from '../../shared/aws/lambda-alias.ts';
import { lambdaFunctionConfigurations, lambdaFunctionTags } from '../../shared/aws/lambda-function.ts';
import { sfnTaskTokens } from '../../shared/aws/task-tokens.ts';
import { DynamoHookStore } from '../../shared/aws/hook-store.ts';
import { lambdaHookInvoker } from '../../shared/aws/hook-invoker.ts';
import { sfnDeploymentStarter } from '../../shared/aws/start-deployment.ts';
import { sfnExecutionReader } from '../../shared/aws/execution-reader.ts';
import type { ExecutionReader } from '../../shared/core/ports/execution-reader.ts';
import { dynamoGroupStore } from '../../shared/aws/group-store.ts';
import { dynamoTriggerClaims } from '../../shared/aws/trigger-store.ts';
import { lambdaFunctionPublisher } from '../../shared/aws/function-code.ts';
import { codeDeployReader } from '../../shared/aws/codedeploy-deployment.ts';
import type { Clock } from '../../shared/core/ports/clock.ts';
import type { CodeDeployReader } from '../../shared/core/ports/codedeploy-reader.ts';
import type { DeploymentStarter } from '../../shared/core/ports/deployment-starter.ts';
import type { FunctionPublisher } from '../../shared/core/ports/function-publisher.ts';
import type { GroupStore } from '../../shared/core/ports/group-store.ts';
import type { TriggerClaims } from '../../shared/core/ports/trigger-claims.ts';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { fetchPoster } from '../../shared/aws/http-poster.ts';
import { snsPublisher } from '../../shared/aws/sns-publisher.ts';
import type { HttpPoster, SnsPublisher } from '../../shared/core/ports/notifications.ts';
import type { HookExecutionStore, HookInvoker } from '../../shared/core/hooks/types.ts';

export type Env = Record<string, string | undefined>;

/** What a port is built from: the function's environment, its clock and its SDK clients so far. */
export interface Build {
  env: Env;
  clock: Clock;
  clients: Map<string, unknown>;
}

/** A variable the function cannot work without (the template sets it): INTERNAL_ERROR when it is not. */
export function requiredEnv(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new GlidepathError('INTERNAL_ERROR', `${name} is not set: the function's template gives it`);
  return value;
}

function client<T>(build: Build, key: string, make: () => T): T {
  if (!build.clients.has(key)) build.clients.set(key, make());
  return build.clients.get(key) as T;
}

export const lambdaClient = (build: Build): LambdaClient => client(build, 'lambda', () => new LambdaClient({}));
export const sfnClient = (build: Build): SFNClient => client(build, 'sfn', () => new SFNClient({}));
export const codeDeployClient = (build: Build): CodeDeployClient => client(build, 'codedeploy', () => new CodeDeployClient({}));
export const cloudWatchClient = (build: Build): CloudWatchClient => client(build, 'cloudwatch', () => new CloudWatchClient({}));
export const documentClient = (build: Build): DynamoDBDocumentClient =>
  client(build, 'ddb', () => DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }));

const table = (build: Build) => ({ ddb: documentClient(build), tableName: requiredEnv(build.env, 'TABLE_NAME') });

// The deployment store in parts (each on its own DynamoDB actions): a function takes the parts its task uses.
export const recordReader = (build: Build): Pick<DeploymentStore, 'get'> => dynamoRecordReader(table(build));
export const recordWriter = (build: Build): Pick<DeploymentStore, 'update' | 'updateQuietly'> => dynamoRecordWriter(table(build));
export const deploymentCreator = (build: Build): Pick<DeploymentStore, 'create' | 'lock'> => dynamoDeploymentCreator(table(build));
export const rejectionWriter = (build: Build): Pick<DeploymentStore, 'putIfAbsent'> => dynamoRejectionWriter(table(build));
export const lockReleaser = (build: Build): Pick<DeploymentStore, 'releaseLock'> => dynamoLockReleaser(table(build));
export const alarmWatches = (build: Build): Pick<DeploymentStore, 'watchAlarms' | 'unwatchAlarms'> => dynamoAlarmWatches(table(build));
export const activeDeployments = (build: Build): Pick<DeploymentStore, 'active'> => dynamoActiveDeployments(table(build));
export const alarmWatchers = (build: Build): Pick<DeploymentStore, 'watchersOf'> => dynamoAlarmWatchers(table(build));

export const aliasReader = (build: Build): Pick<AliasRouter, 'read'> => lambdaAliasReader(lambdaClient(build));
export const aliasRouter = (build: Build): AliasRouter => lambdaAliasRouter(lambdaClient(build));
export const functionConfigurations = (build: Build): Pick<FunctionReader, 'configuration'> => lambdaFunctionConfigurations(lambdaClient(build));
export const functionTags = (build: Build): Pick<FunctionReader, 'tag'> => lambdaFunctionTags(lambdaClient(build));
export const alarmReader = (build: Build): AlarmReader => cloudWatchAlarmReader(cloudWatchClient(build));
export const metricReader = (build: Build): MetricReader => cloudWatchMetricReader(cloudWatchClient(build));
export const taskTokens = (build: Build): TaskTokens => sfnTaskTokens(sfnClient(build));
export const eventBus = (build: Build): EventBus =>
  eventBridgeBus(client(build, 'events', () => new EventBridgeClient({})), build.env.EVENT_BUS_NAME || 'default');
export const lifecycleReporter = (build: Build): LifecycleReporter => codeDeployLifecycleReporter(codeDeployClient(build));

export const hookExecutionStore = (build: Build): HookExecutionStore => new DynamoHookStore(documentClient(build), requiredEnv(build.env, 'TABLE_NAME'));
export const hookInvoker = (build: Build): HookInvoker => lambdaHookInvoker(lambdaClient(build));
export const deploymentStarter = (build: Build): DeploymentStarter => sfnDeploymentStarter(sfnClient(build), requiredEnv(build.env, 'STATE_MACHINE_ARN'));
export const executionReader = (build: Build): ExecutionReader => sfnExecutionReader(sfnClient(build), requiredEnv(build.env, 'STATE_MACHINE_ARN'));
export const groupStore = (build: Build): GroupStore => dynamoGroupStore(table(build));
export const triggerClaims = (build: Build): TriggerClaims => dynamoTriggerClaims(table(build));
export const functionPublisher = (build: Build): FunctionPublisher => lambdaFunctionPublisher(lambdaClient(build), build.clock);
export const codeDeployDeployments = (build: Build): CodeDeployReader => codeDeployReader(codeDeployClient(build));

/** Notify's ways out: webhooks over fetch, SNS Publish, and the real-time wait between attempts. */
export const notificationSenders = (): { http: HttpPoster; sns: SnsPublisher; sleep(ms: number): Promise<void> } => ({
  http: fetchPoster(),
  sns: snsPublisher(),
  sleep: (ms) => sleepFor(ms),
});
