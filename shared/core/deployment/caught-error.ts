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

/** What Step Functions keeps of a Cause: longer ones are cut at this many characters. */
export const MAX_CAUSE_CHARS = 32_768;

/** A JSON string's content up to its closing quote, or to the end of a text cut short (a dangling escape dropped). */
function jsonStringAt(text: string, key: string): { value: string; cut: boolean } | undefined {
  const start = new RegExp(`"${key}"\\s*:\\s*"`).exec(text);
  if (!start) return undefined;
  const body = text.slice(start.index + start[0].length);
  const closed = /^((?:[^"\\]|\\.)*)"/.exec(body);
  let raw = closed ? closed[1]! : body.replace(/\\(u[0-9a-fA-F]{0,3})?$/, '');
  // A cut can leave half an escape (`\`, `\u00`): drop characters from the end until it reads.
  for (let tries = 0; tries < 8; tries++) {
    try {
      return { value: JSON.parse(`"${raw}"`) as string, cut: !closed };
    } catch {
      raw = raw.slice(0, -1);
    }
  }
  return undefined;
}

/**
 * A Lambda function error's Cause: `{"errorType","errorMessage","trace"}` as JSON — also when
 * Step Functions cut it short (a Cause longer than MAX_CAUSE_CHARS): the message is then what was
 * kept of it, saying so. Undefined when the Cause is plain text.
 */
export function lambdaErrorOf(cause: string | undefined): { errorType?: string; errorMessage?: string } | undefined {
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
    return undefined;
  } catch {
    // Not JSON as a whole: a Lambda error cut short, or plain text that starts with a brace.
  }
  const type = jsonStringAt(cause, 'errorType');
  const message = jsonStringAt(cause, 'errorMessage');
  if (!type && !message) return undefined;
  return {
    ...(type && !type.cut ? { errorType: type.value } : {}),
    ...(message ? { errorMessage: message.cut ? `${message.value.trimEnd()}… (cut short at ${MAX_CAUSE_CHARS} characters)` : message.value } : {}),
  };
}

export function summarizeCaught(caught: CaughtError | undefined): ErrorSummary {
  if (!caught) return { code: 'INTERNAL_ERROR', message: 'the deployment failed without an error' };
  const parsed = lambdaErrorOf(caught.Cause);
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
