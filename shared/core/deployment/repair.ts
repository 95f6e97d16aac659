/**
 * Repair of a deployment that ended with its rollback unfinished (the alias still weighted after
 * every retry of the state machine): when the next try is due, and how long to wait after a try
 * that failed. Pure: the clock is the caller's.
 */
import type { DeploymentRecord, RepairState } from '../model/record.ts';

/** The first retry a minute after the failed rollback (the watcher's period), doubling, at most every 30 minutes. */
export const REPAIR_FIRST_DELAY_SECONDS = 60;
export const REPAIR_MAX_DELAY_SECONDS = 30 * 60;

/** Seconds to wait after the `attempts`-th failed try. */
export function repairDelaySeconds(attempts: number): number {
  const doubled = REPAIR_FIRST_DELAY_SECONDS * 2 ** Math.max(0, attempts - 1);
  return Math.min(REPAIR_MAX_DELAY_SECONDS, doubled);
}

/** The repair state after a try that failed with `error`, at `nowMs`. */
export function afterFailedTry(state: RepairState, error: string, nowMs: number): RepairState {
  const attempts = state.attempts + 1;
  return { ...state, attempts, lastError: error, nextAt: new Date(nowMs + repairDelaySeconds(attempts) * 1000).toISOString() };
}

/** A deployment awaiting repair whose next try is due. */
export function isRepairDue(record: Pick<DeploymentRecord, 'repair'>, nowMs: number): boolean {
  return !!record.repair && Date.parse(record.repair.nextAt) <= nowMs;
}
