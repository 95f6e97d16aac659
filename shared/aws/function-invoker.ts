/**
 * Calls one of Glidepath's own functions (RequestResponse) and answers with what it returned.
 * A handler that threw a GlidepathError fails the invocation with `FunctionError: Unhandled` and
 * the payload `{errorType, errorMessage}`, `errorType` being the error's code (shared/core/errors.ts):
 * that comes back as the same GlidepathError, so a caller tells the errors apart as if it had
 * run the code itself.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ErrorCodes, GlidepathError, type ErrorCode } from '../core/errors.ts';
import { toGlidepathError } from './sdk-errors.ts';

/**
 * The Lambda runtime passes only `errorType` and `errorMessage` of a thrown error: its `field` is
 * found again from what the message says (`Control input: action: …`, `field: rule`), or, for a
 * refused control action, is the action itself.
 */
function fieldOf(code: ErrorCode, message: string): string | undefined {
  if (code === 'INVALID_CONTROL_ACTION') return 'action';
  if (!code.startsWith('INVALID_')) return undefined;
  const named = /^(?:\w+ input: )?([\w.[\]-]+): /.exec(message);
  return named?.[1];
}

function isErrorCode(value: string): value is ErrorCode {
  return (ErrorCodes as readonly string[]).includes(value);
}

/** The error a failed invocation stands for. */
export function functionErrorOf(functionName: string, payload: unknown): GlidepathError {
  const { errorType = 'Unhandled', errorMessage = 'the function failed' } = (payload ?? {}) as { errorType?: string; errorMessage?: string };
  if (isErrorCode(errorType)) {
    const field = fieldOf(errorType, errorMessage);
    return new GlidepathError(errorType, errorMessage, field === undefined ? {} : { field });
  }
  return new GlidepathError('INTERNAL_ERROR', `function ${functionName} failed (${errorType}): ${errorMessage}`);
}

export async function invokeFunction(lambda: LambdaClient, functionName: string, payload: unknown): Promise<unknown> {
  let response;
  try {
    response = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
    );
  } catch (error) {
    throw toGlidepathError(error, `lambda:InvokeFunction ${functionName}`);
  }
  const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
  let body: unknown = null;
  try {
    body = text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    throw new GlidepathError('INTERNAL_ERROR', `function ${functionName} answered with a payload that is not JSON: ${text.slice(0, 200)}`);
  }
  if (response.FunctionError) throw functionErrorOf(functionName, body);
  return body;
}
