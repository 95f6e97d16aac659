/**
 * The CodeDeploy bridge: Glidepath runs as CodeDeploy's PreTraffic hook and reports
 * the outcome of its walk with PutLifecycleEventHookExecutionStatus.
 */
import { PutLifecycleEventHookExecutionStatusCommand, type CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';
import type { LifecycleHookRef, LifecycleReporter } from '../core/ports/lifecycle-reporter.ts';

/**
 * Reports Succeeded or Failed. `alreadyCompleted`: CodeDeploy had its answer already (a retried
 * finish, or CodeDeploy timed the hook out), which is not an error for us.
 */
export async function reportLifecycleStatus(
  codedeploy: CodeDeployClient,
  ref: LifecycleHookRef,
  status: 'Succeeded' | 'Failed',
): Promise<'reported' | 'alreadyCompleted'> {
  try {
    await codedeploy.send(
      new PutLifecycleEventHookExecutionStatusCommand({
        deploymentId: ref.deploymentId,
        lifecycleEventHookExecutionId: ref.lifecycleEventHookExecutionId,
        status,
      }),
    );
    return 'reported';
  } catch (error) {
    if (isErrorNamed(error, 'LifecycleEventAlreadyCompletedException')) return 'alreadyCompleted';
    throw toGlidepathError(error, `codedeploy:PutLifecycleEventHookExecutionStatus ${ref.deploymentId}`);
  }
}

/** The LifecycleReporter port on CodeDeploy PutLifecycleEventHookExecutionStatus. */
export function codeDeployLifecycleReporter(codedeploy: CodeDeployClient): LifecycleReporter {
  return { report: (ref, status) => reportLifecycleStatus(codedeploy, ref, status) };
}
