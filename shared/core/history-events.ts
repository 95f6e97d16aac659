/**
 * Step Functions' execution history, counted: how many history events each kind of state writes
 * on a successful pass, and the hard quota of 25,000 events per execution (the 25,000th event
 * must end the execution, or the execution fails). Pure: a plan's budget can be checked before
 * anything runs.
 */

/** Step Functions' hard quota of history events in one execution. */
export const MAX_HISTORY_EVENTS = 25_000;

export type StateKind =
  | 'LambdaTask' // Task whose Resource is a function ARN: Entered, LambdaFunctionScheduled/Started/Succeeded, Exited
  | 'ServiceTask' // Task of an integration (arn:aws:states:::lambda:invoke): Entered, TaskScheduled/Started/Succeeded, Exited
  | 'TokenTask' // `.waitForTaskToken`: Entered, TaskScheduled/Started/Submitted/Succeeded, Exited
  | 'Choice'
  | 'Pass'
  | 'Wait'
  | 'Succeed'
  | 'Fail';

const EVENTS: Record<StateKind, number> = {
  LambdaTask: 5,
  ServiceTask: 5,
  TokenTask: 6,
  Choice: 2,
  Pass: 2,
  Wait: 2,
  Succeed: 2,
  Fail: 1,
};

/** History events one pass through a state of this kind writes (no retries). */
export function historyEventsOf(kind: StateKind): number {
  return EVENTS[kind];
}

/** Events an execution writes that runs through `states` once each: ExecutionStarted + the states + the final event. */
export function historyEventsOfRun(states: readonly StateKind[]): number {
  return 2 + states.reduce((sum, kind) => sum + historyEventsOf(kind), 0);
}
