/**
 * Reconcile: what the state machine cannot do for itself, driven by EventBridge events.
 *
 * - An execution of the Glidepath state machine ended without its Finish (stopped with
 *   StopExecution or the console, timed out, or failed where no Catch could run): if its
 *   deployment is still active, the alias goes back with the rollback core (RevisionId guard:
 *   never over a change Glidepath did not make) and the deployment ends with the finish core —
 *   Stopped/MANUAL_STOP after a stop, Failed (TIMEOUT, or the execution's error) otherwise; the
 *   lock is released and the state change published.
 * - A CloudWatch alarm went into ALARM: each active deployment that watches it and waits on a
 *   task token (a bake, a timed or untimed pause, an approval, a window hold, an operator's
 *   pause) has its wait failed with ALARM_ACTIVE through the control task, and the state
 *   machine's Catch rolls back — within a second of the alarm, whatever the wait's length.
 *
 * Events come at least once: every branch is idempotent, and a deployment that has ended is
 * left as it is.
 */
import type { CaughtError, RollbackResult } from '../core/model/machine.ts';
import { deploymentIdFromExecution, FINISH_NOT_RECORDED } from '../core/model/machine.ts';
import { isActive, type DeploymentRecord, type DeploymentStatus } from '../core/model/record.ts';
import type { ControllerPorts } from '../core/ports/index.ts';
import { isGlidepathError, errorMessage, isTransient } from '../core/errors.ts';
import { alarmDuringWait, watchedAlarms } from '../core/health.ts';
import { summarizeCaught } from '../core/deployment/caught-error.ts';
import { failWaitingStep } from './control.ts';
import { finishRecorded } from './finish.ts';
import { rollback } from './rollback.ts';
import { isEndedWithoutFinish, isExecutionStatusChange, type AlarmChange, type ExecutionEnd, type ReconcileEvent } from '../core/deployment/reconcile-events.ts';
import type { DeploymentStore } from '../core/ports/deployment-store.ts';

/** What ending a deployment whose execution ended needs (also the watcher's, for an event that never came). */
export type ExecutionEndPorts = Pick<ControllerPorts, 'aliases' | 'events' | 'lifecycle' | 'clock' | 'log'> & {
  store: Pick<DeploymentStore, 'get' | 'update' | 'releaseLock' | 'unwatchAlarms'>;
};

export type ReconcilePorts = ExecutionEndPorts & Pick<ControllerPorts, 'tokens'> & { store: Pick<DeploymentStore, 'watchersOf'> };

/**
 * How long a Task invocation that began before a stop may still run: the controller functions'
 * Lambda timeout (template.yaml Globals). Stopping an execution does not stop a running Lambda.
 */
export const IN_FLIGHT_SECONDS = 30;

/** Failures of the rollback worth the event's next delivery (Lambda retries an asynchronous invocation twice). */

export type WatcherOutcome = 'failedWait' | 'notWaiting' | 'staleWatch';

export interface ReconcileResult {
  event: 'execution' | 'alarm';
  /** Counted as metric `Reconcile<Outcome>`. */
  outcome: 'ignored' | 'noRecord' | 'otherExecution' | 'ended' | 'reconciled' | 'failedWait' | 'nothing';
  deploymentId?: string;
  status?: DeploymentStatus;
  error?: { code: string; message: string };
  rollback?: RollbackResult | CaughtError;
  alarmName?: string;
  deployments?: { deploymentId: string; outcome: WatcherOutcome }[];
}

/** The error a deployment ends with when its execution ended as `detail` says. */
export function endingError(detail: Pick<ExecutionEnd, 'status' | 'error' | 'cause'>): CaughtError {
  const said = [detail.error, detail.cause].filter((s): s is string => typeof s === 'string' && s !== '').join(': ');
  switch (detail.status) {
    case 'ABORTED':
      return { Error: 'MANUAL_STOP', Cause: `the execution was stopped outside Glidepath (StopExecution or the console)${said ? `: ${said}` : ''}` };
    case 'TIMED_OUT':
      return { Error: 'TIMEOUT', Cause: `the execution timed out before the deployment finished${said ? `: ${said}` : ''}` };
    default: {
      const summary = detail.error ? summarizeCaught({ Error: detail.error, ...(detail.cause ? { Cause: detail.cause } : {}) }) : undefined;
      return {
        Error: summary?.code ?? 'INTERNAL_ERROR',
        Cause: `the execution failed before the deployment finished: ${summary?.message ?? 'no error was given'}`,
      };
    }
  }
}

/**
 * Seconds to wait before acting on a stopped (or timed-out) execution, so that no Task that began
 * before the stop is still running: a Prepare that may yet write the record (none found yet), or
 * a Complete that may yet mark a promoted deployment Succeeded. Zero for a FAILED execution (every
 * Task had ended) and once the stop is IN_FLIGHT_SECONDS old.
 */
export function settleSeconds(detail: Pick<ExecutionEnd, 'status' | 'stopDate'>, record: DeploymentRecord | undefined, nowMs: number): number {
  if (detail.status === 'FAILED') return 0;
  const mayRace = !record || (isActive(record.status) && record.promotedAt !== undefined);
  if (!mayRace) return 0;
  const stoppedAt = detail.stopDate ?? nowMs;
  return Math.max(0, (stoppedAt + IN_FLIGHT_SECONDS * 1000 - nowMs) / 1000);
}

async function rollBack(deploymentId: string, error: CaughtError, ports: ExecutionEndPorts): Promise<RollbackResult | CaughtError> {
  try {
    return await rollback({ deploymentId, error }, ports);
  } catch (caught) {
    const failure = isGlidepathError(caught) ? caught : { code: 'INTERNAL_ERROR', message: errorMessage(caught) };
    if (isTransient(failure.code)) throw caught;
    // As the state machine does: the deployment ends, saying the rollback failed and why.
    return { Error: failure.code, Cause: failure.message };
  }
}

export async function reconcileExecution(detail: ExecutionEnd, ports: ExecutionEndPorts): Promise<ReconcileResult> {
  const deploymentId = deploymentIdFromExecution(detail.name);
  const base = { event: 'execution' as const, deploymentId };
  if (!isEndedWithoutFinish(detail.status)) return { ...base, outcome: 'ignored' };

  const { store } = ports;
  let record = await store.get(deploymentId);
  const settle = settleSeconds(detail, record, ports.clock.now());
  if (settle > 0) {
    await ports.clock.sleep(settle);
    record = await store.get(deploymentId);
  }
  if (!record) return { ...base, outcome: 'noRecord' };
  if (record.executionArn && record.executionArn !== detail.executionArn) return { ...base, outcome: 'otherExecution' };
  if (!isActive(record.status)) return { ...base, outcome: 'ended', status: record.status };

  if (detail.status === 'FAILED' && detail.error === FINISH_NOT_RECORDED) {
    // The walk completed and the alias serves the target: record the success Complete could not.
    const finished = await finishRecorded({ execution: { Id: detail.executionArn, Name: detail.name }, deploymentId, outcome: 'succeeded' }, ports).catch((caught: unknown) => {
      // An abort was accepted before the success was recorded: it rolls back (below).
      if (isGlidepathError(caught) && caught.code === 'MANUAL_STOP') return undefined;
      throw caught;
    });
    if (finished) return { ...base, outcome: 'reconciled', status: finished.status };
  }
  const error = detail.status === 'FAILED' && detail.error === FINISH_NOT_RECORDED && record.signals?.abort ? { Error: 'MANUAL_STOP', Cause: `stopped by an operator (abort at ${record.signals.abort})` } : endingError(detail);
  const rolledBack = await rollBack(deploymentId, error, ports);
  const finished = await finishRecorded(
    { execution: { Id: detail.executionArn, Name: detail.name }, deploymentId, outcome: 'failed', error, rollback: rolledBack },
    ports,
  );
  return { ...base, outcome: 'reconciled', status: finished.status, ...(finished.error ? { error: finished.error } : {}), rollback: rolledBack };
}

async function reconcileWatcher(ports: ReconcilePorts, deploymentId: string, detail: AlarmChange): Promise<WatcherOutcome> {
  const { store } = ports;
  const record = await store.get(deploymentId);
  if (!record || !isActive(record.status) || !watchedAlarms(record.request).includes(detail.alarmName)) {
    // A watch that outlived its deployment's Finish: delete it.
    await store.unwatchAlarms(deploymentId, [detail.alarmName]);
    return 'staleWatch';
  }
  // Not waiting: a shift or a check is running, and reads the alarms itself; a wait about to begin
  // reads them once its token is stored (shared/tasks/control.ts).
  if (!record.waitToken) return 'notWaiting';
  const result = await failWaitingStep(record, { error: 'ALARM_ACTIVE', cause: alarmDuringWait({ name: detail.alarmName, ...(detail.state.reason ? { reason: detail.state.reason } : {}) }, record.waitToken) }, ports);
  return result.released ? 'failedWait' : 'notWaiting';
}

export async function reconcileAlarm(detail: AlarmChange, ports: ReconcilePorts): Promise<ReconcileResult> {
  const base = { event: 'alarm' as const, alarmName: detail.alarmName };
  if (detail.state.value !== 'ALARM') return { ...base, outcome: 'ignored', deployments: [] };
  const ids = await ports.store.watchersOf(detail.alarmName);
  const settled = await Promise.allSettled(ids.map((id) => reconcileWatcher(ports, id, detail)));
  // Every watcher was tried; one that failed makes the event come again (the others are idempotent).
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const deployments = settled.map((s, i) => ({ deploymentId: ids[i]!, outcome: (s as PromiseFulfilledResult<WatcherOutcome>).value }));
  return { ...base, outcome: deployments.some((d) => d.outcome === 'failedWait') ? 'failedWait' : 'nothing', deployments };
}

export async function reconcile(event: ReconcileEvent, ports: ReconcilePorts): Promise<ReconcileResult> {
  return isExecutionStatusChange(event) ? reconcileExecution(event.detail, ports) : reconcileAlarm(event.detail, ports);
}
