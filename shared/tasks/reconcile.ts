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
 *   task token (an approval, a `pause: {}` step, an operator's pause: no health check runs) has
 *   its wait failed with ALARM_ACTIVE through the control core, and the state machine's Catch
 *   rolls back. A deployment that bakes needs nothing: its next check sees the alarm.
 *
 * Events come at least once: every branch is idempotent, and a deployment that has ended is
 * left as it is.
 */
import { now, sleep } from '../core/clock.ts';
import type { CaughtError, RollbackResult } from '../core/model/machine.ts';
import { deploymentIdFromExecution, FINISH_NOT_RECORDED } from '../core/model/machine.ts';
import type { PlanStep } from '../core/model/plan.ts';
import type { DeploymentRecord, DeploymentStatus } from '../core/model/record.ts';
import type { Clients } from '../aws/clients.ts';
import { getDeployment, isActive, type Store } from '../aws/deployment-store.ts';
import { deploymentsWatching, unwatchAlarms, watchedAlarms } from '../aws/alarm-watches.ts';
import { toGlidepathError } from '../aws/sdk-errors.ts';
import { summarizeCaught } from '../core/deployment/caught-error.ts';
import { failWaitingStep } from './control.ts';
import { finishRecorded } from './finish.ts';
import { rollback } from './rollback.ts';
import { PROMOTED } from './shift.ts';
import { isEndedWithoutFinish, isExecutionStatusChange, type AlarmChange, type ExecutionEnd, type ReconcileEvent } from '../core/deployment/reconcile-events.ts';
import { silentNotes, storeOf, type HandlerEnv, type Notes } from './env.ts';

/**
 * How long a Task invocation that began before a stop may still run: the controller functions'
 * Lambda timeout (template.yaml Globals). Stopping an execution does not stop a running Lambda.
 */
export const IN_FLIGHT_SECONDS = 30;
/** A wait about to start is looked for this many times, this many seconds apart. */
export const WAIT_AHEAD_LOOKS = 5;
export const WAIT_AHEAD_INTERVAL_SECONDS = 1;

/** Failures of the rollback worth the event's next delivery (Lambda retries an asynchronous invocation twice). */
const RETRYABLE = new Set(['THROTTLED', 'INTERNAL_ERROR']);

export type WatcherOutcome = 'failedWait' | 'healthChecked' | 'notWaiting' | 'staleWatch';

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
  const mayRace = !record || (isActive(record.status) && record.events.some((e) => e.type === PROMOTED));
  if (!mayRace) return 0;
  const stoppedAt = detail.stopDate ?? nowMs;
  return Math.max(0, (stoppedAt + IN_FLIGHT_SECONDS * 1000 - nowMs) / 1000);
}

async function rollBack(deploymentId: string, error: CaughtError, clients: Clients, env: HandlerEnv, notes: Notes): Promise<RollbackResult | CaughtError> {
  try {
    return await rollback({ deploymentId, error }, clients, env, notes);
  } catch (caught) {
    const failure = toGlidepathError(caught, 'rollback');
    if (RETRYABLE.has(failure.code)) throw failure;
    // As the state machine does: the deployment ends, saying the rollback failed and why.
    return { Error: failure.code, Cause: failure.message };
  }
}

export async function reconcileExecution(detail: ExecutionEnd, clients: Clients, env: HandlerEnv, notes: Notes = silentNotes): Promise<ReconcileResult> {
  const deploymentId = deploymentIdFromExecution(detail.name);
  const base = { event: 'execution' as const, deploymentId };
  if (!isEndedWithoutFinish(detail.status)) return { ...base, outcome: 'ignored' };

  const store = storeOf(clients, env);
  let record = await getDeployment(store, deploymentId);
  const settle = settleSeconds(detail, record, now());
  if (settle > 0) {
    await sleep(settle);
    record = await getDeployment(store, deploymentId);
  }
  if (!record) return { ...base, outcome: 'noRecord' };
  if (record.executionArn && record.executionArn !== detail.executionArn) return { ...base, outcome: 'otherExecution' };
  if (!isActive(record.status)) return { ...base, outcome: 'ended', status: record.status };

  if (detail.status === 'FAILED' && detail.error === FINISH_NOT_RECORDED) {
    // The walk completed and the alias serves the target: record the success Complete could not.
    const finished = await finishRecorded({ execution: { Id: detail.executionArn, Name: detail.name }, deploymentId, outcome: 'succeeded' }, clients, env, notes);
    return { ...base, outcome: 'reconciled', status: finished.status };
  }
  const error = endingError(detail);
  const rolledBack = await rollBack(deploymentId, error, clients, env, notes);
  const finished = await finishRecorded(
    { execution: { Id: detail.executionArn, Name: detail.name }, deploymentId, outcome: 'failed', error, rollback: rolledBack },
    clients,
    env,
    notes,
  );
  return { ...base, outcome: 'reconciled', status: finished.status, ...(finished.error ? { error: finished.error } : {}), rollback: rolledBack };
}

/** A step that waits on a token comes next: an approval, an untimed pause, or an operator's pause about to hold. */
function isTokenWait(step: PlanStep | undefined): boolean {
  if (!step) return false;
  if ('approval' in step) return true;
  if ('pause' in step) return step.pause.duration === undefined && step.pause.until === undefined && !step.pause.untilWindow;
  return false;
}

export function waitAhead(record: Pick<DeploymentRecord, 'waitToken' | 'signals' | 'plan' | 'stepIndex'>): boolean {
  if (record.waitToken) return false;
  return !!record.signals?.pause || isTokenWait(record.plan.steps[record.stepIndex + 1]);
}

function alarmCause(detail: AlarmChange, wait: NonNullable<DeploymentRecord['waitToken']>): string {
  const where = wait.kind === 'hold' ? `paused at step ${wait.stepIndex}` : `waiting at step ${wait.stepIndex} (${wait.kind})`;
  return `alarm ${detail.alarmName} is in ALARM while the deployment was ${where}${detail.state.reason ? `: ${detail.state.reason}` : ''}`;
}

async function reconcileWatcher(store: Store, deploymentId: string, detail: AlarmChange, clients: Clients, env: HandlerEnv): Promise<WatcherOutcome> {
  let record = await getDeployment(store, deploymentId);
  // A check just said "go on" and the wait is registering: its token is a moment away.
  for (let look = 0; record && isActive(record.status) && waitAhead(record) && look < WAIT_AHEAD_LOOKS; look++) {
    await sleep(WAIT_AHEAD_INTERVAL_SECONDS);
    record = await getDeployment(store, deploymentId);
  }
  if (!record || !isActive(record.status) || !watchedAlarms(record).includes(detail.alarmName)) {
    // A watch that outlived its deployment's Finish: delete it.
    await unwatchAlarms(store, { id: deploymentId, request: {} }, [detail.alarmName]);
    return 'staleWatch';
  }
  if (!record.waitToken) return 'healthChecked';
  const result = await failWaitingStep(record, { error: 'ALARM_ACTIVE', cause: alarmCause(detail, record.waitToken) }, clients, env);
  return result.released ? 'failedWait' : 'notWaiting';
}

export async function reconcileAlarm(detail: AlarmChange, clients: Clients, env: HandlerEnv, _notes: Notes = silentNotes): Promise<ReconcileResult> {
  const base = { event: 'alarm' as const, alarmName: detail.alarmName };
  if (detail.state.value !== 'ALARM') return { ...base, outcome: 'ignored', deployments: [] };
  const store = storeOf(clients, env);
  const ids = await deploymentsWatching(store, detail.alarmName);
  const settled = await Promise.allSettled(ids.map((id) => reconcileWatcher(store, id, detail, clients, env)));
  // Every watcher was tried; one that failed makes the event come again (the others are idempotent).
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const deployments = settled.map((s, i) => ({ deploymentId: ids[i]!, outcome: (s as PromiseFulfilledResult<WatcherOutcome>).value }));
  return { ...base, outcome: deployments.some((d) => d.outcome === 'failedWait') ? 'failedWait' : 'nothing', deployments };
}

export async function reconcile(event: ReconcileEvent, clients: Clients, env: HandlerEnv, notes: Notes = silentNotes): Promise<ReconcileResult> {
  return isExecutionStatusChange(event) ? reconcileExecution(event.detail, clients, env, notes) : reconcileAlarm(event.detail, clients, env, notes);
}
