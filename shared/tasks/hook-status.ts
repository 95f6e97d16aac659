/**
 * The status endpoint's core: a CodeDeploy-compatible PutLifecycleEventHookExecutionStatus.
 * A hook reports `{deploymentId, lifecycleEventHookExecutionId, status}`; the execution id is the
 * capability that maps to a waiting Step Functions task token. Called by the Function URL handler
 * (functions/hook-status) and by the local engine's CodeDeploy route, with the same deps.
 */
import type { Clock } from '../core/ports/clock.ts';
import { isExecutionId } from '../core/hooks/execution-id.ts';
import {
  errorResponse,
  okResponse,
  parseStatusRequest,
  ProtocolError,
  type StatusHttpRequest,
  type StatusHttpResponse,
  type StatusReport,
} from '../core/hooks/status-protocol.ts';
import type { HookExecution, HookExecutionStore, TaskCallbacks } from '../core/hooks/types.ts';

export type { StatusHttpRequest, StatusHttpResponse } from '../core/hooks/status-protocol.ts';

export const HOOK_FAILED_CAUSE = 'hook reported Failed';

export interface HookStatusPorts {
  store: HookExecutionStore;
  tasks: TaskCallbacks;
  clock: Pick<Clock, 'now'>;
  /** Told what happened to each request (for logs and metrics). */
  onOutcome?: (outcome: StatusOutcome) => void;
}

export interface StatusOutcome {
  result: 'accepted' | 'rejected' | 'error';
  errorType?: string;
  message?: string;
  deploymentId?: string;
  executionId?: string;
  status?: string;
  lifecycleEvent?: string;
  hook?: string;
}

const invalidId = (message: string) => new ProtocolError('InvalidLifecycleEventHookExecutionIdException', message);

export async function handleHookStatusRequest(
  request: StatusHttpRequest,
  deps: HookStatusPorts,
): Promise<StatusHttpResponse> {
  let report: StatusReport | undefined;
  let execution: HookExecution | undefined;
  try {
    report = parseStatusRequest(request);
    execution = await findExecution(report, deps);
    await complete(report, execution, deps);
    deps.onOutcome?.({ result: 'accepted', ...describeReport(report, execution) });
    return okResponse(report.lifecycleEventHookExecutionId);
  } catch (error) {
    const known = error instanceof ProtocolError;
    const type = known ? error.type : 'InternalFailure';
    const message = known ? error.message : 'the report could not be recorded; retry';
    deps.onOutcome?.({
      result: known ? 'rejected' : 'error',
      errorType: type,
      message: known ? message : String((error as Error)?.message ?? error),
      ...(report ? describeReport(report, execution) : {}),
    });
    return errorResponse(type, message, known ? error.statusCode : 500);
  }
}

function describeReport(report: StatusReport, execution?: HookExecution): Partial<StatusOutcome> {
  return {
    deploymentId: report.deploymentId,
    executionId: report.lifecycleEventHookExecutionId,
    status: report.status,
    ...(execution ? { lifecycleEvent: execution.lifecycleEvent, hook: execution.hook } : {}),
  };
}

async function findExecution(report: StatusReport, deps: HookStatusPorts): Promise<HookExecution> {
  const id = report.lifecycleEventHookExecutionId;
  const unknown = `lifecycleEventHookExecutionId: no hook execution ${JSON.stringify(id.slice(0, 64))} for deployment ${JSON.stringify(report.deploymentId.slice(0, 64))}`;
  // A value Glidepath never issues is refused without reading the table.
  if (!isExecutionId(id)) throw invalidId(unknown);
  const execution = await deps.store.get(id);
  // A wrong deployment id answers like an unknown execution id: nothing is revealed.
  if (!execution || execution.deploymentId !== report.deploymentId) throw invalidId(unknown);
  if (execution.status !== 'Pending' && !execution.tokenExpired) {
    throw alreadyCompleted(execution);
  }
  const nowSeconds = Math.floor(deps.clock.now() / 1000);
  if (execution.tokenExpired || nowSeconds >= execution.expiresAt) throw expired(id);
  return execution;
}

function alreadyCompleted(execution: HookExecution): ProtocolError {
  return new ProtocolError(
    'LifecycleEventAlreadyCompletedException',
    `lifecycleEventHookExecutionId: ${execution.executionId} already completed with status ${execution.status}`,
  );
}

function expired(id: string): ProtocolError {
  return invalidId(`lifecycleEventHookExecutionId: ${id} expired: the deployment no longer waits for this hook`);
}

async function complete(report: StatusReport, execution: HookExecution, deps: HookStatusPorts): Promise<void> {
  const id = execution.executionId;
  const at = deps.clock.now();
  const outcome = await deps.store.complete(id, report.status, {
    iso: new Date(at).toISOString(),
    seconds: Math.floor(at / 1000),
  });
  if (outcome === 'alreadyCompleted') {
    throw alreadyCompleted((await deps.store.get(id)) ?? { ...execution, status: report.status });
  }
  if (outcome === 'expired') throw expired(id);
  if (outcome === 'notFound') throw invalidId(`lifecycleEventHookExecutionId: no hook execution ${id}`);

  let delivered: 'ok' | 'gone';
  try {
    delivered =
      report.status === 'Succeeded'
        ? await deps.tasks.succeed(execution.taskToken, {
            status: 'Succeeded',
            lifecycleEvent: execution.lifecycleEvent,
            hook: execution.hook,
            lifecycleEventHookExecutionId: id,
          })
        : await deps.tasks.fail(
            execution.taskToken,
            'HOOK_EXECUTION_FAILURE',
            `${HOOK_FAILED_CAUSE}: ${execution.lifecycleEvent} hook ${execution.hook}`,
          );
  } catch (error) {
    // Not delivered: undo, so the hook's retry (the SDK retries a 500) can deliver it.
    await deps.store.reopen(id, report.status);
    throw error;
  }
  if (delivered === 'gone') {
    await deps.store.markExpired(id);
    throw expired(id);
  }
}
