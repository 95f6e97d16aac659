/**
 * How an AWS SDK v3 error becomes a GlidepathError. The state machine retries THROTTLED and
 * INTERNAL_ERROR (with backoff) and rolls back on anything else, so the split matters:
 * throttling and server-side failures are worth a retry, a caller mistake is not.
 */
import { GlidepathError, ThrottledError, isGlidepathError } from '../core/errors.ts';

interface SdkErrorLike {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'SlowDown',
]);

/** The error's name, as the SDK sets it from the wire (`x-amzn-errortype` / `__type`). */
export function errorName(error: unknown): string {
  if (error && typeof error === 'object' && 'name' in error && typeof error.name === 'string') return error.name;
  return '';
}

export function isErrorNamed(error: unknown, ...names: string[]): boolean {
  return names.includes(errorName(error));
}

/** A server-side failure (5xx): the service broke, the request was fine, a retry may pass. */
export function isServerFault(error: unknown): boolean {
  const e = error as SdkErrorLike | undefined;
  const status = e?.$metadata?.httpStatusCode;
  return e?.$fault === 'server' || (typeof status === 'number' && status >= 500);
}

export function isThrottling(error: unknown): boolean {
  const e = error as SdkErrorLike | undefined;
  return THROTTLING_NAMES.has(errorName(error)) || e?.$retryable?.throttling === true || e?.$metadata?.httpStatusCode === 429;
}

function messageOf(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string' && error.message) {
    return error.message;
  }
  return String(error);
}

/**
 * Any error from a call to `what` (e.g. `lambda:UpdateAlias orders-api:live`) as a GlidepathError:
 * ours pass through; throttling → THROTTLED; everything else → INTERNAL_ERROR (retried by the
 * state machine), with `details.serverFault` set when the service answered 5xx. Callers map the errors they understand (not found, precondition) first.
 */
export function toGlidepathError(error: unknown, what: string): GlidepathError {
  if (isGlidepathError(error)) return error;
  const name = errorName(error) || 'Error';
  if (isThrottling(error)) return new ThrottledError(`${what} was throttled (${name}): ${messageOf(error)}`, { cause: error });
  return new GlidepathError('INTERNAL_ERROR', `${what} failed (${name}): ${messageOf(error)}`, {
    cause: error,
    ...(isServerFault(error) ? { details: { serverFault: true } } : {}),
  });
}
