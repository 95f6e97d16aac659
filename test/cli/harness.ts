/**
 * Helpers for the CLI tests: the CLI is spawned as a process (`node cli/bin.mjs …`), against a
 * `glidepath local up` running in a child process, exactly as a user would run them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createFunctionWithVersions } from '../../shared/aws/sample-app.ts';
import { ordersSource, zipHandler } from '../../cli/demo/samples.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'cli', 'bin.mjs');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for a spawned CLI: no AWS settings inherited from the machine running the tests. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('AWS_') || key.startsWith('GLIDEPATH_') || key === 'NO_COLOR' || key === 'FORCE_COLOR') continue;
    env[key] = value;
  }
  return { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra };
}

export function runCli(args: string[], env: Record<string, string>, options: { cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`glidepath ${args.join(' ')} did not end within ${options.timeoutMs ?? 60_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A running CLI process (for `deploy --wait` or `status --watch` in the background). */
export function startCli(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [BIN, ...args], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

export interface LocalUp {
  child: ChildProcess;
  /** The variables `local up` printed, parsed from its `export K=V` lines. */
  env: Record<string, string>;
  /** Environment for spawned CLIs that find the engine through the printed variables. */
  cliEnv: Record<string, string>;
  stateDir: string;
  stdout: string;
  /** What it has written to stderr so far. */
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

export async function startLocalUp(options: { speed?: number | 'max'; args?: string[] } = {}): Promise<LocalUp> {
  const stateDir = mkdtempSync(join(tmpdir(), 'glidepath-cli-'));
  const child = spawn(process.execPath, [BIN, 'local', 'up', '--speed', String(options.speed ?? 600), ...(options.args ?? [])], {
    env: cleanEnv({ GLIDEPATH_STATE_DIR: stateDir }),
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local up did not print its environment in 30 s\nstdout: ${stdout}\nstderr: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (/GLIDEPATH_STATE_MACHINE_ARN|"stateMachineArn"/.test(stdout) && stdout.endsWith('\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`local up exited with ${code}\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
  const env = stdout.trim().startsWith('{') ? (JSON.parse(stdout) as { env: Record<string, string> }).env : parseExports(stdout);
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    env,
    cliEnv: cleanEnv({ ...env, GLIDEPATH_STATE_DIR: stateDir }),
    stateDir,
    stdout,
    stderr: () => stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      const code = await closed;
      rmSync(stateDir, { recursive: true, force: true });
      return code;
    },
  };
}

export function sdkConfig(env: Record<string, string>) {
  return {
    region: env.AWS_REGION!,
    endpoint: env.AWS_ENDPOINT_URL!,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
  };
}

/** A function with versions 1…n (each a real zip) and an alias on version 1. */
export async function createFunction(env: Record<string, string>, name: string, versions = 2, alias = 'live'): Promise<void> {
  const lambda = new LambdaClient(sdkConfig(env));
  const zips = Array.from({ length: versions }, (_, i) => zipHandler(ordersSource({ name: `v${i + 1}`, faulty: false })));
  await createFunctionWithVersions(lambda, { name, role: 'arn:aws:iam::000000000000:role/test' }, zips, alias);
  lambda.destroy();
}

export function cloudwatch(env: Record<string, string>): CloudWatchClient {
  return new CloudWatchClient(sdkConfig(env));
}

/** An alarm on the sum of metric `Errors` in `namespace` (any datapoint above 0 breaches it). */
export async function putErrorsAlarm(env: Record<string, string>, alarmName: string, namespace: string): Promise<void> {
  await cloudwatch(env).send(
    new PutMetricAlarmCommand({
      AlarmName: alarmName,
      Namespace: namespace,
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    }),
  );
}

/** Puts `Errors` datapoints in `namespace` every 50 ms until `ended` settles; then its result. */
export async function breachUntil<T>(env: Record<string, string>, namespace: string, ended: Promise<T>): Promise<T> {
  let over = false;
  void ended.then(
    () => (over = true),
    () => (over = true),
  );
  const cw = cloudwatch(env);
  while (!over) {
    await cw.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: [{ MetricName: 'Errors', Value: 5 }] }));
    await new Promise((r) => setTimeout(r, 50));
  }
  return ended;
}

export function lambda(env: Record<string, string>): LambdaClient {
  return new LambdaClient(sdkConfig(env));
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} not reached in ${timeoutMs} ms${lastError ? `: ${(lastError as Error).message}` : ''}`);
}

/** The JSON document a `--output json` command printed. */
export function json<T = Record<string, any>>(result: RunResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\nstderr: ${result.stderr}`);
  }
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getDeployment } from '../../shared/aws/deployment-store.ts';
import type { DeploymentRecord } from '../../shared/core/model/record.ts';

/** Reads a deployment record straight from the engine's table (to wait for a state in a test). */
export function recordReader(env: Record<string, string>): (id: string) => Promise<DeploymentRecord | undefined> {
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(sdkConfig(env)));
  return (id) => getDeployment({ ddb, tableName: env.GLIDEPATH_TABLE_NAME! }, id);
}

export type RecordReader = ReturnType<typeof recordReader>;

export interface LocalUpSuite {
  up: LocalUp;
  /** Environment for spawned CLIs (`up.cliEnv`). */
  env: Record<string, string>;
  read: RecordReader;
}

/**
 * A `local up` for the file's tests: started before them (at 600× unless told), with `functions`
 * created on it (versions 1 and 2, alias `live` on 1), and stopped after them. The returned object
 * is filled in by `beforeAll`: read its fields inside tests only.
 */
export function useLocalUp(functions: string[] = [], options: { speed?: number | 'max' } = {}): LocalUpSuite {
  const suite = {} as LocalUpSuite;
  beforeAll(async () => {
    const up = await startLocalUp({ speed: options.speed ?? 600 });
    Object.assign(suite, { up, env: up.cliEnv, read: recordReader(up.env) } satisfies LocalUpSuite);
    await Promise.all(functions.map((name) => createFunction(up.env, name)));
  }, 60_000);
  afterAll(async () => {
    await suite.up?.stop();
  });
  return suite;
}

/** The id a human `deploy` printed (`Started gp-…:`). */
export function startedId(stdout: string): string {
  const match = /Started (gp-[0-9a-z]+)/.exec(stdout);
  if (!match) throw new Error(`no deployment id in:\n${stdout}`);
  return match[1]!;
}
