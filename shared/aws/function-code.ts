/**
 * New code for a function, from a pushed artifact: UpdateFunctionCode (an S3 object or an image by
 * digest), wait until Lambda says the update is done (LastUpdateStatus, polled on the shared
 * clock), then PublishVersion with the artifact's identity as the description and the CodeSha256
 * of this very update, so a version is only published from the code we put there.
 */
import {
  GetFunctionConfigurationCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { Clock } from '../core/ports/clock.ts';
import type { CodeLocation, FunctionPublisher, UpdatedCode } from '../core/ports/function-publisher.ts';
import { GlidepathError, InvalidLambdaFunctionError } from '../core/errors.ts';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';

export interface WaitOptions {
  /** Give up after this long (default 300 s, on the shared clock). */
  timeoutSeconds?: number;
  /** First pause between polls (default 1 s), doubled up to 5 s. */
  intervalSeconds?: number;
}

function notFound(error: unknown, functionName: string): GlidepathError | undefined {
  if (isErrorNamed(error, 'ResourceNotFoundException')) {
    return new InvalidLambdaFunctionError(`function ${functionName} does not exist`, { cause: error });
  }
  return undefined;
}

export async function updateFunctionCode(lambda: LambdaClient, functionName: string, code: CodeLocation): Promise<UpdatedCode> {
  try {
    const out = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, ...code, Publish: false }));
    if (!out.CodeSha256) throw new GlidepathError('INTERNAL_ERROR', `lambda:UpdateFunctionCode ${functionName} answered without CodeSha256`);
    return {
      codeSha256: out.CodeSha256,
      ...(out.RevisionId ? { revisionId: out.RevisionId } : {}),
      ...(out.LastUpdateStatus ? { lastUpdateStatus: out.LastUpdateStatus } : {}),
    };
  } catch (error) {
    throw notFound(error, functionName) ?? toGlidepathError(error, `lambda:UpdateFunctionCode ${functionName}`);
  }
}

/** Polls GetFunctionConfiguration until LastUpdateStatus is Successful; Failed or the timeout is an error. */
export async function waitForCodeUpdate(lambda: LambdaClient, functionName: string, clock: Clock, options: WaitOptions = {}): Promise<{ codeSha256?: string }> {
  const deadline = clock.now() + (options.timeoutSeconds ?? 300) * 1000;
  let interval = options.intervalSeconds ?? 1;
  for (;;) {
    let out;
    try {
      out = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    } catch (error) {
      throw notFound(error, functionName) ?? toGlidepathError(error, `lambda:GetFunctionConfiguration ${functionName}`);
    }
    const status = out.LastUpdateStatus ?? 'Successful';
    if (status === 'Successful') return out.CodeSha256 ? { codeSha256: out.CodeSha256 } : {};
    if (status === 'Failed') {
      const reason = [out.LastUpdateStatusReasonCode, out.LastUpdateStatusReason].filter(Boolean).join(': ');
      throw new GlidepathError('INVALID_LAMBDA_CONFIGURATION', `the code update of ${functionName} failed${reason ? ` (${reason})` : ''}`);
    }
    if (clock.now() >= deadline) {
      throw new GlidepathError('TIMEOUT', `the code update of ${functionName} was still ${status} after ${options.timeoutSeconds ?? 300}s`);
    }
    await clock.sleep(interval);
    interval = Math.min(5, interval * 2);
  }
}

/** PublishVersion of exactly the code `codeSha256`; returns the version number. */
export async function publishVersion(lambda: LambdaClient, functionName: string, codeSha256: string, description: string): Promise<string> {
  try {
    const out = await lambda.send(new PublishVersionCommand({ FunctionName: functionName, CodeSha256: codeSha256, Description: description }));
    if (!out.Version || out.Version === '$LATEST') {
      throw new GlidepathError('INTERNAL_ERROR', `lambda:PublishVersion ${functionName} answered without a version number`);
    }
    return out.Version;
  } catch (error) {
    throw notFound(error, functionName) ?? toGlidepathError(error, `lambda:PublishVersion ${functionName}`);
  }
}

/** The FunctionPublisher port on Lambda, waiting on `clock`. */
export function lambdaFunctionPublisher(lambda: LambdaClient, clock: Clock): FunctionPublisher {
  return {
    updateCode: (functionName, code) => updateFunctionCode(lambda, functionName, code),
    waitForUpdate: (functionName, options) => waitForCodeUpdate(lambda, functionName, clock, options),
    publishVersion: (functionName, codeSha256, description) => publishVersion(lambda, functionName, codeSha256, description),
  };
}
