/**
 * What the bench phases share: statistics, the request counter at the engine's endpoint, and
 * helpers that set up functions, alarms and deployments on an in-process local engine.
 */
import http from 'node:http';
import { join } from 'node:path';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { LocalEngine } from '../../infra/local/engine.ts';
import { recordWithHistory } from '../e2e/support/record.ts';
import type { Clients } from '../../shared/aws/clients.ts';
import type { DeploymentRequest } from '../../shared/core/model/request.ts';
import { buildClients } from '../../cli/clients.ts';
import { newDeploymentId } from '../../cli/deployment-id.ts';
import { createFunctionWithVersions } from '../../shared/aws/sample-app.ts';
import { ordersSource, zipHandler } from '../../cli/demo/samples.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

/** One line of the table: a figure, what was measured, its goal, and whether it is met. */
export interface Row {
  figure: string;
  measured: string;
  goal: string;
  met: boolean | undefined;
}

export const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
export const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
export const log = (text: string) => process.stderr.write(`bench: ${text}\n`);

// ------------------------------------------------------------------------------------------
// Counting requests at the engine's endpoint: every HTTP request its server receives (the
// endpoint has no counter of its own, so the server's 'request' event is wrapped).
// ------------------------------------------------------------------------------------------
export type Counts = Map<string, number>;
let counting: Counts | undefined;
let countedPort = -1;

/** Count the requests of the server listening on `port` from now on. */
export function countRequestsOn(port: number): void {
  countedPort = port;
}

function operationOf(req: http.IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const [prefix = '', op = ''] = target.split('.');
    const service = prefix.startsWith('DynamoDB') ? 'dynamodb' : prefix.startsWith('Granite') ? 'cloudwatch' : prefix.startsWith('AWSStepFunctions') ? 'sfn' : prefix.startsWith('CodeDeploy') ? 'codedeploy' : prefix;
    return `${service}:${op}`;
  }
  const path = (req.url ?? '').split('?')[0]!;
  const method = req.method ?? 'GET';
  if (/\/aliases\/[^/]+$/.test(path)) return `lambda:${method === 'PUT' ? 'UpdateAlias' : method === 'GET' ? 'GetAlias' : 'DeleteAlias'}`;
  if (/\/invocations$/.test(path)) return 'lambda:Invoke';
  if (/\/versions$/.test(path)) return `lambda:${method === 'POST' ? 'PublishVersion' : 'ListVersions'}`;
  if (/\/configuration$/.test(path)) return 'lambda:GetFunctionConfiguration';
  if (/\/functions\/[^/]+$/.test(path)) return `lambda:${method === 'GET' ? 'GetFunction' : method}`;
  return `other:${method} ${path}`;
}

const originalEmit = http.Server.prototype.emit as (this: http.Server, event: string, ...args: unknown[]) => boolean;
http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
  if (event === 'request' && counting) {
    const address = this.address();
    if (address && typeof address === 'object' && address.port === countedPort) {
      const op = operationOf(args[0] as http.IncomingMessage);
      counting.set(op, (counting.get(op) ?? 0) + 1);
    }
  }
  return originalEmit.call(this, event, ...args);
} as typeof http.Server.prototype.emit;

export async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; counts: Counts }> {
  counting = new Map();
  try {
    const value = await fn();
    return { value, counts: counting };
  } finally {
    counting = undefined;
  }
}

export interface Bench {
  engine: LocalEngine;
  clients: Clients;
}

/** A function with versions 1 and 2 of the demo's orders API and alias `live` on 1. */
export async function createFunction(b: Bench, name: string): Promise<void> {
  const zips = ['v1', 'v2'].map((release) => zipHandler(ordersSource({ name: release, faulty: false })));
  await createFunctionWithVersions(b.clients.lambda, { name, role: 'arn:aws:iam::000000000000:role/bench' }, zips, 'live');
}

export async function metricAlarm(b: Bench, name: string): Promise<void> {
  await b.clients.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'Bench',
      MetricName: name,
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'ignore',
    }),
  );
  await b.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'OK', StateReason: 'bench start' }));
}

/** Starts a deployment through the Step Functions API and waits for the execution in process. */
export async function deploy(b: Bench, request: DeploymentRequest): Promise<{ id: string; arn: string; wallMs: number; status: string }> {
  const id = newDeploymentId();
  const t0 = performance.now();
  const out = await b.clients.sfn.send(new StartExecutionCommand({ stateMachineArn: b.engine.stateMachineArn, name: id, input: JSON.stringify(request) }));
  const execution = b.engine.sfn.describeExecution(out.executionArn!);
  await execution.done;
  return { id, arn: out.executionArn!, wallMs: performance.now() - t0, status: execution.status };
}

export async function currentVersion(b: Bench, name: string): Promise<string> {
  return (await b.clients.lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }))).FunctionVersion!;
}

/** A deployment's record with its history (read from its own items). */
export function record(b: Bench, id: string) {
  return recordWithHistory({ ddb: b.clients.ddb, tableName: b.engine.tableName }, id);
}

/** A bench handle on an engine: SDK clients pointed at its endpoint. */
export function benchOn(engine: LocalEngine): Bench {
  return { engine, clients: buildClients({ region: engine.region, endpoint: engine.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }) };
}

export function markdownTable(head: string[], body: string[][]): string {
  const md = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [md(head), md(head.map(() => '---')), ...body.map(md)].join('\n');
}
