/**
 * The data contract between the state machine (infra/statemachine/deployment.asl.json) and the
 * handlers in functions/. The execution input is a deployment request; after Prepare the state
 * is a `MachineState`, which stays small: everything else lives in the deployment record.
 */
import type { PlanStep } from './plan.ts';
import type { ControlAction, DeploymentStatus } from './record.ts';

/** `$$.Execution` as Step Functions passes it. */
export interface ExecutionContext {
  Id: string;
  Name: string;
  StartTime?: string;
  RoleArn?: string;
  Input?: unknown;
}

export interface MachinePlan {
  steps: PlanStep[];
  stepCount: number;
  hooks: { beforeAllowTraffic?: string; afterAllowTraffic?: string };
  hookTimeoutSeconds: number;
  finalBakeSeconds: number;
}

export interface Cursor {
  index: number;
  step?: PlanStep;
  /** Set on the final bake, after promotion. */
  final?: true;
}

/** The state after Prepare (Prepare's output, ResultPath `$`). */
export interface MachineState {
  deploymentId: string;
  plan: MachinePlan;
  cursor: Cursor;
  /** What a shift needs without reading the record (no GetItem per setWeight). */
  target: ShiftTarget;
  /** The last health result; Prepare seeds it with the alias's RevisionId. */
  health: HealthResult;
}

/** The immutable facts of a deployment a shift needs, carried in the state. */
export interface ShiftTarget {
  functionName: string;
  alias: string;
  currentVersion: string;
  targetVersion: string;
  alarms?: string[];
  alarmPolicy?: { checkIntervalSeconds?: number; ignorePollAlarmFailure?: boolean; enabled?: boolean };
  /** The request has windows: the shift reads the record to gate on them. */
  windows?: true;
  /** The request's notifications want `step` events: each shift publishes one. */
  announceSteps?: true;
}

export interface PrepareInput {
  request: unknown;
  execution: ExecutionContext;
}

export interface ShiftInput {
  deploymentId: string;
  cursor: Cursor;
  /** Promote: the target takes all traffic, alias with no weights. Otherwise `cursor.step.setWeight`. */
  promote?: true;
  /** Carried by the state machine so a setWeight needs no record read. */
  target?: ShiftTarget;
  /** The alias RevisionId after the last change (from `$.health.revisionId`). */
  revisionId?: string;
  /** The weight the target has now (from `$.health.weight`): what a refused shift leaves, and no new weight point when a promotion starts from 100%. */
  weight?: number;
}

export interface CheckHealthInput {
  deploymentId: string;
  cursor: Cursor;
}

/**
 * What a health check tells the state machine (HealthGate):
 * - `wait`: keep baking, check again after `waitSeconds`;
 * - `next`: this step is done;
 * - `promoteFull`: skip to 100%;
 * - `pause`: an operator paused; hold until resumed;
 * - `fail`: roll back, with `code` (ALARM_ACTIVE, MANUAL_STOP, …) and `message`.
 */
export interface HealthResult {
  decision: 'wait' | 'next' | 'promoteFull' | 'pause' | 'fail';
  waitSeconds?: number;
  code?: string;
  message?: string;
  weight?: number;
  alarms?: { name: string; state: string }[];
  /** Something the step's end should record (an inconclusive analysis went on, was extended or paused). */
  warning?: string;
  /** The alias RevisionId Glidepath last wrote or saw, carried to the next shift. */
  revisionId?: string;
}

export interface RunHookInput {
  taskToken: string;
  deploymentId: string;
  lifecycleEvent: 'BeforeAllowTraffic' | 'AfterAllowTraffic' | 'Step';
  hook: string;
  cursor: Cursor;
  /** The plan's hookTimeoutSeconds: how long Step Functions waits for the hook's report. */
  timeoutSeconds: number;
}

/** The Glidepath object a hook receives next to CodeDeploy's two fields. */
export interface HookPayload {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
  Glidepath: {
    function: string;
    alias: string;
    currentVersion: string;
    targetVersion: string;
    lifecycleEvent: string;
    step?: number;
    weight: number;
  };
}

/** A waiting step registers its task token (state machine → control). */
export interface WaitRegistration {
  deploymentId: string;
  wait: { taskToken: string; kind: 'step' | 'hold' | 'timed' | 'window'; stepIndex: number };
}

/** An operator action (CLI → control). */
export interface ControlRequest {
  deploymentId: string;
  action: ControlAction;
}

/** What SendTaskSuccess carries back to a waiting step (SignalGate). */
export interface SignalResult {
  /** `recheck`: a timed wait ended early by an operator signal; the health check decides what it means. */
  decision: 'next' | 'promoteFull' | 'resume' | 'recheck';
  action?: ControlAction;
}

/** `{Error, Cause}` as a Catch with ResultPath `$.error` records it. */
export interface CaughtError {
  Error: string;
  Cause?: string;
}

export interface RollbackInput {
  deploymentId: string;
  error: CaughtError;
}

export interface RollbackResult {
  rolledBack: boolean;
  /** Why the alias was left alone (CONCURRENT_MODIFICATION) or was already on current. */
  reason?: string;
  weight: number;
}

export interface FinishInput {
  execution: ExecutionContext;
  deploymentId?: string;
  outcome: 'succeeded' | 'failed' | 'rejected';
  error?: CaughtError;
  rollback?: RollbackResult | CaughtError;
}

export interface FinishResult {
  deploymentId: string;
  status: DeploymentStatus;
  error?: { code: string; message: string };
}

/** A deployment id is `gp-` + the execution name (the CLI names executions `gp-<time><random>`). */
export function deploymentIdFromExecution(name: string): string {
  return name.startsWith('gp-') ? name : `gp-${name}`;
}

/**
 * The error of the state machine's FinishFailed state: the walk completed (the alias serves the
 * target) but Complete could not record it. Reconcile then records Succeeded instead of rolling back.
 */
export const FINISH_NOT_RECORDED = 'Glidepath.FinishNotRecorded';
