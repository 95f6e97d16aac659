/**
 * Time-based canary and linear strategies (CodeDeploy's TimeBasedCanary / TimeBasedLinear):
 * their rules, their names, and how they compile to steps.
 */
import type { PlanStep } from '../model/plan.ts';
import { ruleViolation } from '../describe.ts';
import type { TimeBasedKind } from './codedeploy.ts';
import { MAX_EXECUTION_MINUTES } from './limits.ts';

/** CodeDeploy refuses configurations whose traffic shifting lasts longer than this. */
export const CODEDEPLOY_MAX_SHIFT_MINUTES = 2880;

export interface TimeBased {
  kind: TimeBasedKind;
  percentage: number;
  intervalMinutes: number;
}

const CANARY_NAME = /^TimeBasedCanary(\d+)Percent(\d+)Minutes?$/i;
const LINEAR_NAME = /^TimeBasedLinear(\d+)PercentEvery(\d+)Minutes?$/i;

/** The forms a time-based name takes, as listed in error messages. */
export const TIME_BASED_NAME_FORMS = ['TimeBasedCanary<P>Percent<I>Minutes', 'TimeBasedLinear<P>PercentEvery<I>Minutes'];

/** `TimeBasedCanary10Percent7Minutes`, `TimeBasedLinear20PercentEvery1Minute` (CodeDeploy's own naming, prefixed). */
export function timeBasedName({ kind, percentage, intervalMinutes }: TimeBased): string {
  const minutes = `${intervalMinutes}Minute${intervalMinutes === 1 ? '' : 's'}`;
  return kind === 'canary'
    ? `TimeBasedCanary${percentage}Percent${minutes}`
    : `TimeBasedLinear${percentage}PercentEvery${minutes}`;
}

/** Reads a name made by timeBasedName back; undefined when it is not one. */
export function parseTimeBasedName(name: string): TimeBased | undefined {
  const canary = CANARY_NAME.exec(name.trim());
  if (canary) return { kind: 'canary', percentage: Number(canary[1]), intervalMinutes: Number(canary[2]) };
  const linear = LINEAR_NAME.exec(name.trim());
  if (linear) return { kind: 'linear', percentage: Number(linear[1]), intervalMinutes: Number(linear[2]) };
  return undefined;
}

/** Throws INVALID_DEPLOYMENT_CONFIG unless percentage is an integer 1–99 and minutes an integer from 1 to a year. */
export function checkTimeBased(config: TimeBased, field = 'strategy'): void {
  const { percentage, intervalMinutes } = config;
  if (!Number.isInteger(percentage) || percentage < 1 || percentage > 99) {
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', `${field}.percentage`, 'must be an integer from 1 to 99', percentage);
  }
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1 || intervalMinutes > MAX_EXECUTION_MINUTES) {
    throw ruleViolation(
      'INVALID_DEPLOYMENT_CONFIG',
      `${field}.intervalMinutes`,
      `must be an integer from 1 to ${MAX_EXECUTION_MINUTES} (one year)`,
      intervalMinutes,
    );
  }
}

/**
 * Canary P/I → setWeight P, bake I·60, setWeight 100.
 * Linear P/I → setWeight P, bake, setWeight 2P, bake, … while the weight stays below 100, then setWeight 100.
 */
export function compileTimeBased({ kind, percentage, intervalMinutes }: TimeBased): PlanStep[] {
  const bake = intervalMinutes * 60;
  if (kind === 'canary') return [{ setWeight: percentage }, { bake }, { setWeight: 100 }];
  const steps: PlanStep[] = [];
  for (let weight = percentage; weight < 100; weight += percentage) {
    steps.push({ setWeight: weight }, { bake });
  }
  steps.push({ setWeight: 100 });
  return steps;
}

/** Minutes between the first shift and 100%: the sum of the bakes. */
export function shiftingMinutes({ kind, percentage, intervalMinutes }: TimeBased): number {
  if (kind === 'canary') return intervalMinutes;
  // One bake after every weight below 100: P, 2P, … ≤ 99.
  return Math.floor(99 / percentage) * intervalMinutes;
}

/** The warning a plan carries when CodeDeploy itself would refuse this configuration. */
export function timeBasedWarnings(config: TimeBased): string[] {
  const minutes = shiftingMinutes(config);
  return minutes > CODEDEPLOY_MAX_SHIFT_MINUTES
    ? [
        `traffic shifting takes ${minutes} minutes, which exceeds CodeDeploy's ${CODEDEPLOY_MAX_SHIFT_MINUTES}-minute limit (Glidepath allows it)`,
      ]
    : [];
}
