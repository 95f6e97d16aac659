/**
 * The `{Error, Cause}` a Catch records, read back as one of our error codes and a message:
 * - our codes pass through (a handler threw a GlidepathError, HealthFailed passed a health code,
 *   a waiting step was failed with MANUAL_STOP);
 * - `States.Timeout` / `States.HeartbeatTimeout` → TIMEOUT;
 * - anything else (`Lambda.*`, `States.TaskFailed`, a runtime error) → INTERNAL_ERROR, unless the
 *   Cause is a Lambda error JSON whose `errorType` is one of our codes.
 */
import { ErrorCodes, type ErrorCode } from '../errors.ts';
import type { CaughtError } from '../model/machine.ts';

export interface ErrorSummary {
  code: ErrorCode;
  message: string;
}

const CODES = new Set<string>(ErrorCodes);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODES.has(value);
}

/** A Lambda function error's Cause: `{"errorType","errorMessage","trace"}` as JSON. */
function parseCause(cause: string | undefined): { errorType?: string; errorMessage?: string } | undefined {
  if (!cause || !cause.trimStart().startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(cause) as unknown;
    if (parsed && typeof parsed === 'object') {
      const { errorType, errorMessage } = parsed as Record<string, unknown>;
      return {
        ...(typeof errorType === 'string' ? { errorType } : {}),
        ...(typeof errorMessage === 'string' ? { errorMessage } : {}),
      };
    }
  } catch {
    // Not JSON after all: the Cause is plain text.
  }
  return undefined;
}

export function summarizeCaught(caught: CaughtError | undefined): ErrorSummary {
  if (!caught) return { code: 'INTERNAL_ERROR', message: 'the deployment failed without an error' };
  const parsed = parseCause(caught.Cause);
  const text = parsed?.errorMessage ?? (caught.Cause && !parsed ? caught.Cause : undefined);
  if (isErrorCode(caught.Error)) return { code: caught.Error, message: text || caught.Error };
  if (caught.Error === 'States.Timeout' || caught.Error === 'States.HeartbeatTimeout') {
    return { code: 'TIMEOUT', message: text ? `a step timed out: ${text}` : 'a step timed out' };
  }
  if (parsed?.errorType && isErrorCode(parsed.errorType)) return { code: parsed.errorType, message: text || parsed.errorType };
  const kind = parsed?.errorType ? `${caught.Error} (${parsed.errorType})` : caught.Error;
  return { code: 'INTERNAL_ERROR', message: text ? `${kind}: ${text}` : kind };
}

/** A RollbackResult or the `{Error, Cause}` of a rollback that failed. */
export function isCaughtError(value: unknown): value is CaughtError {
  return !!value && typeof value === 'object' && typeof (value as CaughtError).Error === 'string';
}
