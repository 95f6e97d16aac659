/**
 * Building deployment records and their events (shared/core/model/record.ts): a new deployment as
 * Prepare writes it, and the Failed record of a deployment Prepare refused, each with the first
 * entries of its history (written with it, as items of their own).
 */
import type { DeploymentRequest } from '../model/request.ts';
import type { Plan } from '../model/plan.ts';
import { keys, type CodeDeployReportState, type DeploymentEvent, type DeploymentRecord } from '../model/record.ts';
import type { DeploymentStateChange } from '../ports/event-bus.ts';
import type { HistoryAppend } from '../ports/deployment-store.ts';
import type { ErrorSummary } from './caught-error.ts';

export function deploymentEvent(type: string, message: string, extra: Record<string, unknown>, at: string): DeploymentEvent {
  return { at, type, message, ...extra };
}

export interface NewDeployment {
  id: string;
  executionArn?: string;
  request: DeploymentRequest;
  plan: Plan;
  currentVersion: string;
  revisionId: string;
  at: string;
}

/** What every record starts with, accepted or refused: its keys (listed under its alias by creation time), id and target. */
function recordIdentity(d: { id: string; executionArn?: string; request: { functionName: string; alias: string }; at: string }) {
  const { functionName, alias } = d.request;
  return {
    ...keys.deployment(d.id),
    gsi1pk: keys.targetIndex(functionName, alias),
    gsi1sk: `${d.at}#${d.id}`,
    id: d.id,
    ...(d.executionArn ? { executionArn: d.executionArn } : {}),
    functionName,
    alias,
  };
}

export function newDeploymentRecord(d: NewDeployment): DeploymentRecord {
  const { request } = d;
  return {
    ...recordIdentity(d),
    gsi2pk: keys.active,
    gsi2sk: `${d.at}#${d.id}`,
    currentVersion: d.currentVersion,
    targetVersion: request.targetVersion,
    request: { ...request, currentVersion: d.currentVersion },
    plan: d.plan,
    status: 'InProgress',
    weight: 0,
    revisionId: d.revisionId,
    stepIndex: -1,
    signals: {},
    createdAt: d.at,
    updatedAt: d.at,
  };
}

/** A new deployment's first history: the weight it starts at and its Started event. */
export function newDeploymentHistory(d: NewDeployment): HistoryAppend {
  const { request } = d;
  return {
    weights: [{ at: d.at, weight: 0 }],
    events: [
      deploymentEvent(
        'Started',
        `${request.functionName}:${request.alias} from version ${d.currentVersion} to ${request.targetVersion} (${d.plan.strategy}, ${d.plan.steps.length} steps)`,
        {},
        d.at,
      ),
    ],
  };
}

export interface RejectedDeployment {
  id: string;
  executionArn?: string;
  /** As much of the request as could be read: function and alias at least. */
  request: Partial<DeploymentRequest> & { functionName: string; alias: string };
  plan?: Plan;
  error: ErrorSummary;
  at: string;
  /** The Failed report a bridge deployment owes CodeDeploy: the record waits in the active index until it is made. */
  codeDeployReport?: CodeDeployReportState;
}

/** A deployment Prepare refused: status Failed, nothing shifted, no lock. */
export function rejectedDeploymentRecord(d: RejectedDeployment): DeploymentRecord {
  const { request } = d;
  const plan: Plan = d.plan ?? {
    functionName: request.functionName,
    alias: request.alias,
    strategy: typeof request.strategy === 'string' ? request.strategy : 'Custom',
    steps: [],
    totalBakeSeconds: 0,
  };
  return {
    ...recordIdentity(d),
    ...(d.codeDeployReport ? { gsi2pk: keys.active, gsi2sk: `${d.at}#${d.id}`, codeDeployReport: d.codeDeployReport } : {}),
    currentVersion: request.currentVersion ?? '',
    targetVersion: request.targetVersion ?? '',
    request: request as DeploymentRequest,
    plan,
    status: 'Failed',
    weight: 0,
    revisionId: '',
    stepIndex: -1,
    signals: {},
    error: d.error,
    createdAt: d.at,
    updatedAt: d.at,
    endedAt: d.at,
  };
}

/** A refused deployment's history: its Rejected event (nothing shifted). */
export function rejectedDeploymentHistory(d: RejectedDeployment): HistoryAppend {
  return { events: [deploymentEvent('Rejected', `${d.error.code}: ${d.error.message}`, {}, d.at)] };
}

/** The state change a record announces (its EventBridge event's detail). */
export function stateChangeOf(record: DeploymentRecord, at: string, extra: Record<string, unknown> = {}): DeploymentStateChange {
  return {
    deploymentId: record.id,
    status: record.status,
    functionName: record.functionName,
    alias: record.alias,
    currentVersion: record.currentVersion,
    targetVersion: record.targetVersion,
    weight: record.weight,
    ...(record.error ? { error: { code: String(record.error.code), message: record.error.message } } : {}),
    ...(record.executionArn ? { executionArn: record.executionArn } : {}),
    // The analysis's latest verdict of each check (what rolled it back, or what it last said).
    ...(record.analysis?.lastVerdicts.length ? { verdicts: record.analysis.lastVerdicts.map(({ check, outcome, message }) => ({ check, outcome, message })) } : {}),
    at,
    ...extra,
  };
}
