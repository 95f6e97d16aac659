/**
 * Starting a deployment is starting an execution of the state machine with the request as input;
 * the deployment id is `gp-` + the execution name (shared/core/execution-name.ts names it). The
 * CLI, the triggers and the CodeDeploy bridge all start deployments here.
 */
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { executionArn } from '../core/execution-name.ts';
import { deploymentIdFromExecution } from '../core/model/machine.ts';
import type { DeploymentRequest } from '../core/model/request.ts';
import { GlidepathError } from '../core/errors.ts';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';
import type { DeploymentStarter, StartedDeployment } from '../core/ports/deployment-starter.ts';

export async function startDeployment(sfn: SFNClient, stateMachineArn: string, name: string, request: DeploymentRequest): Promise<StartedDeployment> {
  const deploymentId = deploymentIdFromExecution(name);
  try {
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(request) }));
    if (!out.executionArn) throw new GlidepathError('INTERNAL_ERROR', `states:StartExecution ${name} answered without an executionArn`);
    return { deploymentId, executionArn: out.executionArn, ...(out.startDate ? { startDate: out.startDate.toISOString() } : {}) };
  } catch (error) {
    if (isErrorNamed(error, 'ExecutionAlreadyExists')) return { deploymentId, executionArn: executionArn(stateMachineArn, name), existed: true };
    throw toGlidepathError(error, `states:StartExecution ${name}`);
  }
}

/** The DeploymentStarter port on Step Functions StartExecution of `stateMachineArn`. */
export function sfnDeploymentStarter(sfn: SFNClient, stateMachineArn: string): DeploymentStarter {
  return { start: (name, request) => startDeployment(sfn, stateMachineArn, name, request) };
}
