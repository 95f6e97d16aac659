/**
 * What the analysis means for the step in progress, as the health decision asks it: has it
 * failed, has an analysis step passed for long enough, and what a step whose analysis is still
 * inconclusive does at its end (the policy's onInconclusive: proceed with a warning, extend the
 * step up to a limit, or pause for an operator).
 */
import type { HealthResult } from '../model/machine.ts';
import type { PlanStep } from '../model/plan.ts';
import type { AnalysisState, ControlSignals } from '../model/record.ts';
import type { AnalysisPolicy } from './policy.ts';
import { isAnalysedStep } from './span.ts';

export interface AnalysisView {
  policy: Pick<AnalysisPolicy, 'enabled' | 'onInconclusive' | 'extendUpToSeconds'>;
  state?: AnalysisState;
}

function stateOf(view: AnalysisView | undefined, stepIndex: number): AnalysisState | undefined {
  return view?.state?.stepIndex === stepIndex ? view.state : undefined;
}

/** ANALYSIS_FAILED when a check of this step reached its consecutive failures. */
export function analysisFailure(view: AnalysisView | undefined, stepIndex: number): HealthResult | undefined {
  const failure = stateOf(view, stepIndex)?.failure;
  if (!view?.policy.enabled || !failure) return undefined;
  return { decision: 'fail', code: 'ANALYSIS_FAILED', message: failure.message };
}

/** An analysis step is done once every check has passed for its duration. */
export function analysisStepPassed(step: PlanStep | undefined, view: AnalysisView | undefined, stepIndex: number): boolean {
  if (!step || !('analysis' in step)) return false;
  const state = stateOf(view, stepIndex);
  if (!state?.passingSince) return false;
  return Date.parse(state.judgedUntil) - Date.parse(state.passingSince) >= step.analysis.duration * 1000;
}

/** Every check's latest verdict in this step is a Pass. */
export function analysisConclusive(view: AnalysisView | undefined, stepIndex: number): boolean {
  const verdicts = stateOf(view, stepIndex)?.lastVerdicts ?? [];
  return verdicts.length > 0 && verdicts.every((v) => v.outcome === 'Pass');
}

export interface StepEnd {
  /** Where the step's own time ran out. */
  elapsedSeconds: number;
  durationSeconds: number;
  stepIndex: number;
  step: PlanStep | undefined;
  final: boolean;
  signals: ControlSignals | undefined;
  stepStartedAt: number;
}

/**
 * The decision at the end of an analysed step (a bake, an analysis step, the final bake) whose
 * analysis is not conclusive; undefined when there is nothing to say (analysis off, conclusive, or
 * a step the analysis does not watch).
 */
export function inconclusiveEnd(view: AnalysisView | undefined, end: StepEnd): HealthResult | undefined {
  if (!view?.policy.enabled) return undefined;
  if (!isAnalysedStep(end.step, end.final)) return undefined;
  // An analysis step that reached its timeout did not pass for long enough, whatever its last verdicts.
  const analysisStep = !end.final && end.step !== undefined && 'analysis' in end.step ? end.step.analysis : undefined;
  if (!analysisStep && analysisConclusive(view, end.stepIndex)) return undefined;
  const where = end.final ? 'the final bake' : `step ${end.stepIndex}`;
  const why = analysisStep ? `the analysis did not pass for ${analysisStep.duration}s before its timeout` : 'the analysis is inconclusive';
  switch (view.policy.onInconclusive) {
    case 'pause': {
      // An operator's resume after the step's end is their answer: go on.
      const resumed = end.signals?.resume ? Date.parse(end.signals.resume) : Number.NaN;
      if (resumed >= end.stepStartedAt + end.durationSeconds * 1000) return { decision: 'next', warning: `${why} at the end of ${where}; resumed by an operator` };
      const message = `${why} at the end of ${where}: paused for an operator (resume, promote or abort)`;
      return { decision: 'pause', message, warning: message };
    }
    case 'extend': {
      const left = end.durationSeconds + view.policy.extendUpToSeconds - end.elapsedSeconds;
      if (left > 0) return { decision: 'wait', waitSeconds: Math.max(1, Math.ceil(left)), warning: `${why} at the end of ${where}: extended up to ${view.policy.extendUpToSeconds}s` };
      return { decision: 'next', warning: `${why} after extending ${where} by ${view.policy.extendUpToSeconds}s: proceeding` };
    }
    default:
      return { decision: 'next', warning: `${why} at the end of ${where}: proceeding` };
  }
}
