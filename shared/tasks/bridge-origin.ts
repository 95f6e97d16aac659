/**
 * A request's `codeDeploy` field makes Finish answer a CodeDeploy lifecycle hook, so Prepare takes
 * it only from the bridge: the CodeDeploy deployment must exist and deploy this very function,
 * alias and versions, and the execution must carry the name the bridge gives the walk for that
 * deployment and hook (shared/tasks/codedeploy-bridge.ts). Anything else is refused, naming the
 * field, before anything changes.
 */
import { GlidepathError, ValidationError, isGlidepathError, errorMessage } from '../core/errors.ts';
import { executionName } from '../core/execution-name.ts';
import { bareFunctionName } from '../core/model/record.ts';
import type { DeploymentRequest } from '../core/model/request.ts';
import type { CodeDeployReader } from '../core/ports/codedeploy-reader.ts';
import { readAppSpec } from '../core/readers/appspec.ts';

const FIELD = 'codeDeploy';

function refused(rule: string): ValidationError {
  return new ValidationError('INVALID_REQUEST', FIELD, `${rule}; only the CodeDeploy bridge starts a deployment with this field`);
}

/** Throws INVALID_REQUEST (field `codeDeploy`) unless the request came from the bridge. */
export async function checkBridgeOrigin(request: DeploymentRequest, executionNameGiven: string, reader: Pick<CodeDeployReader, 'deployment'>): Promise<void> {
  const ref = request.codeDeploy;
  if (!ref) return;
  let deployment;
  try {
    deployment = await reader.deployment(ref.deploymentId);
  } catch (error) {
    if (isGlidepathError(error) && (error.code === 'THROTTLED' || error.code === 'INTERNAL_ERROR')) throw error;
    throw refused(`CodeDeploy deployment ${JSON.stringify(ref.deploymentId)} could not be read (${errorMessage(error)})`);
  }
  const expected = deployment.createTime === undefined ? undefined : executionName(deployment.createTime, `${ref.deploymentId}/${ref.lifecycleEventHookExecutionId}`);
  if (expected !== executionNameGiven) throw refused(`execution ${executionNameGiven} is not the bridge's walk for CodeDeploy deployment ${ref.deploymentId} and its hook`);
  let app;
  try {
    app = readAppSpec(deployment.appSpec);
  } catch (error) {
    throw refused(`CodeDeploy deployment ${ref.deploymentId} has no Lambda AppSpec (${error instanceof GlidepathError ? error.message : String(error)})`);
  }
  const same =
    bareFunctionName(app.functionName) === bareFunctionName(request.functionName) &&
    app.alias === request.alias &&
    app.targetVersion === request.targetVersion &&
    (request.currentVersion === undefined || app.currentVersion === request.currentVersion);
  if (!same) throw refused(`CodeDeploy deployment ${ref.deploymentId} deploys ${app.functionName}:${app.alias} ${app.currentVersion} → ${app.targetVersion}, not this request's function, alias and versions`);
}
