/**
 * Runs one hook (BeforeAllowTraffic, AfterAllowTraffic or a `hook` step): registers a fresh
 * execution id for the Task's token, invokes the hook function synchronously with CodeDeploy's
 * payload plus the Glidepath object, and fails at once when the invocation fails. When the hook
 * returns without reporting, Step Functions keeps waiting for the token until hookTimeoutSeconds.
 */
import type { Clock } from '../core/ports/clock.ts';
import { DeploymentNotFoundError, GlidepathError, HookExecutionError, ThrottledError } from '../core/errors.ts';
import type { RunHookInput } from '../core/model/machine.ts';
import { DEFAULTS } from '../core/model/request.ts';
import { keys, type DeploymentRecord } from '../core/model/record.ts';
import { newExecutionId } from '../core/hooks/execution-id.ts';
import { buildHookPayload, type RunHookRequest } from '../core/hooks/payload.ts';
import type { HookExecution, HookExecutionStore, HookInvoker, ReportedStatus } from '../core/hooks/types.ts';

/** How long an execution item outlives the hook timeout before DynamoDB's TTL removes it. */
export const TTL_MARGIN_SECONDS = 3600;
/** The longest reason carried into the Task's failure cause. */
export const MAX_REASON_CHARS = 2000;

export interface RunHookPorts {
  store: HookExecutionStore;
  getDeployment: (deploymentId: string) => Promise<DeploymentRecord | undefined>;
  invoke: HookInvoker;
  clock: Pick<Clock, 'now'>;
  newId?: () => string;
}

export interface RunHookResult {
  lifecycleEventHookExecutionId: string;
  lifecycleEvent: RunHookInput['lifecycleEvent'];
  hook: string;
  /** `invoked`: the hook returned and Step Functions waits for its report; otherwise what it already reported. */
  state: 'invoked' | ReportedStatus;
}

export async function runHook(input: RunHookRequest, deps: RunHookPorts): Promise<RunHookResult> {
  const now = () => deps.clock.now();
  const record = await deps.getDeployment(input.deploymentId);
  if (!record) throw new DeploymentNotFoundError(input.deploymentId);

  const timeoutSeconds = input.timeoutSeconds ?? record.request?.hookTimeoutSeconds ?? DEFAULTS.hookTimeoutSeconds;
  const executionId = (deps.newId ?? newExecutionId)();
  const startedMs = now();
  const expiresAt = Math.floor(startedMs / 1000) + timeoutSeconds;
  const execution: HookExecution = {
    ...keys.hook(executionId),
    executionId,
    deploymentId: input.deploymentId,
    lifecycleEvent: input.lifecycleEvent,
    hook: input.hook,
    ...(input.lifecycleEvent === 'Step' ? { stepIndex: input.cursor.index } : {}),
    taskToken: input.taskToken,
    status: 'Pending',
    createdAt: new Date(startedMs).toISOString(),
    expiresAt,
    ttl: expiresAt + TTL_MARGIN_SECONDS,
  };
  await deps.store.create(execution);

  const base = { lifecycleEventHookExecutionId: executionId, lifecycleEvent: input.lifecycleEvent, hook: input.hook };
  const result = await deps.invoke(input.hook, buildHookPayload(input, record, executionId));
  if (result.ok) return { ...base, state: 'invoked' };

  const what = `${input.lifecycleEvent} hook ${input.hook}`;
  const detail = truncate(`${result.errorType}: ${result.message}`);
  const reason =
    result.kind === 'function' ? `${what} failed: ${detail}` : `${what} could not be invoked: ${detail}`;
  const at = now();
  const outcome = await deps.store.complete(
    executionId,
    'Failed',
    { iso: new Date(at).toISOString(), seconds: Math.floor(at / 1000) },
    reason,
  );
  if (outcome === 'alreadyCompleted') {
    // The hook reported before it failed: its report stands (as under CodeDeploy).
    const reported = await deps.store.get(executionId);
    return { ...base, state: reported?.status === 'Failed' ? 'Failed' : 'Succeeded' };
  }
  if (result.kind === 'retryable') {
    // Step Functions retries the Task (a new token, a new execution id).
    throw /thrott|toomanyrequests/i.test(result.errorType)
      ? new ThrottledError(reason)
      : new GlidepathError('INTERNAL_ERROR', reason);
  }
  throw new HookExecutionError(reason, { details: { hook: input.hook, lifecycleEvent: input.lifecycleEvent } });
}

function truncate(text: string): string {
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
}
