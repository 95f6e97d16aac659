/**
 * Real clients no one here wrote, run against the local engine: Debian's AWS CLI (`/usr/bin/aws`,
 * 2.9: the query protocol for CloudWatch; it ignores AWS_ENDPOINT_URL, so every call names
 * `--endpoint-url`) and Debian's boto3 (`/usr/bin/python3`). .ci/run installs both with apt-get;
 * outside CI a missing client skips the suite with one line, under CI=true it fails.
 * Error codes and members are checked against the botocore models Debian's python3-botocore ships.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const AWS_CLI = '/usr/bin/aws';
export const PYTHON = '/usr/bin/python3';
const BOTOCORE_DATA = '/usr/lib/python3/dist-packages/botocore/data';

function hasBoto3(): boolean {
  return existsSync(PYTHON) && existsSync('/usr/lib/python3/dist-packages/boto3') && existsSync(BOTOCORE_DATA);
}

/** Whether the suite can run; under CI a missing client is an error, elsewhere one line and a skip. */
export function clientsPresent(): boolean {
  const missing = [!existsSync(AWS_CLI) && `${AWS_CLI} (Debian's awscli)`, !hasBoto3() && `${PYTHON} with boto3 (Debian's python3-boto3, python3-botocore)`].filter(Boolean);
  if (missing.length === 0) return true;
  const line = `conformance: ${missing.join(' and ')} missing; apt-get install -y --no-install-recommends awscli python3-boto3 python3-botocore`;
  if (process.env.CI === 'true') throw new Error(line);
  console.warn(`${line} — skipping`);
  return false;
}

/** The environment of a client run: dummy credentials, no profile, no pager, nothing from the user's config. */
function clientEnv(region: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: 'conformance',
    AWS_SECRET_ACCESS_KEY: 'conformance',
    AWS_DEFAULT_REGION: region,
    AWS_REGION: region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  return env;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** `aws --endpoint-url <url> <args…> --output json`. */
export async function aws(url: string, region: string, args: string[]): Promise<Run & { json: any }> {
  const out = await run(AWS_CLI, ['--endpoint-url', url, '--output', 'json', ...args], clientEnv(region));
  let json: unknown;
  try {
    json = out.stdout.trim() === '' ? undefined : JSON.parse(out.stdout);
  } catch {
    json = undefined;
  }
  return { ...out, json };
}

/** The error code the CLI printed: `An error occurred (Code) when calling …`. */
export function cliErrorCode(out: Run): string | undefined {
  return /An error occurred \(([^)]+)\) when calling/.exec(out.stderr)?.[1];
}

/**
 * Runs a Python script with boto3; the script gets `client(name)` (pointed at the engine) and
 * `emit(value)`, which prints JSON the test reads back (datetimes as ISO strings).
 */
export async function boto3(url: string, region: string, script: string): Promise<any> {
  const prelude = `
import boto3, botocore, json, sys, datetime
from botocore.config import Config
def client(name, endpoint=${JSON.stringify(url)}, **kw):
    return boto3.client(name, endpoint_url=endpoint, region_name=${JSON.stringify(region)}, config=Config(retries={'max_attempts': 1}, **kw))
def emit(value):
    print(json.dumps(value, default=lambda o: o.isoformat() if isinstance(o, (datetime.datetime, datetime.date)) else str(o)))
def error_of(call):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return {'Code': e.response['Error'].get('Code'), 'Type': e.response['Error'].get('Type'), 'Message': e.response['Error'].get('Message'), 'Status': e.response['ResponseMetadata'].get('HTTPStatusCode'), 'Class': type(e).__name__}
    return None
`;
  const out = await run(PYTHON, ['-'], clientEnv(region), `${prelude}\n${script}\n`);
  if (out.code !== 0) throw new Error(`python3 (boto3) failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').at(-1)!);
}

/** botocore's model of a service (its newest API version), as Debian's python3-botocore ships it. */
export function botocoreModel(service: string): any {
  const dir = join(BOTOCORE_DATA, service);
  const version = readdirSync(dir).sort().at(-1)!;
  return JSON.parse(readFileSync(join(dir, version, 'service-2.json'), 'utf8'));
}

/** The error shapes an operation may answer with, by the model (plus the common ones every service can). */
export function modelErrors(model: any, operation: string): string[] {
  const op = model.operations[operation];
  if (!op) throw new Error(`no operation ${operation} in the ${model.metadata.serviceId} model`);
  return (op.errors ?? []).map((e: { shape: string }) => {
    const shape = model.shapes[e.shape];
    return shape?.error?.code ?? e.shape;
  });
}

/** The member names of an operation's output shape. */
function outputMembers(model: any, operation: string): string[] {
  const out = model.operations[operation]?.output?.shape;
  return out ? Object.keys(model.shapes[out].members) : [];
}
