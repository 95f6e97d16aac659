/**
 * Where a command sends its calls: the one module that decides between the local engine and a
 * deployed stack. Both are reached the same way, through the AWS SDK clients (Step Functions,
 * DynamoDB, CloudWatch, Lambda); only endpoints and names differ.
 *
 * - `--local` or `GLIDEPATH_ENGINE=local`: the engine `glidepath local up` runs (found through the
 *   environment it printed, or its state file), else one started inside this command.
 * - otherwise a deployed stack: `--state-machine`/`--table`, else `GLIDEPATH_STATE_MACHINE_ARN`/
 *   `GLIDEPATH_TABLE_NAME`, else the outputs of the CloudFormation stack `--stack` (default `glidepath`).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { lazyClients, type Clients } from '../shared/aws/clients.ts';
import type { LocalEngine } from '../infra/local/engine.ts';
import type { CliIO } from './context.ts';
import { CliFailure, EXIT_CODES, explainUnreachable } from './exit-codes.ts';
import { estimateSimNow, readLocalState, type LocalState } from './local-state.ts';

export const DEFAULT_STACK = 'glidepath';
/** The clock speed of a local engine when none is given: one simulated minute per real second. */
export const DEFAULT_LOCAL_SPEED = 60;

export interface TargetOptions {
  local?: boolean;
  stack?: string;
  stateMachine?: string;
  table?: string;
  region?: string;
  /** Clock speed of an engine started inside the command (`max`: virtual time). */
  speed?: number | 'max';
  /** With --local and no engine running: start one inside the command (deploy, demo) or fail (the others). */
  startEngine?: boolean;
}

export type TargetKind = 'local' | 'embedded' | 'aws';

export interface Target {
  kind: TargetKind;
  /** For messages: `local engine http://127.0.0.1:4010`, `stack glidepath (eu-west-1)`. */
  description: string;
  stateMachineArn: string;
  /** The deployments table; undefined when it could not be found (only `deploy` works then). */
  tableName?: string;
  /** The EventBridge bus the controller publishes to (control actions announce on it). */
  eventBusName?: string;
  region?: string;
  clients: Clients;
  /** The target's clock in ms: simulated time on the local engine, the wall clock on AWS. */
  now(): Promise<number>;
  /** The engine started inside this command (kind `embedded`). */
  engine?: LocalEngine;
  close(): Promise<void>;
}

/** Adds the target flags to a command. */
export function addTargetOptions(command: Command): Command {
  return command
    .option('--local', 'use the local engine (the one `glidepath local up` runs, else one started for this command)')
    .option('--stack <name>', `CloudFormation stack of the deployed controller (default ${DEFAULT_STACK})`)
    .option('--state-machine <arn>', "the controller's state machine ARN (instead of reading the stack)")
    .option('--table <name>', "the controller's DynamoDB table (instead of reading the stack)")
    .option('--region <region>', 'AWS region (default: the SDK configuration)');
}

interface ClientConfig {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function buildClients(config: ClientConfig): Clients {
  const c = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  return lazyClients({
    lambda: new LambdaClient(c),
    cloudwatch: new CloudWatchClient(c),
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient(c), { marshallOptions: { removeUndefinedValues: true } }),
    sfn: new SFNClient(c),
    events: new EventBridgeClient(c),
    codedeploy: new CodeDeployClient(c),
  });
}

export function wantsLocal(options: TargetOptions, io: CliIO): boolean {
  return options.local === true || io.env.GLIDEPATH_ENGINE === 'local';
}

/** The execution ARN of a deployment: the execution is named after the deployment id. */
export function executionArnFor(stateMachineArn: string, id: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${id}`;
}

interface Health {
  now: number;
  speed: number;
}

async function health(url: string, timeoutMs = 1500): Promise<Health | undefined> {
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/__glidepath/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    const body = (await response.json()) as Partial<Health>;
    return typeof body.now === 'number' ? { now: body.now, speed: body.speed ?? 1 } : undefined;
  } catch {
    return undefined;
  }
}

async function describable(url: string, region: string, stateMachineArn: string, env: Record<string, string | undefined>): Promise<boolean> {
  const sfn = new SFNClient({ endpoint: url, region, credentials: localCredentials(env), maxAttempts: 1 });
  try {
    await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }), { abortSignal: AbortSignal.timeout(2000) as never });
    return true;
  } catch {
    return false;
  } finally {
    sfn.destroy();
  }
}

/** The engine answers: its admin health route, else the Step Functions API itself. */
async function reachable(url: string, region: string, stateMachineArn: string, env: Record<string, string | undefined>): Promise<boolean> {
  return (await health(url)) !== undefined || (await describable(url, region, stateMachineArn, env));
}

function localCredentials(env: Record<string, string | undefined>) {
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'glidepath-local',
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'glidepath-local',
  };
}

function localTarget(url: string, region: string, stateMachineArn: string, tableName: string, env: Record<string, string | undefined>, state?: LocalState): Target {
  return {
    kind: 'local',
    description: `local engine ${url}`,
    stateMachineArn,
    tableName,
    region,
    clients: buildClients({ region, endpoint: url, credentials: localCredentials(env) }),
    // The engine's simulated clock: from its health route, else from the state file's anchor.
    now: async () => (await health(url))?.now ?? estimateSimNow(state) ?? Date.now(),
    close: async () => undefined,
  };
}

async function startEmbedded(options: TargetOptions, io: CliIO): Promise<Target> {
  const { startLocalEngine } = await import('../infra/local/engine.ts');
  const engine = await startLocalEngine({ speed: options.speed ?? DEFAULT_LOCAL_SPEED, ...(options.region ? { region: options.region } : {}) });
  const credentials = { accessKeyId: engine.env.AWS_ACCESS_KEY_ID!, secretAccessKey: engine.env.AWS_SECRET_ACCESS_KEY! };
  io.stderr.write(`glidepath: no local engine is running; started one for this command (${engine.clock.virtual ? 'virtual time' : `speed ×${engine.clock.speed}`})\n`);
  return {
    kind: 'embedded',
    description: `local engine ${engine.url} (inside this command)`,
    stateMachineArn: engine.stateMachineArn,
    tableName: engine.tableName,
    region: engine.region,
    clients: buildClients({ region: engine.region, endpoint: engine.url, credentials }),
    now: async () => engine.clock.now(),
    engine,
    close: () => engine.close(),
  };
}

async function findLocal(options: TargetOptions, io: CliIO): Promise<Target> {
  const env = io.env;
  const url = env.AWS_ENDPOINT_URL_SFN ?? env.AWS_ENDPOINT_URL;
  const arn = env.GLIDEPATH_STATE_MACHINE_ARN;
  const state = readLocalState(io);
  const region = env.AWS_REGION ?? 'us-east-1';
  if (url && arn && (await reachable(url, region, arn, env))) {
    return localTarget(url, region, arn, env.GLIDEPATH_TABLE_NAME ?? 'glidepath-local', env, state?.url === url ? state : undefined);
  }
  if (state && (await reachable(state.url, state.region, state.stateMachineArn, state.env))) {
    return localTarget(state.url, state.region, state.stateMachineArn, state.tableName, state.env, state);
  }
  if (options.startEngine === true) return startEmbedded(options, io);
  throw new CliFailure(
    EXIT_CODES.unreachable,
    'no local engine is running: start one with `glidepath local up` (in another terminal), or export the variables it prints',
    'INTERNAL_ERROR',
    { field: '--local' },
  );
}

async function stackOutputs(stack: string, region: string | undefined): Promise<Record<string, string>> {
  const cfn = new CloudFormationClient(region ? { region } : {});
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    const outputs = out.Stacks?.[0]?.Outputs ?? [];
    return Object.fromEntries(outputs.filter((o) => o.OutputKey && o.OutputValue).map((o) => [o.OutputKey!, o.OutputValue!]));
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if ((error as { name?: string }).name === 'ValidationError' && /does not exist/.test(message)) {
      throw new CliFailure(
        EXIT_CODES.notFound,
        `stack ${stack} does not exist${region ? ` in ${region}` : ''}: deploy Glidepath with \`sam deploy\`, pass --stack, --state-machine, or use --local`,
        'INVALID_REQUEST',
        { field: '--stack' },
      );
    }
    throw explainUnreachable(error, `CloudFormation (stack ${stack})`);
  } finally {
    cfn.destroy();
  }
}

async function findStack(options: TargetOptions, io: CliIO): Promise<Target> {
  const region = options.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  let stateMachineArn = options.stateMachine ?? (options.stack === undefined ? io.env.GLIDEPATH_STATE_MACHINE_ARN : undefined);
  let tableName = options.table ?? (options.stack === undefined ? io.env.GLIDEPATH_TABLE_NAME : undefined);
  let description = stateMachineArn ? `state machine ${stateMachineArn}` : '';
  let eventBusName = io.env.GLIDEPATH_EVENT_BUS_NAME ?? 'default';
  if (stateMachineArn === undefined || tableName === undefined) {
    const stack = options.stack ?? DEFAULT_STACK;
    try {
      const outputs = await stackOutputs(stack, region);
      stateMachineArn ??= outputs.StateMachineArn;
      tableName ??= outputs.TableName;
      eventBusName = outputs.EventBusName ?? eventBusName;
      description = `stack ${stack}${region ? ` (${region})` : ''}`;
    } catch (error) {
      // A state machine given by hand is enough to deploy; only a missing one is fatal.
      if (stateMachineArn === undefined) throw error;
    }
    if (stateMachineArn === undefined) {
      throw new CliFailure(EXIT_CODES.notFound, `stack ${stack} has no StateMachineArn output: is it a Glidepath stack?`, 'INVALID_REQUEST', { field: '--stack' });
    }
  }
  const arnRegion = stateMachineArn.split(':')[3];
  const clientRegion = region ?? (arnRegion || undefined);
  return {
    kind: 'aws',
    description,
    stateMachineArn,
    ...(tableName === undefined ? {} : { tableName }),
    eventBusName,
    ...(clientRegion === undefined ? {} : { region: clientRegion }),
    clients: buildClients(clientRegion === undefined ? {} : { region: clientRegion }),
    now: async () => Date.now(),
    close: async () => undefined,
  };
}

export async function resolveTarget(options: TargetOptions, io: CliIO): Promise<Target> {
  return wantsLocal(options, io) ? findLocal(options, io) : findStack(options, io);
}

/** The table, or a message saying how to name it. */
export function requireTable(target: Target): string {
  if (target.tableName !== undefined) return target.tableName;
  throw new CliFailure(
    EXIT_CODES.invalidInput,
    '--table: is required to read deployments when the stack cannot be read (give --table or --stack)',
    'INVALID_REQUEST',
    { field: '--table' },
  );
}
