/**
 * The report a bridge deployment owes CodeDeploy (PutLifecycleEventHookExecutionStatus): what is
 * owed given the final status, when the next try is due, how long to wait after a try that
 * failed, and how it reads to an operator. Pure: the clock is the caller's.
 *
 * CodeDeploy fails a hook that has no answer after an hour, so the tries stay frequent: the first
 * retry a minute after Finish's own try (the watcher's period), doubling, at most every 4 minutes.
 */
import type { CodeDeployReportState, DeploymentRecord, DeploymentStatus } from '../model/record.ts';

export const REPORT_FIRST_DELAY_SECONDS = 60;
export const REPORT_MAX_DELAY_SECONDS = 4 * 60;

/** The answer CodeDeploy gets for a deployment that ended `status`. */
export function reportStatusOf(status: DeploymentStatus): CodeDeployReportState['status'] {
  return status === 'Succeeded' ? 'Succeeded' : 'Failed';
}

/** The report a deployment ending `status` at `at` owes; the watcher's first try is a minute later (Finish tries at once). */
export function owedReport(status: DeploymentStatus, at: string): CodeDeployReportState {
  return { status: reportStatusOf(status), since: at, attempts: 0, nextAt: new Date(Date.parse(at) + REPORT_FIRST_DELAY_SECONDS * 1000).toISOString() };
}

/** Seconds to wait after the `attempts`-th failed try. */
export function reportDelaySeconds(attempts: number): number {
  return Math.min(REPORT_MAX_DELAY_SECONDS, REPORT_FIRST_DELAY_SECONDS * 2 ** Math.max(0, attempts - 1));
}

/** The owed report after a try that failed with `error`, at `nowMs`. */
export function afterFailedReport(state: CodeDeployReportState, error: string, nowMs: number): CodeDeployReportState {
  const attempts = state.attempts + 1;
  return { ...state, attempts, lastError: error, nextAt: new Date(nowMs + reportDelaySeconds(attempts) * 1000).toISOString() };
}

/** A deployment owing CodeDeploy its report whose next try is due. */
export function isReportDue(record: Pick<DeploymentRecord, 'codeDeployReport'>, nowMs: number): boolean {
  return !!record.codeDeployReport && Date.parse(record.codeDeployReport.nextAt) <= nowMs;
}

/** "CodeDeploy not yet told Succeeded: 3 tries, next at …; last error: …" */
export function describeOwedReport(state: CodeDeployReportState): string {
  const tries = `${state.attempts} ${state.attempts === 1 ? 'try' : 'tries'}`;
  return `CodeDeploy not yet told ${state.status}: ${tries}, next at ${state.nextAt}${state.lastError ? `; last error: ${state.lastError}` : ''}`;
}
