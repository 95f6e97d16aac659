/**
 * One read of a deployment as the CLI shows it: the Step Functions execution (DescribeExecution),
 * the deployment record in the table, the alarms' states (DescribeAlarms, 100 names a call) and
 * the hooks' results (read from the execution history). Works the same on AWS and locally.
 */
import { readAlarms } from '../shared/aws/alarms.ts';
import { getDeployment } from '../shared/aws/deployment-store.ts';
import { readHistory } from '../shared/aws/deployment-history.ts';
import { describeExecution, newestHistory, type Execution, type HistoryEvent } from '../shared/aws/executions.ts';
import { DeploymentNotFoundError } from '../shared/core/errors.ts';
import { lambdaErrorOf } from '../shared/core/deployment/caught-error.ts';
import type { PlanStep } from '../shared/core/model/plan.ts';
import type { CodeDeployReportState, DeploymentEvent, DeploymentRecord, DeploymentStatus, WeightPoint } from '../shared/core/model/record.ts';
import { executionArn as executionArnOf } from '../shared/core/execution-name.ts';
import { requireTable, type Target } from './target.ts';

export type HookStatus = 'Running' | 'Succeeded' | 'Failed';

export interface HookResult {
  lifecycleEvent: 'BeforeAllowTraffic' | 'AfterAllowTraffic' | 'Step';
  hook: string;
  stepIndex?: number;
  status: HookStatus;
  message?: string;
  /** When the hook was invoked and when it ended (ISO, on the target's clock). */
  startedAt?: string;
  endedAt?: string;
}

export interface AlarmView {
  name: string;
  state: string;
}

export interface DeploymentSnapshot {
  id: string;
  executionArn: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED (Step Functions). */
  executionStatus?: string;
  /** The record's status (CodeDeploy's names); derived from the execution until the record exists. */
  status: DeploymentStatus;
  /** The deployment has ended (its execution is no longer running). */
  done: boolean;
  functionName?: string;
  alias?: string;
  currentVersion?: string;
  targetVersion?: string;
  strategy?: string;
  /** Percent of traffic on the target version. */
  weight: number;
  /** 0-based index of the step in progress (-1 before the first). */
  stepIndex: number;
  stepCount: number;
  step?: PlanStep;
  steps: PlanStep[];
  /** Simulated seconds until the step in progress (a bake or timed pause) ends. */
  nextStepInSeconds?: number;
  alarms: AlarmView[];
  hooks: HookResult[];
  /** The analysis's latest verdict of each check (messages in their fixed form). */
  verdicts: { check: string; outcome: string; message: string }[];
  error?: { code: string; message: string };
  weights: WeightPoint[];
  events: DeploymentEvent[];
  createdAt?: string;
  endedAt?: string;
  /** A bridge deployment that ended with CodeDeploy not yet told: the report the watcher is retrying. */
  codeDeployReport?: CodeDeployReportState;
  /** The target's clock when this was read (ISO). */
  readAt: string;
}

const HOOK_STATES: Record<string, HookResult['lifecycleEvent']> = {
  BeforeAllowTraffic: 'BeforeAllowTraffic',
  AfterAllowTraffic: 'AfterAllowTraffic',
  StepHook: 'Step',
};

function parseJson(text: string | undefined): Record<string, any> | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Record<string, any>;
  } catch {
    return undefined;
  }
}

function failureMessage(cause: string | undefined, error: string | undefined): string {
  // A Lambda error's JSON (whole, or cut short by Step Functions): its message, never the JSON.
  const message = lambdaErrorOf(cause)?.errorMessage ?? cause;
  return [error, message].filter((s) => s !== undefined && s !== '').join(': ');
}

/**
 * Reads an execution's history incrementally (newest first, stopping at the last event already
 * seen) and keeps the hooks' results. A watcher keeps one per deployment; `status` uses a fresh one.
 */
export class HookTracker {
  #lastId = 0;
  readonly #hooks: HookResult[] = [];
  #open: HookResult | undefined;

  constructor(
    private readonly target: Target,
    private readonly executionArn: string,
  ) {}

  get hooks(): HookResult[] {
    return this.#hooks.map((h) => ({ ...h }));
  }

  async refresh(): Promise<HookResult[]> {
    const fresh: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await newestHistory(this.target.clients.sfn, this.executionArn, nextToken);
      let reachedSeen = false;
      for (const event of page.items) {
        if ((event.id ?? 0) <= this.#lastId) {
          reachedSeen = true;
          break;
        }
        fresh.push(event);
      }
      nextToken = reachedSeen ? undefined : page.nextToken;
    } while (nextToken);
    fresh.reverse();
    for (const event of fresh) this.#apply(event);
    if (fresh.length > 0) this.#lastId = fresh[fresh.length - 1]!.id ?? this.#lastId;
    return this.hooks;
  }

  #apply(event: HistoryEvent): void {
    const type = event.type ?? '';
    if (type === 'TaskStateEntered') {
      const name = event.stateEnteredEventDetails?.name ?? '';
      const lifecycleEvent = HOOK_STATES[name];
      if (!lifecycleEvent) return;
      const input = parseJson(event.stateEnteredEventDetails?.input) ?? {};
      const hook =
        lifecycleEvent === 'BeforeAllowTraffic'
          ? input.plan?.hooks?.beforeAllowTraffic
          : lifecycleEvent === 'AfterAllowTraffic'
            ? input.plan?.hooks?.afterAllowTraffic
            : input.cursor?.step?.hook;
      this.#open = {
        lifecycleEvent,
        hook: typeof hook === 'string' ? hook : '?',
        ...(lifecycleEvent === 'Step' && typeof input.cursor?.index === 'number' ? { stepIndex: input.cursor.index } : {}),
        status: 'Running',
        ...(event.timestamp ? { startedAt: new Date(event.timestamp).toISOString() } : {}),
      };
      this.#hooks.push(this.#open);
      return;
    }
    const open = this.#open;
    if (!open) return;
    if (type === 'TaskFailed' || type === 'TaskTimedOut' || type === 'ExecutionAborted' || type === 'ExecutionFailed') {
      const details = (event.taskFailedEventDetails ?? event.taskTimedOutEventDetails ?? event.executionFailedEventDetails) as
        | { error?: string; cause?: string }
        | undefined;
      open.status = 'Failed';
      if (event.timestamp) open.endedAt = new Date(event.timestamp).toISOString();
      const message = type === 'TaskTimedOut' ? 'timed out waiting for the hook to report' : failureMessage(details?.cause, details?.error);
      if (message) open.message = message;
      this.#open = undefined;
    } else if (type === 'TaskStateExited' && HOOK_STATES[event.stateExitedEventDetails?.name ?? '']) {
      if (open.status === 'Running') open.status = 'Succeeded';
      if (event.timestamp && !open.endedAt) open.endedAt = new Date(event.timestamp).toISOString();
      this.#open = undefined;
    }
  }
}

export interface ReadOptions {
  /** History readers kept between reads (watch), by execution ARN; without it the whole history is read. */
  trackers?: Map<string, HookTracker>;
  /** Read alarm states (default true). */
  alarms?: boolean;
}

function statusFromExecution(executionStatus: string | undefined): DeploymentStatus {
  switch (executionStatus) {
    case 'SUCCEEDED':
      return 'Succeeded';
    case 'ABORTED':
      return 'Stopped';
    case 'FAILED':
    case 'TIMED_OUT':
      return 'Failed';
    default:
      return 'Created';
  }
}

/** The alarms' states; `MISSING` for an alarm that does not exist. */
async function readAlarmStates(target: Target, names: readonly string[]): Promise<AlarmView[]> {
  const { alarms } = await readAlarms(target.clients.cloudwatch, names);
  const states = new Map(alarms.map((alarm) => [alarm.name, alarm.state]));
  return names.map((name) => ({ name, state: states.get(name) ?? 'MISSING' }));
}

function remainingSeconds(record: DeploymentRecord, step: PlanStep | undefined, nowMs: number): number | undefined {
  if (!step || !record.stepStartedAt || (record.status !== 'InProgress' && record.status !== 'Paused')) return undefined;
  let duration: number | undefined;
  if ('bake' in step) duration = step.bake;
  else if ('pause' in step) duration = step.pause.duration;
  if (duration === undefined) return undefined;
  const elapsed = (nowMs - Date.parse(record.stepStartedAt)) / 1000;
  return Math.max(0, Math.round(duration - elapsed));
}

/** Reads a deployment; DEPLOYMENT_NOT_FOUND (exit code 3) when neither record nor execution exists. */
export async function readSnapshot(target: Target, id: string, options: ReadOptions = {}): Promise<DeploymentSnapshot> {
  const store = { ddb: target.clients.ddb, tableName: requireTable(target) };
  const record = await getDeployment(store, id);
  const executionArn = record?.executionArn ?? executionArnOf(target.stateMachineArn, id);
  let execution: Partial<Execution> = {};
  try {
    const found = await describeExecution(target.clients.sfn, executionArn);
    if (found === undefined && !record) throw new DeploymentNotFoundError(id);
    execution = found ?? {};
  } catch (error) {
    // With a record, a deployment still shows when its execution cannot be read.
    if (!record || error instanceof DeploymentNotFoundError) throw error;
  }
  const executionStatus: string | undefined = execution.status;
  const done = executionStatus !== undefined ? executionStatus !== 'RUNNING' : record !== undefined && !['Created', 'InProgress', 'Paused'].includes(record.status);
  let tracker = options.trackers?.get(executionArn);
  if (!tracker) {
    tracker = new HookTracker(target, executionArn);
    options.trackers?.set(executionArn, tracker);
  }
  const [nowMs, hooks, alarms, weights, events] = await Promise.all([
    target.now(),
    executionStatus !== undefined ? tracker.refresh() : Promise.resolve(tracker.hooks),
    options.alarms !== false && record?.request?.alarms?.length ? readAlarmStates(target, record.request.alarms) : Promise.resolve([]),
    // The history is items of its own, read in full (paged) in time order.
    record ? readHistory(store, id, 'weights') : Promise.resolve([]),
    record ? readHistory(store, id, 'events') : Promise.resolve([]),
  ]);
  const steps = record?.plan?.steps ?? [];
  const stepIndex = record?.stepIndex ?? -1;
  const step = stepIndex >= 0 ? steps[stepIndex] : undefined;
  const input = parseJson(execution.input);
  const executionError =
    executionStatus && executionStatus !== 'RUNNING' && executionStatus !== 'SUCCEEDED'
      ? { code: String(execution.error ?? executionStatus), message: failureMessage(execution.cause, undefined) || String(executionStatus) }
      : undefined;
  let status = record?.status ?? statusFromExecution(executionStatus);
  // A record that still says "running" after its execution ended (the final write failed): trust the execution.
  if (done && record && ['Created', 'InProgress', 'Paused'].includes(record.status)) status = statusFromExecution(executionStatus);
  const snapshot: DeploymentSnapshot = {
    id,
    executionArn,
    ...(executionStatus === undefined ? {} : { executionStatus }),
    status,
    done,
    // A refused deployment's record may hold empty strings for what it could not read.
    functionName: record?.functionName || input?.functionName,
    alias: record?.alias || input?.alias,
    currentVersion: record?.currentVersion || input?.currentVersion,
    targetVersion: record?.targetVersion || input?.targetVersion,
    strategy: record?.plan?.strategy || (typeof input?.strategy === 'string' ? input.strategy : undefined),
    weight: record?.weight ?? 0,
    stepIndex,
    stepCount: steps.length,
    ...(step === undefined ? {} : { step }),
    steps,
    alarms,
    hooks,
    verdicts: (record?.analysis?.lastVerdicts ?? []).map(({ check, outcome, message }) => ({ check, outcome, message })),
    weights,
    events,
    readAt: new Date(nowMs).toISOString(),
  };
  const next = record ? remainingSeconds(record, step, nowMs) : undefined;
  if (next !== undefined) snapshot.nextStepInSeconds = next;
  const error = record?.error ?? executionError;
  if (error && status !== 'Succeeded') snapshot.error = { code: String(error.code), message: error.message };
  if (record?.createdAt) snapshot.createdAt = record.createdAt;
  else if (execution.startDate) snapshot.createdAt = new Date(execution.startDate).toISOString();
  if (record?.endedAt) snapshot.endedAt = record.endedAt;
  else if (execution.stopDate) snapshot.endedAt = new Date(execution.stopDate).toISOString();
  if (record?.codeDeployReport) snapshot.codeDeployReport = record.codeDeployReport;
  for (const key of ['functionName', 'alias', 'currentVersion', 'targetVersion', 'strategy'] as const) {
    if (snapshot[key] === undefined || snapshot[key] === '') delete snapshot[key];
  }
  return snapshot;
}
