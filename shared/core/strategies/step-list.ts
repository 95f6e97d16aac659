/**
 * Explicit step lists (what CodeDeploy lacks): checks the rules zod cannot express and compiles
 * the input steps to plan steps (durations in seconds, one key per step).
 */
import type { StepInput } from '../model/request.ts';
import { durationToSeconds } from '../model/durations.ts';
import type { PlanStep } from '../model/plan.ts';
import { ruleViolation } from '../describe.ts';
import { MAX_EXECUTION_SECONDS } from './limits.ts';

/**
 * Compiles a step list that already has the shape of `stepListSchema`.
 * Rules: setWeight an integer percent 1–100, strictly increasing; bake and a timed pause longer than 0
 * and at most a year; an analysis step at least a minute, its timeout no shorter.
 * A list that stops short of 100 gets a final `setWeight 100`: the state machine promotes after the
 * last step anyway, and the plan says so.
 */
export function compileStepList(steps: readonly StepInput[], field = 'strategy.steps'): PlanStep[] {
  const out: PlanStep[] = [];
  let lastWeight = 0;
  steps.forEach((step, index) => {
    const at = `${field}[${index}]`;
    if ('setWeight' in step) {
      const weight = step.setWeight;
      if (!Number.isInteger(weight) || weight < 1 || weight > 100) {
        throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', `${at}.setWeight`, 'must be an integer from 1 to 100', weight);
      }
      if (weight <= lastWeight) {
        throw ruleViolation(
          'INVALID_DEPLOYMENT_CONFIG',
          `${at}.setWeight`,
          `must be greater than the previous weight (${lastWeight})`,
          weight,
        );
      }
      lastWeight = weight;
      out.push({ setWeight: weight });
    } else if ('bake' in step) {
      out.push({ bake: waitSeconds(step.bake, `${at}.bake`) });
    } else if ('pause' in step) {
      out.push({ pause: compilePause(step.pause, `${at}.pause`) });
    } else if ('approval' in step) {
      out.push({ approval: {} });
    } else if ('analysis' in step) {
      out.push({ analysis: compileAnalysis(step.analysis, `${at}.analysis`) });
    } else {
      out.push({ hook: step.hook });
    }
  });
  if (lastWeight < 100) out.push({ setWeight: 100 });
  return out;
}

type AnalysisStepInput = Extract<StepInput, { analysis: unknown }>['analysis'];

/** An analysis step lasts at most its timeout: by default twice its duration. */
function compileAnalysis(step: AnalysisStepInput, field: string): { duration: number; timeout: number } {
  const duration = waitSeconds(step.duration, `${field}.duration`);
  if (duration < 60) throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', `${field}.duration`, 'must be at least 60 seconds (the analysis judges whole minutes)', step.duration);
  const timeout = step.timeout === undefined ? Math.min(2 * duration, MAX_EXECUTION_SECONDS) : waitSeconds(step.timeout, `${field}.timeout`);
  if (timeout < duration) throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', `${field}.timeout`, `must be at least the duration (${duration} seconds)`, step.timeout);
  return { duration, timeout };
}

type PauseInput = Extract<StepInput, { pause: unknown }>['pause'];

/** `{}` waits until resumed; `duration` is timed; `until` / `untilWindow` are kept as given. */
function compilePause(pause: PauseInput, field: string): { duration?: number; until?: string; untilWindow?: boolean } {
  const out: { duration?: number; until?: string; untilWindow?: boolean } = {};
  if (pause.duration !== undefined) {
    out.duration = waitSeconds(pause.duration, `${field}.duration`);
  }
  if (pause.until !== undefined) out.until = pause.until;
  if (pause.untilWindow !== undefined) out.untilWindow = pause.untilWindow;
  return out;
}

/** A bake or timed pause in seconds: longer than 0, at most a year. */
function waitSeconds(value: number | string, field: string): number {
  const seconds = durationToSeconds(value);
  if (seconds <= 0) throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', field, 'must be longer than 0 seconds', value);
  if (seconds > MAX_EXECUTION_SECONDS) {
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', field, `must be at most one year (${MAX_EXECUTION_SECONDS} seconds)`, value);
  }
  return seconds;
}
