/**
 * Every error Glidepath raises, in one place.
 *
 * `code` follows CodeDeploy's error codes where one exists and adds ours.
 * A handler that throws one of these fails its Step Functions Task with the code as the
 * error name (`name === code`), so the state machine's Retry and Catch can match on it.
 */

export const ErrorCodes = [
  // CodeDeploy's
  'ALARM_ACTIVE',
  'HOOK_EXECUTION_FAILURE',
  'INVALID_DEPLOYMENT_CONFIG',
  'INVALID_LAMBDA_CONFIGURATION',
  'INVALID_LAMBDA_FUNCTION',
  'INVALID_REVISION',
  'INVALID_ALARM_CONFIG',
  'MANUAL_STOP',
  'TIMEOUT',
  'THROTTLED',
  'INTERNAL_ERROR',
  // Glidepath's
  'INVALID_REQUEST',
  'CONCURRENT_MODIFICATION',
  'DEPLOYMENT_IN_PROGRESS',
  'DEPLOYMENT_NOT_FOUND',
  'INVALID_CONTROL_ACTION',
  /** The analysis judged the target worse than the current version. */
  'ANALYSIS_FAILED',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

export interface GlidepathErrorOptions {
  field?: string;
  cause?: unknown;
  details?: Record<string, unknown>;
}

export class GlidepathError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: GlidepathErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    // Step Functions matches Retry/Catch on the error name: make it the code.
    this.name = code;
    if (options.field !== undefined) this.field = options.field;
    if (options.details !== undefined) this.details = options.details;
  }

  toJSON(): { code: ErrorCode; field?: string; message: string } {
    return {
      code: this.code,
      ...(this.field === undefined ? {} : { field: this.field }),
      message: this.message,
    };
  }
}

/** Input that breaks a rule: names the field and the rule. */
export class ValidationError extends GlidepathError {
  constructor(
    code: 'INVALID_REQUEST' | 'INVALID_DEPLOYMENT_CONFIG' | 'INVALID_REVISION' | 'INVALID_ALARM_CONFIG',
    field: string,
    rule: string,
  ) {
    super(code, `${field}: ${rule}`, { field });
  }
}

export class InvalidLambdaFunctionError extends GlidepathError {
  constructor(message: string, options: GlidepathErrorOptions = {}) {
    super('INVALID_LAMBDA_FUNCTION', message, options);
  }
}

export class InvalidLambdaConfigurationError extends GlidepathError {
  constructor(message: string, options: GlidepathErrorOptions = {}) {
    super('INVALID_LAMBDA_CONFIGURATION', message, options);
  }
}

export class ConcurrentModificationError extends GlidepathError {
  constructor(message: string, options: GlidepathErrorOptions = {}) {
    super('CONCURRENT_MODIFICATION', message, options);
  }
}

export class DeploymentInProgressError extends GlidepathError {
  constructor(activeDeploymentId: string, target: string) {
    super('DEPLOYMENT_IN_PROGRESS', `${target} already has an active deployment: ${activeDeploymentId}`, {
      details: { activeDeploymentId },
    });
  }
}

export class DeploymentNotFoundError extends GlidepathError {
  constructor(deploymentId: string) {
    super('DEPLOYMENT_NOT_FOUND', `no deployment ${deploymentId}`, { details: { deploymentId } });
  }
}

export class HookExecutionError extends GlidepathError {
  constructor(message: string, options: GlidepathErrorOptions = {}) {
    super('HOOK_EXECUTION_FAILURE', message, options);
  }
}

export class ThrottledError extends GlidepathError {
  constructor(message: string, options: GlidepathErrorOptions = {}) {
    super('THROTTLED', message, options);
  }
}

export function isGlidepathError(value: unknown): value is GlidepathError {
  return value instanceof GlidepathError;
}

/** The codes of failures a later try may get past (the state machine's Retry and the watcher's tries retry them). */
const TRANSIENT: ReadonlySet<string> = new Set<ErrorCode>(['THROTTLED', 'INTERNAL_ERROR']);

export function isTransient(code: string): boolean {
  return TRANSIENT.has(code);
}

/** What a thrown value says: an Error's message, anything else as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
