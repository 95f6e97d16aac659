/**
 * What a synchronous Lambda Invoke of a hook means for the deployment, from the response's plain
 * fields or the error the SDK threw. No SDK import: the adapter (shared/aws/hook-invoker.ts) hands
 * over the fields.
 */
import type { HookInvocation } from './types.ts';

/** The Invoke response fields that matter. */
export interface InvokeResponseFields {
  StatusCode?: number;
  FunctionError?: string;
  ExecutedVersion?: string;
  Payload?: Uint8Array;
}

/** Lambda errors worth a retry of the whole Task: throttling and Lambda's own 5xx. */
const RETRYABLE = new Set(['TooManyRequestsException', 'ThrottlingException', 'ServiceException', 'ServiceUnavailable']);

export function fromInvokeResponse(response: InvokeResponseFields): HookInvocation {
  if (!response.FunctionError) {
    return {
      ok: true,
      statusCode: response.StatusCode ?? 200,
      ...(response.ExecutedVersion ? { executedVersion: response.ExecutedVersion } : {}),
    };
  }
  const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
  let errorType = response.FunctionError;
  let message = text.trim() || 'the function returned an error without a message';
  try {
    const body = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown };
    if (body && typeof body === 'object') {
      if (typeof body.errorType === 'string' && body.errorType) errorType = body.errorType;
      if (typeof body.errorMessage === 'string') message = body.errorMessage;
    }
  } catch {
    // Not JSON: keep the raw text.
  }
  return { ok: false, kind: 'function', errorType, message };
}

/** An error the SDK threw: Lambda refused (not found, access denied, bad config) or failed transiently. */
export function fromInvokeError(error: unknown): HookInvocation {
  const e = error as { name?: string; message?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  const errorType = e?.name || 'Error';
  const message = e?.message || String(error);
  const status = e?.$metadata?.httpStatusCode;
  const retryable = RETRYABLE.has(errorType) || status === 429 || status === undefined || (status >= 500 && errorType === 'Error');
  return { ok: false, kind: retryable ? 'retryable' : 'invoke', errorType, message };
}
