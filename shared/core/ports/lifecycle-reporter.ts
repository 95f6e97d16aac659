/** CodeDeploy's lifecycle hook, answered when Glidepath runs as its PreTraffic hook (the bridge). */
export interface LifecycleHookRef {
  deploymentId: string;
  lifecycleEventHookExecutionId: string;
}

export interface LifecycleReporter {
  /** `alreadyCompleted`: CodeDeploy had its answer already (a retried finish, or it timed the hook out). */
  report(ref: LifecycleHookRef, status: 'Succeeded' | 'Failed'): Promise<'reported' | 'alreadyCompleted'>;
}
