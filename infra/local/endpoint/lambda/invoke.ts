/**
 * Invoke: resolves the qualifier (alias → a version drawn at random by the alias's weights,
 * version, or `$LATEST`), runs that version's handler with the Lambda runtime's environment, and
 * reports every invocation (for the AWS/Lambda metrics). RequestResponse answers with the payload;
 * Event answers 202 at once and runs in the background, retried twice on error as Lambda does.
 */
import { checkInvocable } from './lifecycle.ts';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { EngineClock } from '../../clock.ts';
import { ServiceError } from '../errors.ts';
import { validate } from '../validation.ts';
import { materialize } from './code.ts';
import { hostEnvironment } from './env.ts';
import { functionArn, functionNotFound, isVersionNumber, LATEST, type Account } from './names.ts';
import type { RunResult } from './runner.ts';
import { HandlerRunner } from './runner.ts';
import type { FunctionRecord, LambdaStore, VersionRecord } from './store.ts';

const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
const MAX_ASYNC_PAYLOAD = 256 * 1024;
/** Lambda retries a failed asynchronous invocation twice, after about one and two minutes. */
const ASYNC_RETRY_DELAYS_S = [60, 120];

export interface InvocationRecord {
  functionName: string;
  /** `name:alias` or `name:version` when the call was qualified. */
  resource?: string;
  executedVersion: string;
  durationMs: number;
  error: boolean;
  timestamp: number;
}

export interface InvokeOptions {
  qualifier?: string;
  invocationType?: 'RequestResponse' | 'Event' | 'DryRun';
  logType?: 'None' | 'Tail';
}

export interface InvokeResult {
  statusCode: number;
  payload: string;
  executedVersion: string;
  functionError?: string;
  logResult?: string;
}

export interface InvokerOptions {
  store: LambdaStore;
  clock: EngineClock;
  account: Account;
  /** Where sandboxes are unpacked (a folder under the project). */
  codeRoot: string;
  /** The engine's variables for every handler (endpoint URLs, table name…), read at each call. */
  engineEnv: () => Record<string, string>;
  onInvocation?: (record: InvocationRecord) => void;
  random?: () => number;
}

/** What a sandbox inherits from the host: the process basics, none of its AWS or application settings. */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LC_ALL', 'TZ', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'SYSTEMROOT'];

function baseEnvironment(): Record<string, string> {
  const host = hostEnvironment();
  const env: Record<string, string> = {};
  for (const key of INHERITED) {
    const value = host[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

export class Invoker {
  readonly runner = new HandlerRunner();
  readonly #pending = new Set<Promise<void>>();
  #closed = false;

  constructor(readonly options: InvokerOptions) {}

  async invoke(fn: FunctionRecord, payload: Buffer, options: InvokeOptions = {}): Promise<InvokeResult> {
    validate([
      ['invocationType', options.invocationType, { type: 'string', enum: ['Event', 'RequestResponse', 'DryRun'] }],
      ['logType', options.logType, { type: 'string', enum: ['None', 'Tail'] }],
    ]);
    checkInvocable(this.options.store.lifecycleOf(fn));
    const type = options.invocationType ?? 'RequestResponse';
    const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
    if (payload.length > limit) {
      throw new ServiceError('RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`, { status: 413 });
    }
    const event = parseEvent(payload);
    const { version, resource } = this.#route(fn, options.qualifier);
    if (type === 'DryRun') return { statusCode: 204, payload: '', executedVersion: version.version };
    if (type === 'Event') {
      const run = this.#runAsync(fn, version, resource, event);
      this.#pending.add(run);
      void run.finally(() => this.#pending.delete(run));
      return { statusCode: 202, payload: '', executedVersion: version.version };
    }
    const requestId = randomUUID();
    const result = await this.#run(fn, version, resource, event, requestId);
    return {
      statusCode: 200,
      payload: result.payload,
      executedVersion: version.version,
      ...(result.functionError ? { functionError: result.functionError } : {}),
      ...(options.logType === 'Tail' ? { logResult: Buffer.from(reportLines(requestId, version.version, result)).toString('base64') } : {}),
    };
  }

  /** Waits for background (Event) invocations still running. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  close(): void {
    this.#closed = true;
  }

  #route(fn: FunctionRecord, qualifier: string | undefined): { version: VersionRecord; resource?: string } {
    const { store } = this.options;
    if (qualifier === undefined || qualifier === LATEST) {
      return qualifier === undefined ? { version: fn.latest } : { version: fn.latest, resource: `${fn.name}:${LATEST}` };
    }
    if (isVersionNumber(qualifier)) return { version: store.resolve(fn, qualifier), resource: `${fn.name}:${qualifier}` };
    const alias = fn.aliases.get(qualifier);
    if (!alias) throw functionNotFound(store.account, fn.name, qualifier);
    let chosen = alias.functionVersion;
    const [extra] = Object.entries(alias.weights ?? {});
    if (extra && (this.options.random ?? Math.random)() < extra[1]) chosen = extra[0];
    return { version: store.resolve(fn, chosen), resource: `${fn.name}:${qualifier}` };
  }

  async #runAsync(fn: FunctionRecord, version: VersionRecord, resource: string | undefined, event: unknown): Promise<void> {
    const requestId = randomUUID();
    for (let attempt = 0; ; attempt++) {
      const result = await this.#run(fn, version, resource, event, requestId);
      const delay = ASYNC_RETRY_DELAYS_S[attempt];
      if (!result.functionError || delay === undefined || this.#closed) return;
      await this.options.clock.sleep(delay);
      if (this.#closed) return;
    }
  }

  async #run(fn: FunctionRecord, version: VersionRecord, resource: string | undefined, event: unknown, requestId: string): Promise<RunResult> {
    const { clock } = this.options;
    const started = clock.now();
    // A running function is work: virtual time stands still while it runs.
    const execute = () => this.#execute(fn, version, resource, event, requestId);
    const result = await (clock.holding ? clock.holding(execute) : execute());
    this.options.onInvocation?.({
      functionName: fn.name,
      ...(resource === undefined ? {} : { resource }),
      executedVersion: version.version,
      durationMs: result.durationMs,
      error: result.functionError !== undefined,
      timestamp: started,
    });
    return result;
  }

  #execute(fn: FunctionRecord, version: VersionRecord, resource: string | undefined, event: unknown, requestId: string): Promise<RunResult> {
    const { account, clock } = this.options;
    const config = version.config;
    if (!version.code.zip || config.handler === undefined) {
      const errorType = 'Runtime.ImportModuleError';
      const errorMessage = `The local engine runs ZipFile code only; this version's code is ${version.code.imageUri ? `the image ${version.code.imageUri}` : 'in S3 and no S3 resolver is configured'}.`;
      return Promise.resolve({ payload: JSON.stringify({ errorType, errorMessage }), functionError: 'Unhandled', errorType, durationMs: 0 });
    }
    const dir = join(this.options.codeRoot, `${fn.name}-${fn.id}`, version.sandbox);
    materialize(version.code.zip, dir);
    const qualifierArn = resource ? resource.slice(fn.name.length + 1) : undefined;
    const logStream = `${new Date(clock.now()).toISOString().slice(0, 10).replaceAll('-', '/')}/[${version.version}]${fn.id}`;
    const env: Record<string, string> = {
      ...baseEnvironment(),
      ...this.options.engineEnv(),
      ...config.environment,
      AWS_REGION: account.region,
      AWS_DEFAULT_REGION: account.region,
      AWS_ACCESS_KEY_ID: 'AKIAGLIDEPATHLOCAL00',
      AWS_SECRET_ACCESS_KEY: 'glidepath-local-secret',
      AWS_SESSION_TOKEN: 'glidepath-local-session',
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: version.version,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStream,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_EXECUTION_ENV: `AWS_Lambda_${config.runtime ?? 'nodejs'}`,
      LAMBDA_TASK_ROOT: dir,
      _HANDLER: config.handler,
    };
    return this.runner.run({
      dir,
      handler: config.handler,
      event,
      env,
      timeoutSeconds: config.timeout,
      nowIso: () => new Date(clock.now()).toISOString(),
      context: {
        functionName: fn.name,
        functionVersion: version.version,
        invokedFunctionArn: functionArn(account, fn.name, qualifierArn),
        memoryLimitInMB: String(config.memorySize),
        awsRequestId: requestId,
        logGroupName: `/aws/lambda/${fn.name}`,
        logStreamName: logStream,
      },
    });
  }
}

function parseEvent(payload: Buffer): unknown {
  if (payload.length === 0) return {};
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch (error) {
    throw new ServiceError('InvalidRequestContentException', `Could not parse request body into json: ${(error as Error).message}`);
  }
}

function reportLines(requestId: string, version: string, result: RunResult): string {
  const ms = result.durationMs.toFixed(2);
  return `START RequestId: ${requestId} Version: ${version}\nEND RequestId: ${requestId}\nREPORT RequestId: ${requestId}\tDuration: ${ms} ms\tBilled Duration: ${Math.ceil(result.durationMs)} ms\n`;
}
