/**
 * The ports of the hook templates (shared/tasks/hook-templates/): invoking a version, reading
 * Lambda metrics and provisioned concurrency, and reporting to CodeDeploy's hook protocol.
 */
export interface MetricQuery {
  id: 'errors' | 'invocations' | 'p99';
  metricName: 'Errors' | 'Invocations' | 'Duration';
  stat: 'Sum' | 'p99';
  dimensions: { Name: string; Value: string }[];
  periodSeconds: number;
}

export type GetMetricData = (request: { start: Date; end: Date; queries: MetricQuery[] }) => Promise<Record<string, number[]>>;

export type ReportHookStatus = (
  report: { deploymentId: string; lifecycleEventHookExecutionId: string; status: 'Succeeded' | 'Failed' },
  underGlidepath: boolean,
) => Promise<void>;

export interface VersionInvocation {
  functionError?: string;
  /** The response payload as text. */
  payload: string;
  executedVersion?: string;
}

export type InvokeVersion = (functionName: string, qualifier: string, event: unknown) => Promise<VersionInvocation>;

export interface ProvisionedStatus {
  /** READY | IN_PROGRESS | FAILED; `undefined` when none is configured for the qualifier. */
  status?: string;
  reason?: string;
  requested?: number;
  available?: number;
}
