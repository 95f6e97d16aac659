/**
 * Ended executions: the watcher's safety net for reconcile. An active deployment whose execution
 * is no longer running, and whose reconcile never happened (the Step Functions event was lost,
 * or every delivery of it failed), is ended at a tick through reconcile's own path: the alias
 * back with the rollback core (RevisionId guard), then the finish core (lock released, state
 * change published).
 *
 * Cost per tick: nothing when no active deployment is old enough to look at; otherwise one
 * ListExecutions (statusFilter RUNNING, 1,000 a page) for the state machine, and a
 * DescribeExecution only for an active deployment whose execution is not in that list (ended,
 * or just started and not listed yet). A deployment created less than IN_FLIGHT_SECONDS ago is
 * not looked at, nor an execution stopped less than IN_FLIGHT_SECONDS ago: a Task begun before
 * the stop may still run, and reconcile has its event to act on first.
 */
import { errorMessage } from '../core/errors.ts';
import { isActive, type DeploymentRecord } from '../core/model/record.ts';
import { isEndedWithoutFinish, type ExecutionEnd } from '../core/deployment/reconcile-events.ts';
import type { ExecutionReader } from '../core/ports/execution-reader.ts';
import { IN_FLIGHT_SECONDS, reconcileExecution, type ExecutionEndPorts } from './reconcile.ts';

export type EndedExecutionPorts = ExecutionEndPorts & { executions: ExecutionReader };

export interface EndedExecutionsResult {
  /** Deployments ended at this tick because their execution had ended without them. */
  reconciled: string[];
  /** Deployments that could not be looked after this time (the next tick tries again). */
  errors: number;
}

const NOTHING: EndedExecutionsResult = { reconciled: [], errors: 0 };

/** How an execution that no longer exists is taken: ended, with nothing to say of how. */
function vanished(record: DeploymentRecord & { executionArn: string }): ExecutionEnd {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
    name: record.id,
    status: 'FAILED',
    error: 'ExecutionDoesNotExist',
    cause: `Step Functions has no execution ${record.executionArn}`,
  };
}

async function endOne(record: DeploymentRecord & { executionArn: string }, ports: EndedExecutionPorts, nowMs: number): Promise<boolean> {
  const execution = (await ports.executions.describe(record.executionArn)) ?? vanished(record);
  if (!isEndedWithoutFinish(execution.status)) return false;
  // Just stopped: the next tick's (a Task begun before the stop may still run; reconcile's event comes first).
  if (execution.stopDate != null && execution.stopDate + IN_FLIGHT_SECONDS * 1000 > nowMs) return false;
  const result = await reconcileExecution(execution, ports);
  return result.outcome === 'reconciled';
}

export async function reconcileEndedExecutions(deployments: readonly DeploymentRecord[], ports: EndedExecutionPorts): Promise<EndedExecutionsResult> {
  const nowMs = ports.clock.now();
  const settled = nowMs - IN_FLIGHT_SECONDS * 1000;
  const candidates = deployments.filter(
    (d): d is DeploymentRecord & { executionArn: string } => isActive(d.status) && typeof d.executionArn === 'string' && Date.parse(d.createdAt) <= settled,
  );
  if (candidates.length === 0) return NOTHING;
  const running = await ports.executions.running();
  const notRunning = candidates.filter((d) => !running.has(d.executionArn));
  const ended = await Promise.allSettled(notRunning.map((d) => endOne(d, ports, nowMs)));
  const reconciled = notRunning.filter((_, i) => ended[i]!.status === 'fulfilled' && (ended[i] as PromiseFulfilledResult<boolean>).value).map((d) => d.id);
  const failed = ended.flatMap((r, i) => (r.status === 'rejected' ? [{ id: notRunning[i]!.id, error: r.reason }] : []));
  for (const { id, error } of failed) {
    ports.log.warn('the watcher could not end a deployment whose execution ended', { deploymentId: id, error: errorMessage(error) });
  }
  return { reconciled, errors: failed.length };
}
