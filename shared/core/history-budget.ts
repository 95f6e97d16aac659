/**
 * The execution history a plan can write, counted before anything changes. Step Functions fails
 * a Standard execution at its 25,000th history event unless that event is ExecutionSucceeded, so
 * a plan that could reach it would fail on AWS halfway, its traffic half shifted. Glidepath keeps
 * a budget below that limit and refuses, naming both, any plan whose worst case is above it.
 *
 * The count follows the state machine (infra/statemachine/deployment.asl.json) and the events
 * AWS writes for each state: a Task on a Lambda ARN writes TaskStateEntered,
 * LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded and TaskStateExited; a
 * `.waitForTaskToken` Task writes TaskStateEntered, TaskScheduled, TaskStarted, TaskSubmitted,
 * its outcome and TaskStateExited; a Choice or Pass state writes two. A wait is one Task however
 * long it lasts. The worst case adds, for every Lambda Task, two failed attempts retried (three
 * events each), and a number of operator actions (a pause and its resume: about 30 events each).
 */
import type { PlanStep } from './model/plan.ts';
import { stepKind } from './model/plan.ts';

/** Step Functions' hard limit of history events per execution. */
export const STEP_FUNCTIONS_HISTORY_LIMIT = 25_000;
/** Glidepath's budget, leaving room for what the worst case below does not foresee. */
export const HISTORY_BUDGET = 24_000;
/** Operator actions (pause, resume, promote, approve) the budget allows for. */
export const OPERATOR_ACTIONS_ALLOWED = 25;

const LAMBDA_TASK = 5;
const TOKEN_TASK = 6;
const FLOW = 2; // a Choice or a Pass
const RETRIES = 2 * 3; // two failed attempts of a Lambda Task, retried
const OPERATOR_ACTION = 30;

const lambdaTask = LAMBDA_TASK + RETRIES;

/** StepLoop, LoadStep, StepType before a step; StepDone, NextStep after it. */
const STEP_FRAME = 5 * FLOW;
/** A check (CheckHealth + HealthGate), its wait, the check at its end; once more if the timeout came a second early. */
const TIMED_WAIT = 2 * (lambdaTask + FLOW + TOKEN_TASK) + lambdaTask + FLOW;
/** The analysis wakes a wait once to end it early (a passed analysis step, an extended bake made conclusive): one more check and wait. */
const ANALYSIS_RECHECK = lambdaTask + FLOW + TOKEN_TASK;
/** A shift held for a window: its wait and the shift again. */
const WINDOW_HOLD = TOKEN_TASK + lambdaTask + FLOW;

function stepEvents(step: PlanStep, windows: boolean, extendsBakes: boolean): number {
  switch (stepKind(step)) {
    case 'analysis':
      return STEP_FRAME + TIMED_WAIT + ANALYSIS_RECHECK;
    case 'setWeight':
      return STEP_FRAME + lambdaTask + FLOW + (windows ? WINDOW_HOLD : 0);
    case 'bake':
      return STEP_FRAME + TIMED_WAIT + (extendsBakes ? TIMED_WAIT : 0);
    case 'pause': {
      const { pause } = step as { pause: { duration?: number; until?: string; untilWindow?: boolean } };
      const timed = pause.duration !== undefined || pause.until !== undefined || pause.untilWindow === true;
      return STEP_FRAME + (timed ? TIMED_WAIT : TOKEN_TASK + RETRIES + FLOW);
    }
    case 'approval':
      return STEP_FRAME + TOKEN_TASK + RETRIES + FLOW;
    case 'hook':
      return STEP_FRAME + TOKEN_TASK + RETRIES;
  }
}

export interface HistoryShape {
  steps: readonly PlanStep[];
  beforeAllowTraffic: boolean;
  afterAllowTraffic: boolean;
  finalBake: boolean;
  windows: boolean;
  /** The analysis may extend a bake that ends inconclusive (onInconclusive: extend). */
  extendsBakes?: boolean;
}

/** The most history events the plan's execution can write (see above for what "most" allows). */
export function worstCaseHistoryEvents(plan: HistoryShape): number {
  const start = 1 + lambdaTask + FLOW + (plan.beforeAllowTraffic ? TOKEN_TASK + RETRIES : 0);
  const end =
    FLOW + lambdaTask + FLOW + (plan.afterAllowTraffic ? TOKEN_TASK + RETRIES : 0) + FLOW + (plan.finalBake ? FLOW + TIMED_WAIT + FLOW + (plan.extendsBakes === true ? TIMED_WAIT : 0) : 0) + lambdaTask + FLOW + 1;
  const steps = plan.steps.reduce((sum, step) => sum + stepEvents(step, plan.windows, plan.extendsBakes === true), 0);
  return start + steps + end + OPERATOR_ACTIONS_ALLOWED * OPERATOR_ACTION;
}
