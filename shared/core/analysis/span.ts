/**
 * Which minutes the analysis judges now. A minute is judged once it has closed and its
 * datapoints have had `lag` to arrive; each verdict judges the step's last `window` of such
 * minutes (all of them, while the step is shorter). The current version is judged over the same
 * minutes, except when the target takes all traffic (the final bake): then over the minutes just
 * before the promotion, while it still served.
 */
import type { DeploymentRecord } from '../model/record.ts';
import type { PlanStep } from '../model/plan.ts';
import type { AnalysisPolicy } from './policy.ts';
import { PERIOD_SECONDS } from './queries.ts';

export interface Interval {
  start: string;
  end: string;
}

export interface AnalysisSpan {
  stepIndex: number;
  target: Interval;
  current: Interval;
}

const MINUTE = PERIOD_SECONDS * 1000;
const floorMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

/** The steps the analysis watches: bakes, analysis steps and the final bake. */
export function isAnalysedStep(step: PlanStep | undefined, final: boolean): boolean {
  return final || (step !== undefined && ('bake' in step || 'analysis' in step));
}

/** The same for a record's step in progress (the final bake's index is the plan's length). */
export function analysedStep(record: Pick<DeploymentRecord, 'plan' | 'stepIndex'>): boolean {
  return isAnalysedStep(record.plan.steps[record.stepIndex], record.stepIndex === record.plan.steps.length);
}

/** The span to judge at `now` (ms), or undefined when there is nothing new to judge. */
export function analysisSpan(
  record: Pick<DeploymentRecord, 'plan' | 'stepIndex' | 'stepStartedAt' | 'weight' | 'createdAt' | 'analysis'>,
  policy: Pick<AnalysisPolicy, 'enabled' | 'lagSeconds' | 'windowSeconds'>,
  now: number,
): AnalysisSpan | undefined {
  if (!policy.enabled || record.weight <= 0 || !record.stepStartedAt || !analysedStep(record)) return undefined;
  const stepStart = floorMinute(Date.parse(record.stepStartedAt));
  const end = floorMinute(now - policy.lagSeconds * 1000);
  if (!Number.isFinite(stepStart) || end <= stepStart) return undefined;
  const state = record.analysis;
  if (state && state.stepIndex === record.stepIndex && Date.parse(state.judgedUntil) >= end) return undefined;
  const windowMs = Math.max(MINUTE, floorMinute(policy.windowSeconds * 1000));
  const target = { start: iso(Math.max(stepStart, end - windowMs)), end: iso(end) };
  if (record.weight < 100) return { stepIndex: record.stepIndex, target, current: target };
  // The target serves everything: the current version's last minutes before this step began.
  const since = floorMinute(Date.parse(record.createdAt));
  // The minute of the promotion still holds the current version's last invocations (end ≥ it: both are whole minutes).
  const baselineEnd = stepStart + MINUTE;
  const current = { start: iso(Math.max(since, baselineEnd - windowMs)), end: iso(baselineEnd) };
  return { stepIndex: record.stepIndex, target, current };
}
