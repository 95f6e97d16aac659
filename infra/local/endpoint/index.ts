/**
 * The local engine's loopback AWS endpoint: one HTTP server on 127.0.0.1 speaking the real wire
 * protocols, so the AWS SDK v3 clients work unchanged through `AWS_ENDPOINT_URL*`. Lambda and
 * CloudWatch are built in; other services plug in with `registerService` (see services.ts).
 *
 *   const endpoint = await startEndpoint({ clock: new SimulatedClock({ speed: 60 }) });
 *   new LambdaClient({ endpoint: endpoint.url, region: endpoint.region, credentials: LOCAL_CREDENTIALS });
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { join } from 'node:path';
import { SimulatedClock, type EngineClock } from '../clock.ts';
import { processAlive } from '../process-alive.ts';
import { LocalCloudWatch } from './cloudwatch/index.ts';
import { FaultInjector } from './faults.ts';
import { MODELLED_SERVICES, modelOperations } from './fault-operations.ts';
import { LocalLambda } from './lambda/index.ts';
import type { S3CodeResolver } from './lambda/store.ts';
import { startHttpEndpoint } from './server.ts';
import { PROJECT_ROOT } from '../package-root.ts';
import { ServiceError } from './errors.ts';
import { jsonService, ServiceRegistry, TARGET_NAMES, type JsonService, type Service } from './services.ts';

const CODE_ROOTS = join(PROJECT_ROOT, '.glidepath', 'local');

/** Removes the code folders of engines whose process is gone (killed before it could clean up). */
function sweepStaleCodeRoots(): void {
  let entries: string[];
  try {
    entries = readdirSync(CODE_ROOTS);
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(/^endpoint-(\d+)-/.exec(entry)?.[1]);
    if (pid && pid !== process.pid && !processAlive(pid)) rmSync(join(CODE_ROOTS, entry), { recursive: true, force: true });
  }
}

/** Dummy credentials: the endpoint accepts any signature. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'AKIAGLIDEPATHLOCAL00', secretAccessKey: 'glidepath-local-secret' };

export interface JsonServiceOptions {
  name?: string;
  jsonVersion?: '1.0' | '1.1';
  queryCompatible?: boolean;
  throttleError?: () => ServiceError;
}

export interface EndpointOptions {
  /** TCP port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** The engine clock (default: a SimulatedClock at speed 1). */
  clock?: EngineClock;
  region?: string;
  accountId?: string;
  /** Extra variables for every handler, e.g. `AWS_ENDPOINT_URL_DYNAMODB`, `TABLE_NAME`. */
  handlerEnv?: Record<string, string>;
  /** Folder for unpacked function code (default `.glidepath/local/<unique>` under the project). */
  codeRoot?: string;
  /** Source of weighted-alias draws (default Math.random). */
  random?: () => number;
  /** Fetches S3 deployment packages (Code.S3Bucket/S3Key); without it S3 code is recorded only. */
  resolveS3Code?: S3CodeResolver;
  /** Evaluate alarms on the clock and on DescribeAlarms (default true). */
  autoEvaluateAlarms?: boolean;
  /** Seconds (engine clock) a new function stays Pending and an update InProgress (default 1). */
  functionTransitionSeconds?: number;
  /** Seconds (engine clock) before a datapoint shows in GetMetricData/GetMetricStatistics (default 0). */
  metricLagSeconds?: number;
}

export interface Endpoint {
  url: string;
  port: number;
  region: string;
  accountId: string;
  clock: EngineClock;
  lambda: LocalLambda;
  cloudwatch: LocalCloudWatch;
  faults: FaultInjector;
  /** Variables every handler gets on top of the engine's own; mutable (e.g. once DynamoDB is up). */
  handlerEnv: Record<string, string>;
  registerService(service: Service): () => void;
  /**
   * Shorthand for an awsJson service: `registerJsonService('AWSStepFunctions', (op, input) => …)`.
   * The name used by fault injection comes from the prefix (`sfn`, `codedeploy`, `events`, …).
   */
  registerJsonService(targetPrefix: string, handle: JsonService['handle'], options?: JsonServiceOptions): () => void;
  /**
   * Forwards one x-amz-target prefix to another local server, e.g. DynamoDB to dynalite; with
   * `inProcess` (that server's request listener) the request is answered without a second hop.
   */
  proxyJsonTarget(targetPrefix: string, targetUrl: string, options?: { name?: string; inProcess?: RequestListener }): () => void;
  /** The variables that point an SDK (or the AWS CLI) at this endpoint. */
  clientEnv(): Record<string, string>;
  close(): Promise<void>;
}

export async function startEndpoint(options: EndpointOptions = {}): Promise<Endpoint> {
  const clock = options.clock ?? new SimulatedClock();
  const account = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' };
  const registry = new ServiceRegistry();
  const faults = new FaultInjector({
    // Services served now or later (Step Functions, DynamoDB, … register when the stack starts).
    services: () => [...new Set([...registry.names(), ...MODELLED_SERVICES])],
    operations: (service) => modelOperations(service),
  });
  const handlerEnv: Record<string, string> = { ...options.handlerEnv };
  if (options.codeRoot === undefined) sweepStaleCodeRoots();
  const codeRoot = options.codeRoot ?? join(CODE_ROOTS, `endpoint-${process.pid}-${randomUUID().slice(0, 8)}`);
  const removeCode = () => rmSync(codeRoot, { recursive: true, force: true });
  process.once('exit', removeCode);

  const http = await startHttpEndpoint(options.port ?? 0, { clock, region: account.region, accountId: account.accountId, registry, faults });
  const clientEnv = (): Record<string, string> => ({
    AWS_ENDPOINT_URL: http.url,
    AWS_ENDPOINT_URL_LAMBDA: http.url,
    AWS_ENDPOINT_URL_CLOUDWATCH: http.url,
    AWS_REGION: account.region,
    AWS_DEFAULT_REGION: account.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });

  const cloudwatch = new LocalCloudWatch({
    clock,
    account,
    ...(options.autoEvaluateAlarms === undefined ? {} : { autoEvaluate: options.autoEvaluateAlarms }),
    ...(options.metricLagSeconds === undefined ? {} : { metricLagSeconds: options.metricLagSeconds }),
  });
  const lambda = new LocalLambda({
    clock,
    account,
    codeRoot,
    engineEnv: () => ({ ...clientEnv(), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...handlerEnv }),
    onInvocation: (record) => cloudwatch.recordInvocation(record),
    ...(options.random ? { random: options.random } : {}),
    ...(options.resolveS3Code ? { resolveS3Code: options.resolveS3Code } : {}),
    ...(options.functionTransitionSeconds === undefined ? {} : { transitionSeconds: options.functionTransitionSeconds }),
  });
  registry.register(lambda.service);
  registry.register(cloudwatch.service);
  cloudwatch.start();

  return {
    url: http.url,
    port: http.port,
    region: account.region,
    accountId: account.accountId,
    clock,
    lambda,
    cloudwatch,
    faults,
    handlerEnv,
    registerService: (service) => registry.register(service),
    registerJsonService: (targetPrefix, handle, o = {}) =>
      registry.register(
        jsonService({
          name: o.name ?? TARGET_NAMES[targetPrefix] ?? targetPrefix,
          targetPrefix,
          jsonVersion: o.jsonVersion ?? (targetPrefix.startsWith('CodeDeploy_') || targetPrefix === 'AWSEvents' ? '1.1' : '1.0'),
          handle,
          ...(o.queryCompatible ? { queryCompatible: true } : {}),
          ...(o.throttleError ? { throttleError: o.throttleError } : {}),
        }),
      ),
    proxyJsonTarget: (targetPrefix, targetUrl, o = {}) =>
      registry.register({
        kind: 'proxy',
        name: o.name ?? TARGET_NAMES[targetPrefix] ?? targetPrefix,
        targetPrefix,
        target: targetUrl,
        ...(o.inProcess ? { inProcess: o.inProcess } : {}),
      }),
    clientEnv,
    async close() {
      cloudwatch.close();
      lambda.invoker.close();
      await http.close();
      lambda.close();
      process.off('exit', removeCode);
    },
  };
}

