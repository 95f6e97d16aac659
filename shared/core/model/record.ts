/**
 * What the table holds: one DynamoDB table, single-table layout.
 *
 * | item               | pk                         | sk          | gsi1pk                     | gsi1sk                 |
 * |--------------------|----------------------------|-------------|----------------------------|------------------------|
 * | deployment record  | `DEP#<id>`                 | `DEPLOYMENT`| `TARGET#<function>#<alias>`| `<createdAt>#<id>`     |
 *
 * Index gsi2 holds the active deployments: a record carries `gsi2pk` = `ACTIVE` and `gsi2sk` =
 * `<createdAt>#<id>` from Prepare until Finish removes them (a sparse index: one Query finds every
 * deployment the watcher looks after). An ended record stays in it while it owes the watcher work:
 * a `repair` or a `codeDeployReport`.
 * | per-alias lock     | `LOCK#<function>#<alias>`  | `LOCK`      |                            |                        |
 * | hook execution     | `HOOK#<executionId>`       | `HOOK`      |                            |                        |
 * | deployment group   | `GROUP#<name>`             | `GROUP`     | `GROUPS`                   | `<name>`               |
 * | trigger dedupe     | `TRIGGER#<key>`            | `TRIGGER`   |                            |                        |
 * | alarm watch        | `ALARM#<alarmName>`        | `DEP#<id>`  |                            |                        |
 * | verdict            | `DEP#<id>`                 | `VERDICT#<at>#<seq>#<check>` |                |                        |
 * | event              | `DEP#<id>`                 | `EVENT#<at>#<written>#<seq>` |                |                        |
 * | weight point       | `DEP#<id>`                 | `WEIGHT#<at>#<written>#<seq>`|                |                        |
 *
 * `<function>` is the bare function name (an ARN is reduced to its name) so that a name and an
 * ARN of the same function share one lock. Items that expire carry `ttl` (epoch seconds).
 *
 * Alarm watches: one item per alarm an active deployment watches (its request's `alarms`, when its
 * alarm policy is enabled), written by Prepare after the record and deleted by Finish. A Query on
 * `ALARM#<alarmName>` finds the deployments to reconcile when that alarm fires (reconcile deletes
 * any watch whose deployment has ended, should one outlive its Finish).
 *
 * History: a deployment's events, weight points and verdicts (one item per judged interval of a
 * check) are items of their own in the record's partition (so a Query on `DEP#<id>` with `sk`
 * beginning `EVENT#`, `WEIGHT#` or `VERDICT#` reads one kind in time order), never lists inside the
 * record item: the record keeps no growing list and stays small and the same size whatever the
 * number of steps, events or intervals. They are written in one TransactWriteItems with the record
 * change they come with, under that change's guards (both or neither); a change without history
 * stays one UpdateItem. `<seq>` is the entry's place in its batch (4 digits), so entries of one
 * instant keep their order; `<written>` (events, weights) is when the writer wrote them by its own
 * clock (epoch ms, 13 digits) and a random suffix, so entries of one instant of the Glidepath clock
 * (a virtual clock, a fixed test clock) read back in the order they were written, and two writes
 * never share an item.
 */
import type { DeploymentRequest } from './request.ts';
import type { Plan } from './plan.ts';
import type { ErrorCode } from '../errors.ts';

export const TABLE_KEYS = { pk: 'pk', sk: 'sk', gsi1: 'gsi1', gsi1pk: 'gsi1pk', gsi1sk: 'gsi1sk', gsi2: 'gsi2', gsi2pk: 'gsi2pk', gsi2sk: 'gsi2sk' } as const;

/** CodeDeploy's deployment statuses, as Glidepath records them. */
export type DeploymentStatus = 'Created' | 'InProgress' | 'Paused' | 'Succeeded' | 'Failed' | 'Stopped';

export type WaitKind = 'approval' | 'pause' | 'hold' | 'timed' | 'window';

export type ControlAction = 'abort' | 'promote' | 'promote-full' | 'pause' | 'resume' | 'approve';

export interface WeightPoint {
  /** ISO time on the Glidepath clock. */
  at: string;
  /** Percent of traffic on the target version (0–100). */
  weight: number;
}

export interface DeploymentEvent {
  at: string;
  type: string;
  message: string;
  stepIndex?: number;
  [key: string]: unknown;
}

/** One judgement of one analysis check, kept as an item of its own. */
export interface Verdict {
  at: string;
  check: string;
  outcome: 'Pass' | 'Fail' | 'Inconclusive';
  message: string;
  /** The span judged (ISO times, [start, end)). */
  interval: { start: string; end: string };
  stepIndex?: number;
  [key: string]: unknown;
}

/** The analysis of the step in progress, as the watcher left it (replaced at each verdict, never growing). */
export interface AnalysisState {
  stepIndex: number;
  /** The end of the last span judged. */
  judgedUntil: string;
  /** Each check's latest outcomes, newest last (as many as its consecutive rule needs). */
  recent: Record<string, ('Pass' | 'Fail' | 'Inconclusive')[]>;
  /** Since when every check has passed (the start of the first span of the run). */
  passingSince?: string;
  /** The check that failed the deployment. */
  failure?: { check: string; message: string; at: string };
  lastVerdicts: Verdict[];
}

/** The lists a deployment's history is read as (DeploymentStore.history). */
export type HistoryKind = 'events' | 'weights' | 'verdicts';

/** Operator signals, written by `control`, read at every check. Each is an ISO time when set. */
export interface ControlSignals {
  abort?: string;
  promote?: string;
  promoteFull?: string;
  pause?: string;
  resume?: string;
  approve?: string;
}

export interface DeploymentRecord {
  pk: string;
  sk: 'DEPLOYMENT';
  gsi1pk: string;
  gsi1sk: string;
  /** `ACTIVE` while the deployment has not ended, or has ended owing a repair or a CodeDeploy report (index gsi2). */
  gsi2pk?: string;
  gsi2sk?: string;
  id: string;
  executionArn?: string;
  functionName: string;
  alias: string;
  currentVersion: string;
  targetVersion: string;
  request: DeploymentRequest;
  plan: Plan;
  status: DeploymentStatus;
  /** Percent of traffic on the target now. */
  weight: number;
  /** The alias RevisionId Glidepath last saw or wrote. */
  revisionId: string;
  /** Index of the step in progress, -1 before the first. */
  stepIndex: number;
  /** When the step in progress began (for bakes and timed pauses). */
  stepStartedAt?: string;
  /** When Promote moved the alias to the target alone. */
  promotedAt?: string;
  /** When Rollback put the alias back on the current version (the deployment was rolled back). */
  rolledBackAt?: string;
  /** Why Rollback left the alias as someone else set it (set with `rollingBackAt`, instead of `rolledBackAt`). */
  rollbackSkipped?: string;
  /** The step whose shift a closed deployment window holds, once said in the events (said once per step). */
  windowHeldStep?: number;
  signals: ControlSignals;
  /** The id of the last operator signal or wait claim written (shared/core/deployment/write-id.ts). */
  lastWrite?: string;
  /**
   * The task token of the wait in progress, where the wakers (operators, alarm events, the watcher)
   * find it: a step that waits for an operator (`approval`, `pause` until resumed), a `hold` (a
   * step held by an operator's pause, status Paused, until resume, promote or abort), a `timed`
   * wait (a bake, a timed pause or the final bake: its timeout is the time left) or a `window`
   * wait (a shift held until a deployment window opens).
   */
  waitToken?: { token: string; stepIndex: number; kind: WaitKind };
  /** The watcher's latest reading of the deployment's alarms (replaced at each change, never a growing list). */
  watch?: { at: string; alarms: { name: string; state: string }[] };
  /** The analysis of the step in progress (shared/tasks/analyze.ts). */
  analysis?: AnalysisState;
  /** When Rollback put the alias back (or left it alone): the deployment can only end now, and an abort is refused. */
  rollingBackAt?: string;
  error?: { code: ErrorCode | string; message: string };
  /**
   * Present while the deployment has ended but its rollback did not finish (the alias is still
   * weighted): the watcher retries it, with backoff, until the alias is back on the current
   * version. The record stays in the active index (gsi2) meanwhile.
   */
  repair?: RepairState;
  /**
   * Present while CodeDeploy is owed the bridge's final report (PutLifecycleEventHookExecutionStatus):
   * written by Finish with the final status, cleared once CodeDeploy has its answer. The watcher
   * retries it, with backoff; the record stays in the active index (gsi2) meanwhile.
   */
  codeDeployReport?: CodeDeployReportState;
  createdAt: string;
  updatedAt: string;
  endedAt?: string;
}

export interface RepairState {
  /** When the rollback was found unfinished. */
  since: string;
  /** Tries the watcher made so far. */
  attempts: number;
  /** When the next try is due. */
  nextAt: string;
  /** Why the last try failed. */
  lastError?: string;
}

export interface CodeDeployReportState {
  /** The answer owed: Succeeded for a deployment that succeeded, Failed for any other end. */
  status: 'Succeeded' | 'Failed';
  /** When the deployment ended owing it. */
  since: string;
  /** Tries made so far. */
  attempts: number;
  /** When the next try is due. */
  nextAt: string;
  /** Why the last try failed. */
  lastError?: string;
}

export interface LockItem {
  pk: string;
  sk: 'LOCK';
  deploymentId: string;
  acquiredAt: string;
}

export interface HookExecutionItem {
  pk: string;
  sk: 'HOOK';
  executionId: string;
  deploymentId: string;
  lifecycleEvent: string;
  taskToken: string;
  status: 'Pending' | 'Succeeded' | 'Failed';
  createdAt: string;
  /** Epoch seconds; DynamoDB TTL removes it after the hook timeout. */
  ttl: number;
}

/** One alarm one deployment watches (see the table above). */
export interface AlarmWatchItem {
  pk: string;
  sk: string;
  alarmName: string;
  deploymentId: string;
  functionName: string;
  alias: string;
  createdAt: string;
}

/** Reduce a function name, partial ARN or full ARN to the bare name. */
export function bareFunctionName(nameOrArn: string): string {
  const parts = nameOrArn.split(':');
  if (parts.length === 1) return nameOrArn;
  // arn:aws:lambda:region:acct:function:name[:qualifier] | acct:function:name | name:qualifier
  const idx = parts.indexOf('function');
  if (idx >= 0 && parts[idx + 1]) return parts[idx + 1]!;
  return parts[0]!;
}

export const keys = {
  deployment: (id: string) => ({ pk: `DEP#${id}`, sk: 'DEPLOYMENT' as const }),
  lock: (functionName: string, alias: string) => ({ pk: `LOCK#${bareFunctionName(functionName)}#${alias}`, sk: 'LOCK' as const }),
  hook: (executionId: string) => ({ pk: `HOOK#${executionId}`, sk: 'HOOK' as const }),
  group: (name: string) => ({ pk: `GROUP#${name}`, sk: 'GROUP' as const }),
  trigger: (key: string) => ({ pk: `TRIGGER#${key}`, sk: 'TRIGGER' as const }),
  targetIndex: (functionName: string, alias: string) => `TARGET#${bareFunctionName(functionName)}#${alias}`,
  alarmWatch: (alarmName: string, deploymentId: string) => ({ pk: `ALARM#${alarmName}`, sk: `DEP#${deploymentId}` }),
  /** The partition of an alarm's watches (Query `pk = :pk`). */
  alarmWatches: (alarmName: string) => `ALARM#${alarmName}`,
  /** A verdict item of deployment `id`: `seq` is its place among the entries written with it. */
  verdict: (id: string, verdict: Pick<Verdict, 'at' | 'check'>, seq: number) => ({
    pk: `DEP#${id}`,
    sk: `VERDICT#${verdict.at}#${String(seq).padStart(4, '0')}#${verdict.check}`,
  }),
  /** An event item of deployment `id`: `written` orders writes of one instant, `seq` is its place in its batch. */
  event: (id: string, at: string, written: string, seq: number) => ({ pk: `DEP#${id}`, sk: `EVENT#${at}#${written}#${String(seq).padStart(4, '0')}` }),
  /** A weight-point item of deployment `id` (as `event`). */
  weight: (id: string, at: string, written: string, seq: number) => ({ pk: `DEP#${id}`, sk: `WEIGHT#${at}#${written}#${String(seq).padStart(4, '0')}` }),
  /** The sort-key prefix of each history kind's items (Query `pk = DEP#<id> AND begins_with(sk, :prefix)`). */
  historyPrefix: { events: 'EVENT#', weights: 'WEIGHT#', verdicts: 'VERDICT#' } as const satisfies Record<HistoryKind, string>,
  /** The partition of index gsi2: the active deployments. */
  active: 'ACTIVE' as const,
};

export const ACTIVE_STATUSES: readonly DeploymentStatus[] = ['Created', 'InProgress', 'Paused'];

/** The deployment has not ended. */
export function isActive(status: DeploymentStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}
