/**
 * Finish (Complete, ReportFailure, Reject): the final status and error, the lock released (only
 * if this deployment holds it), a state-change event, and in bridge mode CodeDeploy's answer.
 * A deployment whose rollback failed ends too, marked for repair (the watcher puts the alias back).
 * A success is recorded only if no abort was accepted: otherwise MANUAL_STOP, and the state
 * machine rolls back.
 * Idempotent: a finished record is not finished again, a released lock stays released (and its
 * alarm watches deleted), and CodeDeploy's "already completed" is success.
 *
 * Bridge mode: the report CodeDeploy is owed (`codeDeployReport`) is written with the end and keeps
 * the record in the active index; Finish tries it once (shared/tasks/report-owed.ts). A try that
 * fails for a transient reason does not fail Finish: the execution ends with the deployment's own
 * outcome and the watcher tries again until CodeDeploy is told.
 *
 * `rejected` (Prepare refused): there is no lock and nothing was shifted; the record is written
 * Failed when the request names at least a function and an alias, and nothing else is touched
 * (a bridge deployment's record owes CodeDeploy its Failed report, as above).
 * A Prepare that failed after recording the deployment (a write after the record and lock's
 * transaction) has left a record and a lock: that deployment is finished as failed, lock released.
 * On failure the result always carries `error.code` and `error.message` (the Fail state reads them).
 */
import { isoNow } from '../core/ports/clock.ts';
import { deploymentIdFromExecution, type FinishInput, type FinishResult, type RollbackResult } from '../core/model/machine.ts';
import { isActive, type DeploymentRecord, type DeploymentStatus } from '../core/model/record.ts';
import { GlidepathError } from '../core/errors.ts';
import { aliasSchema, codeDeploySchema, deploymentRequestSchema, functionNameSchema, type DeploymentRequest } from '../core/model/request.ts';
import { planDeployment } from '../core/planner.ts';
import type { ControllerPorts } from '../core/ports/index.ts';
import { watchedAlarms } from '../core/health.ts';
import { isCaughtError, summarizeCaught, type ErrorSummary } from '../core/deployment/caught-error.ts';
import { deploymentEvent, rejectedDeploymentHistory, rejectedDeploymentRecord, stateChangeOf } from '../core/deployment/records.ts';
import { announce } from './announce.ts';
import type { DeploymentStore } from '../core/ports/deployment-store.ts';
import { owedReport } from '../core/deployment/codedeploy-report.ts';
import { reportOne } from './report-owed.ts';

type FinishStore = Pick<DeploymentStore, 'get' | 'update' | 'releaseLock' | 'unwatchAlarms'>;
/** Finishing a recorded deployment (Complete, ReportFailure, and reconcile). */
export type FinishRecordedPorts = Pick<ControllerPorts, 'events' | 'lifecycle' | 'clock' | 'log'> & { store: FinishStore };
export type FinishPorts = Pick<ControllerPorts, 'events' | 'lifecycle' | 'clock' | 'log'> & { store: FinishStore & Pick<DeploymentStore, 'putIfAbsent'> };

/** The status and error a failed deployment ends with, given its error and what rollback did. */
export function failureOutcome(input: Pick<FinishInput, 'error' | 'rollback'>): { status: DeploymentStatus; error: ErrorSummary } {
  const cause = summarizeCaught(input.error);
  const status: DeploymentStatus = cause.code === 'MANUAL_STOP' ? 'Stopped' : 'Failed';
  const rollback = input.rollback;
  if (isCaughtError(rollback)) {
    const failed = summarizeCaught(rollback);
    return { status, error: { code: cause.code, message: `${cause.message}; rollback failed (${failed.code}): ${failed.message}` } };
  }
  const result = rollback as RollbackResult | undefined;
  if (result && !result.rolledBack && cause.code !== 'CONCURRENT_MODIFICATION') {
    // The alias was left as someone else set it: the deployment ends in CONCURRENT_MODIFICATION.
    return { status, error: { code: 'CONCURRENT_MODIFICATION', message: `${cause.message}; ${result.reason ?? 'the alias was not rolled back'}` } };
  }
  return { status, error: cause };
}

/** The CodeDeploy lifecycle hook a request's walk answers (the bridge's), if any. */
function bridgeHook(request: Partial<DeploymentRequest> | undefined): DeploymentRequest['codeDeploy'] {
  const bridge = codeDeploySchema.safeParse(request?.codeDeploy);
  return bridge.success ? bridge.data : undefined;
}

/** Finish's own try at the report the record owes (the watcher tries again while it stays owed). */
async function tellCodeDeploy(ports: FinishRecordedPorts, record: DeploymentRecord): Promise<void> {
  if (!record.codeDeployReport) return;
  const outcome = await reportOne(record, ports, { now: true });
  if (outcome === 'retrying') ports.log.warn('CodeDeploy is not told yet: the watcher tries again', { deploymentId: record.id, codeDeploy: record.request.codeDeploy });
}

/** Finishes a deployment Prepare recorded (also reconcile's way to end one whose execution ended without it). */
export async function finishRecorded(input: FinishInput & { deploymentId: string }, ports: FinishRecordedPorts): Promise<FinishResult> {
  const { store } = ports;
  const outcome =
    input.outcome === 'succeeded' ? { status: 'Succeeded' as DeploymentStatus, error: undefined } : failureOutcome(input);
  const at = isoNow(ports.clock);
  // A walk started by CodeDeploy owes it the final report: written with the end, cleared once told.
  const before = await store.get(input.deploymentId);
  const owed = before && isActive(before.status) && bridgeHook(before.request) ? owedReport(outcome.status, at) : undefined;
  const message = outcome.error ? `${outcome.status}: ${outcome.error.code}: ${outcome.error.message}` : `${outcome.status}`;
  // The rollback did not finish: the record stays in the active index for the watcher to repair.
  const repair = input.outcome === 'failed' && isCaughtError(input.rollback) ? { since: at, attempts: 0, nextAt: at } : undefined;
  let record: DeploymentRecord | undefined = await store.update(input.deploymentId, {
    set: {
      status: outcome.status,
      updatedAt: at,
      endedAt: at,
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(repair ? { repair } : {}),
      ...(owed ? { codeDeployReport: owed } : {}),
    },
    // Owed work (a repair, a report) keeps the record in the active index, for the watcher.
    remove: repair || owed ? ['waitToken'] : ['waitToken', 'gsi2pk', 'gsi2sk'],
    append: { events: [deploymentEvent(outcome.status, message, {}, at)] },
    // Abort wins up to the end: a success is recorded only while no abort is accepted.
    when: input.outcome === 'succeeded' ? [{ active: true }, { unsignalled: ['abort'] }] : [{ active: true }],
  });
  const firstTime = record !== undefined;
  // Already finished (a retried finish) or gone: finish with what is there.
  record ??= await store.get(input.deploymentId);
  if (!firstTime && record && isActive(record.status) && record.signals?.abort) {
    // An abort accepted after the alias went to the target (the AfterAllowTraffic hook, the final
    // bake): the state machine's Catch on Complete rolls back.
    throw new GlidepathError('MANUAL_STOP', `stopped by an operator (abort at ${record.signals.abort}) before the deployment ended`);
  }
  if (!record) {
    ports.log.warn('no record to finish', { deploymentId: input.deploymentId });
    return { deploymentId: input.deploymentId, status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) };
  }
  await store.releaseLock(record.functionName, record.alias, record.id);
  await store.unwatchAlarms(record.id, watchedAlarms(record.request));
  if (firstTime) await announce(ports, stateChangeOf(record, isoNow(ports.clock)));
  await tellCodeDeploy(ports, record);
  const error = record.status === 'Succeeded' ? undefined : (record.error as ErrorSummary | undefined) ?? outcome.error;
  return { deploymentId: record.id, status: record.status, ...(error ? { error } : {}) };
}

/** As much of a refused request as can be read: the whole request, or at least function and alias. */
function readableRequest(input: unknown): (Partial<DeploymentRequest> & { functionName: string; alias: string }) | undefined {
  const full = deploymentRequestSchema.safeParse(input);
  if (full.success) return full.data;
  if (!input || typeof input !== 'object') return undefined;
  const raw = input as Record<string, unknown>;
  const functionName = functionNameSchema.safeParse(raw.functionName);
  const alias = aliasSchema.safeParse(raw.alias);
  if (!functionName.success || !alias.success) return undefined;
  const partial: Partial<DeploymentRequest> & { functionName: string; alias: string } = { functionName: functionName.data, alias: alias.data };
  for (const key of ['currentVersion', 'targetVersion', 'description'] as const) {
    if (typeof raw[key] === 'string') partial[key] = raw[key] as string;
  }
  const bridge = codeDeploySchema.safeParse(raw.codeDeploy);
  if (bridge.success) partial.codeDeploy = bridge.data;
  return partial;
}

async function finishRejected(input: FinishInput, ports: FinishPorts): Promise<FinishResult> {
  const deploymentId = deploymentIdFromExecution(input.execution.Name);
  const error = summarizeCaught(input.error);
  const request = readableRequest(input.execution.Input);
  if (request) {
    let plan;
    try {
      plan = planDeployment(request as DeploymentRequest);
    } catch {
      // The strategy may be what was refused: the record goes without a plan.
    }
    const at = isoNow(ports.clock);
    // A refused codeDeploy field did not come from the bridge: no CodeDeploy hook is answered.
    const forged = error.code === 'INVALID_REQUEST' && error.message.startsWith('codeDeploy:');
    const rejected = {
      id: deploymentId,
      ...(input.execution.Id ? { executionArn: input.execution.Id } : {}),
      request,
      ...(plan ? { plan } : {}),
      error,
      at,
      ...(bridgeHook(request) && !forged ? { codeDeployReport: owedReport('Failed', at) } : {}),
    };
    const record = rejectedDeploymentRecord(rejected);
    const written = await ports.store.putIfAbsent(record, rejectedDeploymentHistory(rejected));
    // A retried Reject, or a Prepare that failed after recording the deployment: the stored record.
    const stored = written ? record : await ports.store.get(deploymentId);
    if (written) await announce(ports, stateChangeOf(record, isoNow(ports.clock)));
    else if (stored && isActive(stored.status) && (!stored.executionArn || !input.execution.Id || stored.executionArn === input.execution.Id)) {
      // Prepare recorded the deployment (and took the lock) and failed after: it ends as a failed
      // deployment, its lock released. Nothing was shifted: Prepare never moves the alias.
      return finishRecorded({ ...input, deploymentId, outcome: 'failed' }, ports);
    }
    // The report is the stored record's, if it is still owed.
    if (stored) await tellCodeDeploy(ports, stored);
  }
  return { deploymentId, status: 'Failed', error };
}

export async function finish(input: FinishInput, ports: FinishPorts): Promise<FinishResult> {
  if (input.outcome === 'rejected' || input.deploymentId === undefined) return finishRejected(input, ports);
  return finishRecorded({ ...input, deploymentId: input.deploymentId }, ports);
}
