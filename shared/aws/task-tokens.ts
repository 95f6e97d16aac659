/**
 * Answering a waiting Step Functions Task (an approval, a pause, a hold) through its token.
 * A token that no longer waits (the Task timed out, the execution stopped) is `gone`, not an error:
 * there is nobody left to release.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';
import type { TaskTokens } from '../core/ports/task-tokens.ts';

const GONE = ['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken'];

/** Step Functions' limits on SendTaskFailure's error and cause. */
const MAX_ERROR = 256;
const MAX_CAUSE = 32768;

export async function sendTaskSuccess(sfn: SFNClient, taskToken: string, output: unknown): Promise<'ok' | 'gone'> {
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return 'ok';
  } catch (error) {
    if (isErrorNamed(error, ...GONE)) return 'gone';
    throw toGlidepathError(error, 'states:SendTaskSuccess');
  }
}

export async function sendTaskFailure(sfn: SFNClient, taskToken: string, error: string, cause: string): Promise<'ok' | 'gone'> {
  try {
    await sfn.send(new SendTaskFailureCommand({ taskToken, error: error.slice(0, MAX_ERROR), cause: cause.slice(0, MAX_CAUSE) }));
    return 'ok';
  } catch (err) {
    if (isErrorNamed(err, ...GONE)) return 'gone';
    throw toGlidepathError(err, 'states:SendTaskFailure');
  }
}

/** The TaskTokens port on Step Functions SendTaskSuccess / SendTaskFailure. */
export function sfnTaskTokens(sfn: SFNClient): TaskTokens {
  return { succeed: (token, output) => sendTaskSuccess(sfn, token, output), fail: (token, error, cause) => sendTaskFailure(sfn, token, error, cause) };
}
