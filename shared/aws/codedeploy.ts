/**
 * The CodeDeploy bridge: Glidepath runs as CodeDeploy's PreTraffic hook and reports
 * the outcome of its walk with PutLifecycleEventHookExecutionStatus.
 */
import { PutLifecycleEventHookExecutionStatusCommand, type CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { GlidepathError, errorMessage } from '../core/errors.ts';
import { errorName, isErrorNamed, toGlidepathError } from './sdk-errors.ts';
import type { LifecycleHookRef, LifecycleReporter } from '../core/ports/lifecycle-reporter.ts';

/** CodeDeploy's answers that no retry changes: the deployment or the hook id is not one it knows. */
const REFUSALS = new Set([
  'DeploymentIdRequiredException',
  'InvalidDeploymentIdException',
  'InvalidLifecycleEventHookExecutionIdException',
  'InvalidLifecycleEventHookExecutionStatusException',
  'UnsupportedActionForDeploymentTypeException',
]);

/**
 * Reports Succeeded or Failed. `alreadyCompleted`: CodeDeploy had its answer already (a retried
 * finish, or CodeDeploy timed the hook out), which is not an error for us. A deployment CodeDeploy
 * does not have is DEPLOYMENT_NOT_FOUND and a hook id it refuses INVALID_REQUEST (final answers);
 * throttling is THROTTLED and anything else INTERNAL_ERROR (worth another try).
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
    const what = `codedeploy:PutLifecycleEventHookExecutionStatus ${ref.deploymentId}`;
    const message = errorMessage(error);
    if (isErrorNamed(error, 'DeploymentDoesNotExistException')) {
      throw new GlidepathError('DEPLOYMENT_NOT_FOUND', `${what}: CodeDeploy has no such deployment (${message})`, { cause: error });
    }
    if (REFUSALS.has(errorName(error))) throw new GlidepathError('INVALID_REQUEST', `${what} refused (${errorName(error)}): ${message}`, { cause: error });
    throw toGlidepathError(error, what);
  }
}

/** The LifecycleReporter port on CodeDeploy PutLifecycleEventHookExecutionStatus. */
export function codeDeployLifecycleReporter(codedeploy: CodeDeployClient): LifecycleReporter {
  return { report: (ref, status) => reportLifecycleStatus(codedeploy, ref, status) };
}
