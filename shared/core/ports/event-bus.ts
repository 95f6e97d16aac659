/** Deployment state changes, published for whoever listens (EventBridge on AWS). */
export interface DeploymentStateChange {
  deploymentId: string;
  status: string;
  functionName: string;
  alias: string;
  currentVersion?: string;
  targetVersion?: string;
  weight?: number;
  error?: { code: string; message: string };
  at: string;
  [key: string]: unknown;
}

export interface EventBus {
  /** Publishes one state change; a GlidepathError when the bus refuses it. */
  publish(detail: DeploymentStateChange): Promise<void>;
}
