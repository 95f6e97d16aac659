/**
 * A function version's configuration: validated from CreateFunction / UpdateFunctionConfiguration
 * as the service validates it, and rendered as the model's `FunctionConfiguration`.
 */
import { Runtime } from '@aws-sdk/client-lambda';
import { ServiceError } from '../errors.ts';
import { validate, type Check } from '../validation.ts';
import { invalidParameter } from './names.ts';

export interface FunctionConfig {
  packageType: 'Zip' | 'Image';
  runtime?: string;
  handler?: string;
  role: string;
  description: string;
  timeout: number;
  memorySize: number;
  environment?: Record<string, string>;
  deadLetterTargetArn?: string;
  architectures: string[];
  tracingMode: string;
  ephemeralStorage: number;
  kmsKeyArn?: string;
  layers: string[];
}

const ROLE_PATTERN = 'arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';
const RESOURCE_ARN_PATTERN = '(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()';
const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const RUNTIMES = Object.values(Runtime) as string[];
/** Keys the Lambda runtime sets itself; the service refuses them in Environment. */
const RESERVED_ENV = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

type Body = Record<string, unknown>;

function configChecks(body: Body, creating: boolean): Check[] {
  const env = (body.Environment as Body | undefined)?.Variables;
  return [
    ['role', body.Role, { required: creating, type: 'string', pattern: ROLE_PATTERN }],
    ['runtime', body.Runtime, { type: 'string', enum: RUNTIMES }],
    ['handler', body.Handler, { type: 'string', maxLength: 128, pattern: '[^\\s]+' }],
    ['description', body.Description, { type: 'string', minLength: 0, maxLength: 256 }],
    ['timeout', body.Timeout, { type: 'integer', min: 1, max: 900 }],
    ['memorySize', body.MemorySize, { type: 'integer', min: 128, max: 10240 }],
    ['environment', body.Environment, { type: 'structure' }],
    ['environment.variables', env, { type: 'map' }],
    ['deadLetterConfig.targetArn', (body.DeadLetterConfig as Body | undefined)?.TargetArn, { type: 'string', pattern: RESOURCE_ARN_PATTERN }],
    ['kMSKeyArn', body.KMSKeyArn, { type: 'string', pattern: RESOURCE_ARN_PATTERN }],
    ['tracingConfig.mode', (body.TracingConfig as Body | undefined)?.Mode, { type: 'string', enum: ['Active', 'PassThrough'] }],
    ['ephemeralStorage.size', (body.EphemeralStorage as Body | undefined)?.Size, { type: 'integer', min: 512, max: 10240 }],
    ['layers', body.Layers, { type: 'list' }],
  ];
}

function checkRuntime(runtime: string | undefined): void {
  if (runtime === undefined) return;
  const node = /^nodejs(\d+)?/.exec(runtime);
  if (!node) {
    throw invalidParameter(`The local engine runs Node.js functions only; runtime ${runtime} is valid on AWS but cannot run here.`);
  }
  if (node[1] === undefined || Number(node[1]) < 18) {
    throw invalidParameter(
      `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.`,
    );
  }
}

function checkEnvironment(variables: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (variables === undefined) return undefined;
  const badKeys = Object.keys(variables).filter((k) => !ENV_KEY.test(k));
  if (badKeys.length > 0) {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+] (${badKeys.join(', ')})`,
    );
  }
  const reserved = Object.keys(variables).filter((k) => RESERVED_ENV.has(k));
  if (reserved.length > 0) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const result: Record<string, string> = {};
  for (const [k, v] of Object.entries(variables)) result[k] = String(v);
  const measured = JSON.stringify(result);
  if (Buffer.byteLength(measured) > 4096) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
  return result;
}

function checkArchitectures(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  validate([['architectures', value, { type: 'list', minLength: 1, maxLength: 1 }]]);
  const [arch] = value as unknown[];
  validate([['architectures.1.member', arch, { type: 'string', enum: ['x86_64', 'arm64'] }]]);
  return [arch as string];
}

/** The configuration of a new function; throws as the service does on a bad request. */
export function configFromCreate(body: Body): FunctionConfig {
  validate([['packageType', body.PackageType, { type: 'string', enum: ['Zip', 'Image'] }], ...configChecks(body, true)]);
  const packageType = (body.PackageType as 'Zip' | 'Image' | undefined) ?? 'Zip';
  if (packageType === 'Zip' && (body.Runtime === undefined || body.Handler === undefined)) {
    throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
  }
  checkRuntime(body.Runtime as string | undefined);
  const config: FunctionConfig = {
    packageType,
    role: body.Role as string,
    description: (body.Description as string | undefined) ?? '',
    timeout: (body.Timeout as number | undefined) ?? 3,
    memorySize: (body.MemorySize as number | undefined) ?? 128,
    architectures: checkArchitectures(body.Architectures) ?? ['x86_64'],
    tracingMode: ((body.TracingConfig as Body | undefined)?.Mode as string | undefined) ?? 'PassThrough',
    ephemeralStorage: ((body.EphemeralStorage as Body | undefined)?.Size as number | undefined) ?? 512,
    layers: ((body.Layers as string[] | undefined) ?? []).map(String),
  };
  if (packageType === 'Zip') {
    config.runtime = body.Runtime as string;
    config.handler = body.Handler as string;
  }
  const environment = checkEnvironment((body.Environment as Body | undefined)?.Variables as Record<string, unknown> | undefined);
  if (environment) config.environment = environment;
  const dlq = (body.DeadLetterConfig as Body | undefined)?.TargetArn as string | undefined;
  if (dlq) config.deadLetterTargetArn = dlq;
  if (typeof body.KMSKeyArn === 'string' && body.KMSKeyArn !== '') config.kmsKeyArn = body.KMSKeyArn;
  return config;
}

/** UpdateFunctionConfiguration: the fields present replace the current ones. */
export function configFromUpdate(current: FunctionConfig, body: Body): FunctionConfig {
  validate(configChecks(body, false));
  checkRuntime(body.Runtime as string | undefined);
  if (current.packageType === 'Image' && (body.Runtime !== undefined || body.Handler !== undefined)) {
    throw invalidParameter('Please do not provide Runtime or Handler when updating a function with packageType Image.');
  }
  const next: FunctionConfig = { ...current, layers: [...current.layers], architectures: [...current.architectures] };
  if (body.Role !== undefined) next.role = body.Role as string;
  if (body.Runtime !== undefined) next.runtime = body.Runtime as string;
  if (body.Handler !== undefined) next.handler = body.Handler as string;
  if (body.Description !== undefined) next.description = body.Description as string;
  if (body.Timeout !== undefined) next.timeout = body.Timeout as number;
  if (body.MemorySize !== undefined) next.memorySize = body.MemorySize as number;
  if (body.Environment !== undefined) {
    const variables = (body.Environment as Body).Variables as Record<string, unknown> | undefined;
    const environment = checkEnvironment(variables ?? {});
    if (environment && Object.keys(environment).length > 0) next.environment = environment;
    else delete next.environment;
  }
  if (body.DeadLetterConfig !== undefined) {
    const dlq = (body.DeadLetterConfig as Body).TargetArn as string | undefined;
    if (dlq) next.deadLetterTargetArn = dlq;
    else delete next.deadLetterTargetArn;
  }
  if (body.TracingConfig !== undefined) next.tracingMode = ((body.TracingConfig as Body).Mode as string | undefined) ?? next.tracingMode;
  if (body.EphemeralStorage !== undefined) next.ephemeralStorage = (body.EphemeralStorage as Body).Size as number;
  if (body.Layers !== undefined) next.layers = (body.Layers as unknown[]).map(String);
  if (body.KMSKeyArn !== undefined) {
    if (body.KMSKeyArn) next.kmsKeyArn = body.KMSKeyArn as string;
    else delete next.kmsKeyArn;
  }
  return next;
}

/** What must be equal for PublishVersion to reuse the last version instead of creating one. */
export function configFingerprint(config: FunctionConfig): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Body)[k])]));
    }
    return value;
  };
  return JSON.stringify(canonical(config));
}
