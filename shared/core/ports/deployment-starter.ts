/** Starting a deployment: an execution of the Glidepath state machine, named, with the request as input. */
import type { DeploymentRequest } from '../model/request.ts';

export interface StartedDeployment {
  deploymentId: string;
  executionArn: string;
  /** When Step Functions started it (absent when it had been started already). */
  startDate?: string;
  /** An execution of that name had been started already (a retried start). */
  existed?: true;
}

export interface DeploymentStarter {
  start(executionName: string, request: DeploymentRequest): Promise<StartedDeployment>;
}
