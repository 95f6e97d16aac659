/**
 * Starting a deployment is starting an execution of the state machine with the request as input;
 * the deployment id is `gp-` + the execution name.
 */
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { deploymentIdFromExecution } from '../core/model/machine.ts';
import type { DeploymentRequest } from '../core/model/request.ts';
import { GlidepathError } from '../core/errors.ts';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';
import type { DeploymentStarter, StartedDeployment } from '../core/ports/deployment-starter.ts';

export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export async function startDeployment(sfn: SFNClient, stateMachineArn: string, name: string, request: DeploymentRequest): Promise<StartedDeployment> {
  const deploymentId = deploymentIdFromExecution(name);
  try {
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(request) }));
    if (!out.executionArn) throw new GlidepathError('INTERNAL_ERROR', `states:StartExecution ${name} answered without an executionArn`);
    return { deploymentId, executionArn: out.executionArn };
  } catch (error) {
    if (isErrorNamed(error, 'ExecutionAlreadyExists')) return { deploymentId, executionArn: executionArnOf(stateMachineArn, name), existed: true };
    throw toGlidepathError(error, `states:StartExecution ${name}`);
  }
}

/** The DeploymentStarter port on Step Functions StartExecution of `stateMachineArn`. */
export function sfnDeploymentStarter(sfn: SFNClient, stateMachineArn: string): DeploymentStarter {
  return { start: (name, request) => startDeployment(sfn, stateMachineArn, name, request) };
}
