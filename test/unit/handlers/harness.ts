/**
 * Shared arrangements for the controller handler tests: mocked SDK clients (aws-sdk-client-mock),
 * a fixed clock, a deployment record, and a reader for the UpdateExpressions the store writes.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchClient, type StateValue } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { Clients } from '../../../shared/aws/clients.ts';
import type { Clock } from '../../../shared/core/ports/clock.ts';
import type { ControllerPorts } from '../../../shared/core/ports/index.ts';
import { dynamoDeploymentStore } from '../../../shared/aws/dynamo-deployment-store.ts';
import { lambdaAliasRouter } from '../../../shared/aws/lambda-alias.ts';
import { cloudWatchAlarmReader } from '../../../shared/aws/alarms.ts';
import { lambdaFunctionConfigurations, lambdaFunctionTags } from '../../../shared/aws/lambda-function.ts';
import { sfnTaskTokens } from '../../../shared/aws/task-tokens.ts';
import { eventBridgeBus } from '../../../shared/aws/events.ts';
import { codeDeployLifecycleReporter } from '../../../shared/aws/codedeploy.ts';
import { newDeploymentRecord } from '../../../shared/core/deployment/records.ts';
import type { DeploymentRecord } from '../../../shared/core/model/record.ts';
import type { DeploymentRequest } from '../../../shared/core/model/request.ts';
import { planDeployment } from '../../../shared/core/planner.ts';
import type { HandlerOptions } from '../../../functions/_lib/handler.ts';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

export const T0 = Date.parse('2025-03-01T10:00:00.000Z');
let nowMs = T0;
export const clock = {
  set: (ms: number) => (nowMs = ms),
  advance: (seconds: number) => (nowMs += seconds * 1000),
  iso: (ms = nowMs) => new Date(ms).toISOString(),
};
/** The tests' clock port: time moves only when a test (or a sleep) moves it. */
export const testClock: Clock = {
  now: () => nowMs,
  sleep: async (seconds: number) => {
    nowMs += seconds * 1000;
  },
};

export const env = { tableName: 'glidepath-test', eventBusName: 'glidepath-bus' };

const config = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

export function mockedClients() {
  const clients: Clients = {
    lambda: new LambdaClient(config),
    cloudwatch: new CloudWatchClient(config),
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient(config)),
    sfn: new SFNClient(config),
    events: new EventBridgeClient(config),
    codedeploy: new CodeDeployClient(config),
  };
  const mocks = {
    lambda: mockClient(clients.lambda),
    cloudwatch: mockClient(clients.cloudwatch),
    ddb: mockClient(clients.ddb),
    sfn: mockClient(clients.sfn),
    events: mockClient(clients.events),
    codedeploy: mockClient(clients.codedeploy),
  };
  // A record change with history is a transaction: replayed as the one UpdateItem the tests' fakes decode.
  mocks.ddb.on(TransactWriteCommand).callsFake(async (input: TransactWriteCommandInput) => {
    await replayAsUpdate(clients, input);
    return {};
  });
  return { clients, mocks };
}

/** Sends a record change's transaction as its one UpdateItem (transactionAsUpdate); a failed condition cancels it, as DynamoDB would. */
export async function replayAsUpdate(clients: Pick<Clients, 'ddb'>, input: TransactWriteCommandInput): Promise<void> {
  const update = transactionAsUpdate(input);
  if (!update) return;
  try {
    await clients.ddb.send(new UpdateCommand(update));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    throw Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] });
  }
}

const HISTORY_KINDS: Record<string, string> = { 'EVENT#': 'events', 'WEIGHT#': 'weights', 'VERDICT#': 'verdicts' };

/**
 * A record change written with history (TransactWriteItems: the record's Update, then a Put per
 * entry) as one UpdateItem whose entries are list appends (`append.events`, … in decodeUpdate).
 */
export function transactionAsUpdate(input: TransactWriteCommandInput): UpdateCommandInput | undefined {
  const items = input.TransactItems ?? [];
  const update = items[0]?.Update;
  if (!update) return undefined;
  const appended: Record<string, unknown[]> = {};
  for (const item of items.slice(1)) {
    const put = item.Put?.Item;
    const kind = put && Object.entries(HISTORY_KINDS).find(([prefix]) => String(put.sk).startsWith(prefix))?.[1];
    if (!put || !kind) return undefined;
    const { pk: _pk, sk: _sk, deploymentId: _id, ...entry } = put;
    (appended[kind] ??= []).push(entry);
  }
  const names = { ...update.ExpressionAttributeNames };
  const values = { ...update.ExpressionAttributeValues };
  const clauses = Object.entries(appended).map(([kind, entries], i) => {
    names[`#h${i}`] = kind;
    values[`:h${i}e`] = [];
    values[`:h${i}v`] = entries;
    return `#h${i} = list_append(if_not_exists(#h${i}, :h${i}e), :h${i}v)`;
  });
  const expression = update.UpdateExpression ?? '';
  const setPart = /SET (.*?)(?: REMOVE |$)/.exec(expression)?.[1];
  const removePart = /REMOVE (.*)$/.exec(expression)?.[1];
  const sets = [...(setPart ? [setPart] : []), ...clauses];
  const UpdateExpression = [sets.length ? `SET ${sets.join(', ')}` : '', removePart ? `REMOVE ${removePart}` : ''].filter(Boolean).join(' ');
  return { ...update, UpdateExpression, ExpressionAttributeNames: names, ExpressionAttributeValues: values, ReturnValues: 'NONE' } as UpdateCommandInput;
}

/** The controller's ports on its AWS adapters, over the (mocked) clients. */
export function portsOf(clients: Clients, clock: Clock = testClock): Omit<ControllerPorts, 'log'> {
  return {
    store: dynamoDeploymentStore(clients.ddb, env.tableName),
    aliases: lambdaAliasRouter(clients.lambda),
    alarms: cloudWatchAlarmReader(clients.cloudwatch),
    functions: { ...lambdaFunctionConfigurations(clients.lambda), ...lambdaFunctionTags(clients.lambda) },
    tokens: sfnTaskTokens(clients.sfn),
    events: eventBridgeBus(clients.events, env.eventBusName),
    lifecycle: codeDeployLifecycleReporter(clients.codedeploy),
    clock,
  };
}

/** Options for createHandler: the ports on `clients`, the test clock, silent logger, a Metrics whose calls a test can spy on. */
export function handlerOptions(clients: Clients, clock: Clock = testClock): HandlerOptions<never> & { metrics: Metrics } {
  return {
    env: { TABLE_NAME: env.tableName, EVENT_BUS_NAME: env.eventBusName },
    clock,
    ports: portsOf(clients, clock) as never,
    logger: new Logger({ serviceName: 'glidepath', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'Glidepath', serviceName: 'glidepath' }),
  };
}

export const baseRequest: DeploymentRequest = {
  functionName: 'orders-api',
  alias: 'live',
  targetVersion: '8',
  strategy: 'Canary10Percent5Minutes',
  alarms: ['orders-5xx', 'orders-p99'],
};

export function deploymentRecord(overrides: Partial<DeploymentRecord> = {}, request: DeploymentRequest = baseRequest): DeploymentRecord {
  const base = newDeploymentRecord({
    id: 'gp-test-1',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:glidepath:gp-test-1',
    request,
    plan: { ...planDeployment(request), currentVersion: '7' },
    currentVersion: '7',
    revisionId: 'rev-1',
    at: clock.iso(T0),
  });
  return { ...base, ...overrides };
}

export interface DecodedUpdate {
  set: Record<string, unknown>;
  append: Record<string, unknown[]>;
  remove: string[];
  condition?: string;
}

/** Reads back an UpdateItem's expression as paths and values (for the builder's own output). */
export function decodeUpdate(input: {
  UpdateExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
  ConditionExpression?: string;
}): DecodedUpdate {
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  const path = (p: string) =>
    p
      .trim()
      .split('.')
      .map((s) => names[s] ?? s)
      .join('.');
  const out: DecodedUpdate = { set: {}, append: {}, remove: [] };
  const expr = input.UpdateExpression ?? '';
  const setPart = /SET (.*?)(?: REMOVE |$)/.exec(expr)?.[1];
  const removePart = /REMOVE (.*)$/.exec(expr)?.[1];
  if (setPart) {
    for (const clause of setPart.split(/, (?=#)/)) {
      const [lhs, rhs] = clause.split(' = ');
      const appended = /list_append\(if_not_exists\([^,]+, :\w+\), (:\w+)\)/.exec(rhs!);
      if (appended) out.append[path(lhs!)] = values[appended[1]!] as unknown[];
      else out.set[path(lhs!)] = values[rhs!.trim()];
    }
  }
  if (removePart) out.remove = removePart.split(', ').map(path);
  if (input.ConditionExpression) {
    let condition = input.ConditionExpression;
    for (const [k, v] of Object.entries(names).sort(([a], [b]) => b.length - a.length)) condition = condition.replaceAll(k, v);
    for (const [k, v] of Object.entries(values).sort(([a], [b]) => b.length - a.length)) condition = condition.replaceAll(k, JSON.stringify(v));
    out.condition = condition;
  }
  return out;
}

/** An SDK-shaped service error. */
export function awsError(name: string, message = name, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

/** The record as DynamoDB would return it (ALL_NEW) after an UpdateItem the store built. Conditions are not evaluated. */
export function applyUpdate<T extends object>(item: T, input: Parameters<typeof decodeUpdate>[0]): T {
  const out = structuredClone(item) as Record<string, unknown>;
  const decoded = decodeUpdate(input);
  const at = (path: string): [Record<string, unknown>, string] => {
    const parts = path.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    return [node, parts.at(-1)!];
  };
  for (const [path, value] of Object.entries(decoded.set)) {
    const [node, key] = at(path);
    node[key] = structuredClone(value);
  }
  for (const [path, items] of Object.entries(decoded.append)) {
    const [node, key] = at(path);
    node[key] = [...((node[key] as unknown[]) ?? []), ...structuredClone(items)];
  }
  for (const path of decoded.remove) {
    const [node, key] = at(path);
    delete node[key];
  }
  return out as unknown as T;
}

/** DescribeAlarms' metric alarms, as the tests write them. */
export type Alarms = { AlarmName: string; StateValue: StateValue }[];

/** A Lambda context such as the Lambda service passes, for calling a handler directly. */
export function lambdaContext(functionName = 'glidepath-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'test-request',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** The handler as a test calls it: with one event, in a Lambda context. */
export function inLambda<O>(handler: (event: unknown, context: Context) => Promise<O>): (event: unknown) => Promise<O> {
  return (event) => handler(event, lambdaContext());
}
