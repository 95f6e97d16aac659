/**
 * Where a command sends its calls: the one module that decides between the local engine and a
 * deployed stack. Both are reached the same way, through the AWS SDK clients (Step Functions,
 * DynamoDB, CloudWatch, Lambda); only endpoints and names differ.
 *
 * - `--local` or `GLIDEPATH_ENGINE=local`: the engine `glidepath local up` runs (found through the
 *   environment it printed, or its state file), else one started inside this command.
 * - otherwise a deployed stack: `--state-machine`/`--table`, else `GLIDEPATH_STATE_MACHINE_ARN`/
 *   `GLIDEPATH_TABLE_NAME`, else the outputs of the CloudFormation stack `--stack` (default `glidepath`).
 *
 * Operator actions invoke the control function: `--control-function`, else
 * `GLIDEPATH_CONTROL_FUNCTION_ARN` (`glidepath local up` prints it), else the stack output
 * `ControlFunctionArn`, or on the local engine its own `glidepath-control`.
 */
import type { Command } from 'commander';
import { stateMachineAnswers } from '../shared/aws/executions.ts';
import { isMissingStack, readStackOutputs } from '../shared/aws/stack-outputs.ts';
import type { LocalEngine } from '../infra/local/engine.ts';
import { buildClients, withCloudFormation, withProbe, type CliClients } from './clients.ts';
import type { CliIO } from './context.ts';
import { CliFailure, EXIT_CODES, explainUnreachable } from './exit-codes.ts';
import { estimateSimNow, readLocalState, type LocalState } from './local-state.ts';

export const DEFAULT_STACK = 'glidepath';
/** The control function of the local engine (template.yaml's ControlFunction, named after its folder). */
const LOCAL_CONTROL_FUNCTION = 'glidepath-control';
/** The clock speed of a local engine when none is given: one simulated minute per real second. */
export const DEFAULT_LOCAL_SPEED = 60;

export interface TargetOptions {
  local?: boolean;
  stack?: string;
  stateMachine?: string;
  table?: string;
  region?: string;
  /** Clock speed of an engine started inside the command. */
  speed?: number;
  /** With --local and no engine running: start one inside the command (deploy, demo) or fail (the others). */
  startEngine?: boolean;
  /** The control function operator actions invoke (name or ARN). */
  controlFunction?: string;
}

export type TargetKind = 'local' | 'embedded' | 'aws';

export interface Target {
  kind: TargetKind;
  /** For messages: `local engine http://127.0.0.1:4010`, `stack glidepath (eu-west-1)`. */
  description: string;
  stateMachineArn: string;
  /** The deployments table; undefined when it could not be found (only `deploy` works then). */
  tableName?: string;
  region?: string;
  clients: CliClients;
  /** The target's clock in ms: simulated time on the local engine, the wall clock on AWS. */
  now(): Promise<number>;
  /** The control function (name or ARN) operator actions invoke; read from the stack on first use if need be. */
  controlFunction(): Promise<string>;
  /** An output of the deployed stack (read once); undefined on the local engine. */
  stackOutput(key: string): Promise<string | undefined>;
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

export function wantsLocal(options: TargetOptions, io: CliIO): boolean {
  return options.local === true || io.env.GLIDEPATH_ENGINE === 'local';
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
  return withProbe({ endpoint: url, region, credentials: localCredentials(env) }, (sfn) => stateMachineAnswers(sfn, stateMachineArn, 2000));
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

/** The local engine's control function: the one it printed, else its own name in the state machine's account. */
function localControlFunction(stateMachineArn: string, printed: string | undefined): string {
  if (printed) return printed;
  const [, , , region, account] = stateMachineArn.split(':');
  return `arn:aws:lambda:${region}:${account}:function:${LOCAL_CONTROL_FUNCTION}`;
}

function localTarget(url: string, region: string, stateMachineArn: string, tableName: string, env: Record<string, string | undefined>, control: string, state?: LocalState): Target {
  return {
    kind: 'local',
    description: `local engine ${url}`,
    stateMachineArn,
    tableName,
    region,
    clients: buildClients({ region, endpoint: url, credentials: localCredentials(env) }),
    // The engine's simulated clock: from its health route, else from the state file's anchor.
    now: async () => (await health(url))?.now ?? estimateSimNow(state) ?? Date.now(),
    controlFunction: async () => control,
    stackOutput: async () => undefined,
    close: async () => undefined,
  };
}

/** A target on an engine that lives inside this command (`deploy --local` with none running, `demo`). */
export function embeddedTarget(engine: LocalEngine, description = `local engine ${engine.url} (inside this command)`): Target {
  const credentials = { accessKeyId: engine.env.AWS_ACCESS_KEY_ID!, secretAccessKey: engine.env.AWS_SECRET_ACCESS_KEY! };
  return {
    kind: 'embedded',
    description,
    stateMachineArn: engine.stateMachineArn,
    tableName: engine.tableName,
    region: engine.region,
    clients: buildClients({ region: engine.region, endpoint: engine.url, credentials }),
    now: async () => engine.clock.now(),
    controlFunction: async () => localControlFunction(engine.stateMachineArn, engine.env.GLIDEPATH_CONTROL_FUNCTION_ARN),
    stackOutput: async () => undefined,
    engine,
    close: () => engine.close(),
  };
}

async function startEmbedded(options: TargetOptions, io: CliIO): Promise<Target> {
  const { startLocalEngine } = await import('../infra/local/engine.ts');
  const engine = await startLocalEngine({ speed: options.speed ?? DEFAULT_LOCAL_SPEED, ...(options.region ? { region: options.region } : {}) });
  io.stderr.write(`glidepath: no local engine is running; started one for this command (speed ×${engine.clock.speed})\n`);
  const target = embeddedTarget(engine);
  return options.controlFunction === undefined ? target : { ...target, controlFunction: async () => options.controlFunction! };
}

async function findLocal(options: TargetOptions, io: CliIO): Promise<Target> {
  const env = io.env;
  const url = env.AWS_ENDPOINT_URL_SFN ?? env.AWS_ENDPOINT_URL;
  const arn = env.GLIDEPATH_STATE_MACHINE_ARN;
  const state = readLocalState(io);
  const region = env.AWS_REGION ?? 'us-east-1';
  if (url && arn && (await reachable(url, region, arn, env))) {
    const control = options.controlFunction ?? localControlFunction(arn, env.GLIDEPATH_CONTROL_FUNCTION_ARN);
    return localTarget(url, region, arn, env.GLIDEPATH_TABLE_NAME ?? 'glidepath-local', env, control, state?.url === url ? state : undefined);
  }
  if (state && (await reachable(state.url, state.region, state.stateMachineArn, state.env))) {
    const control = options.controlFunction ?? localControlFunction(state.stateMachineArn, state.env.GLIDEPATH_CONTROL_FUNCTION_ARN);
    return localTarget(state.url, state.region, state.stateMachineArn, state.tableName, state.env, control, state);
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
  try {
    return await withCloudFormation(region ? { region } : {}, (cloudformation) => readStackOutputs(cloudformation, stack));
  } catch (error) {
    if (isMissingStack(error)) {
      throw new CliFailure(
        EXIT_CODES.notFound,
        `stack ${stack} does not exist${region ? ` in ${region}` : ''}: deploy Glidepath with \`sam deploy\`, pass --stack, --state-machine, or use --local`,
        'INVALID_REQUEST',
        { field: '--stack' },
      );
    }
    throw explainUnreachable(error, `CloudFormation (stack ${stack})`);
  }
}

async function findStack(options: TargetOptions, io: CliIO): Promise<Target> {
  const region = options.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  const fromEnv = (name: string) => (options.stack === undefined ? io.env[name] : undefined);
  let stateMachineArn = options.stateMachine ?? fromEnv('GLIDEPATH_STATE_MACHINE_ARN');
  let tableName = options.table ?? fromEnv('GLIDEPATH_TABLE_NAME');
  let controlFunction = options.controlFunction ?? fromEnv('GLIDEPATH_CONTROL_FUNCTION_ARN');
  let description = stateMachineArn ? `state machine ${stateMachineArn}` : '';
  const stack = options.stack ?? DEFAULT_STACK;
  let outputs: Promise<Record<string, string>> | undefined;
  const readOutputs = () => (outputs ??= stackOutputs(stack, region));
  if (stateMachineArn === undefined || tableName === undefined) {
    try {
      const read = await readOutputs();
      stateMachineArn ??= read.StateMachineArn;
      tableName ??= read.TableName;
      controlFunction ??= read.ControlFunctionArn;
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
    ...(clientRegion === undefined ? {} : { region: clientRegion }),
    clients: buildClients(clientRegion === undefined ? {} : { region: clientRegion }),
    now: async () => Date.now(),
    controlFunction: async () => {
      controlFunction ??= (await readOutputs()).ControlFunctionArn;
      if (controlFunction !== undefined) return controlFunction;
      throw new CliFailure(EXIT_CODES.notFound, `--control-function: stack ${stack} has no ControlFunctionArn output; give --control-function`, 'INVALID_REQUEST', {
        field: '--control-function',
      });
    },
    stackOutput: async (key) => (await readOutputs())[key],
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
