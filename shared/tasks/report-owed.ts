/**
 * The bridge's final report, made durable: a deployment started by CodeDeploy (request field
 * `codeDeploy`) owes CodeDeploy PutLifecycleEventHookExecutionStatus once it ends. Finish writes
 * the owed report on the record (`codeDeployReport`) in the write that ends the deployment and
 * tries once at once; the watcher, each tick, tries again every report that is due, until
 * CodeDeploy has its answer. Level-triggered, like repair (shared/tasks/repair.ts).
 *
 * The answer sent is the record's final status (Succeeded, or Failed for any other end). A try
 * that fails with throttling or any other transient error is counted on the record (attempts,
 * last error, next try: backoff in shared/core/deployment/codedeploy-report.ts) and comes again,
 * for as long as it takes; CodeDeploy's "already completed" ends the report (it had its answer,
 * or timed the hook out after its hour), and so does a final refusal (no such deployment, a hook
 * id it does not know), with an event that says which.
 */
import { isoNow } from '../core/ports/clock.ts';
import { isGlidepathError, errorMessage, isTransient } from '../core/errors.ts';
import type { DeploymentRecord } from '../core/model/record.ts';
import { codeDeploySchema } from '../core/model/request.ts';
import type { ControllerPorts } from '../core/ports/index.ts';
import type { DeploymentStore } from '../core/ports/deployment-store.ts';
import { deploymentEvent } from '../core/deployment/records.ts';
import { afterFailedReport, isReportDue, reportStatusOf } from '../core/deployment/codedeploy-report.ts';
import { endOwedWork, tryEachOwed } from './owed-work.ts';

export type ReportPorts = Pick<ControllerPorts, 'lifecycle' | 'clock' | 'log'> & { store: Pick<DeploymentStore, 'update'> };

/** `told`: CodeDeploy has the answer now; `alreadyAnswered`: it had one already; `refused`: it will never take this one. */
export type ReportOutcome = 'told' | 'alreadyAnswered' | 'refused' | 'retrying' | 'notDue';

function tries(n: number): string {
  return `${n} ${n === 1 ? 'try' : 'tries'}`;
}

async function settle(ports: ReportPorts, record: DeploymentRecord, type: string, message: string): Promise<void> {
  const at = isoNow(ports.clock);
  await endOwedWork(ports.store, record.id, 'codeDeployReport', { set: { updatedAt: at }, append: { events: [deploymentEvent(type, message, {}, at)] } });
}

/**
 * One try at the report `record` owes, if it is due (`now`: Finish's own try, due or not).
 * Throws only when the try cannot be recorded (the next tick, or Finish's retry, comes again).
 */
export async function reportOne(record: DeploymentRecord, ports: ReportPorts, options: { now?: boolean } = {}): Promise<ReportOutcome> {
  const owed = record.codeDeployReport;
  if (!owed || (!options.now && !isReportDue(record, ports.clock.now()))) return 'notDue';
  const status = reportStatusOf(record.status);
  const attempt = owed.attempts + 1;
  const hook = codeDeploySchema.safeParse(record.request?.codeDeploy);
  if (!hook.success) {
    await settle(ports, record, 'CodeDeployReportRefused', `CodeDeploy cannot be told ${status}: the record names no lifecycle hook (codeDeploy: ${hook.error.issues[0]?.message ?? 'invalid'})`);
    return 'refused';
  }
  try {
    const answer = await ports.lifecycle.report(hook.data, status);
    if (answer === 'alreadyCompleted') {
      ports.log.warn('CodeDeploy had the lifecycle hook answered already', { deploymentId: record.id, codeDeploy: hook.data, status });
      await settle(ports, record, 'CodeDeployAlreadyAnswered', `CodeDeploy had the lifecycle hook answered already (a report before, or its one-hour timeout) when told ${status} (${tries(attempt)})`);
      return 'alreadyAnswered';
    }
    await settle(ports, record, 'CodeDeployReported', `CodeDeploy told ${status} (${tries(attempt)})`);
    return 'told';
  } catch (error) {
    const code = isGlidepathError(error) ? error.code : 'INTERNAL_ERROR';
    if (!isTransient(code)) {
      ports.log.error('CodeDeploy refused the final report; not tried again', { deploymentId: record.id, codeDeploy: hook.data, status, code, error: errorMessage(error) });
      await settle(ports, record, 'CodeDeployReportRefused', `CodeDeploy refused the ${status} report (${code}): ${errorMessage(error)}; not tried again`);
      return 'refused';
    }
    const next = afterFailedReport(owed, `${code}: ${errorMessage(error)}`, ports.clock.now());
    // The record keeps what is owed; a report cleared meanwhile (Finish's own try) is not owed again.
    await ports.store.update(record.id, { set: { codeDeployReport: next, updatedAt: isoNow(ports.clock) }, when: [{ present: 'codeDeployReport' }] });
    ports.log.warn('CodeDeploy could not be told; tried again later', { deploymentId: record.id, status, attempts: next.attempts, nextAt: next.nextAt, error: next.lastError });
    return 'retrying';
  }
}

/** One try at every report owed in `records` and due; a failed try is the next tick's. */
export function reportOwed(records: readonly DeploymentRecord[], ports: ReportPorts): Promise<{ deploymentId: string; outcome: ReportOutcome }[]> {
  return tryEachOwed(records, 'codeDeployReport', (r) => reportOne(r, ports), ports.log);
}
