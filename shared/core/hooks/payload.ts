/**
 * What run-hook receives (RunHookInput, from the state machine) and what a hook receives
 * (HookPayload: CodeDeploy's two fields plus the `Glidepath` object).
 */
import { z } from 'zod';
import type { HookPayload, RunHookInput } from '../model/machine.ts';
import type { DeploymentRecord } from '../model/record.ts';
import { functionNameSchema, MAX_HOOK_TIMEOUT_SECONDS } from '../model/request.ts';

export const runHookInputSchema = z.object({
  taskToken: z.string().min(1).max(1024),
  deploymentId: z.string().min(1).max(256),
  lifecycleEvent: z.enum(['BeforeAllowTraffic', 'AfterAllowTraffic', 'Step']),
  hook: functionNameSchema,
  cursor: z.looseObject({ index: z.number().int() }),
  /** Absent from older definitions: then the request's hookTimeoutSeconds (or the default) applies. */
  timeoutSeconds: z.number().int().min(1).max(MAX_HOOK_TIMEOUT_SECONDS).optional(),
});

/** What run-hook needs: RunHookInput, with `timeoutSeconds` optional. */
export type RunHookRequest = Omit<RunHookInput, 'timeoutSeconds' | 'cursor'> & {
  cursor: Pick<RunHookInput['cursor'], 'index'>;
  timeoutSeconds?: number;
};

/** The Glidepath object's view of a deployment: only what the payload needs. */
export type PayloadDeployment = Pick<DeploymentRecord, 'functionName' | 'alias' | 'currentVersion' | 'targetVersion' | 'weight'>;

/**
 * The weight a hook sees: nothing is shifted before BeforeAllowTraffic, everything is after
 * promotion (AfterAllowTraffic); a step hook sees the weight in effect.
 */
export function weightAt(lifecycleEvent: RunHookInput['lifecycleEvent'], record: PayloadDeployment): number {
  if (lifecycleEvent === 'BeforeAllowTraffic') return 0;
  if (lifecycleEvent === 'AfterAllowTraffic') return 100;
  return record.weight;
}

export function buildHookPayload(
  input: Pick<RunHookRequest, 'deploymentId' | 'lifecycleEvent' | 'cursor'>,
  record: PayloadDeployment,
  executionId: string,
): HookPayload {
  return {
    DeploymentId: input.deploymentId,
    LifecycleEventHookExecutionId: executionId,
    Glidepath: {
      function: record.functionName,
      alias: record.alias,
      currentVersion: record.currentVersion,
      targetVersion: record.targetVersion,
      lifecycleEvent: input.lifecycleEvent,
      ...(input.lifecycleEvent === 'Step' ? { step: input.cursor.index } : {}),
      weight: weightAt(input.lifecycleEvent, record),
    },
  };
}
