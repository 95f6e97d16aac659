/**
 * One entry point for every strategy form: a CodeDeploy configuration name (short or
 * `CodeDeployDefault.Lambda…`), a time-based name or object, `AllAtOnce`, or an explicit step list.
 */
import type { StrategyInput } from '../model/request.ts';
import type { PlanStep } from '../model/plan.ts';
import { ruleViolation } from '../describe.ts';
import { CODEDEPLOY_CONFIG_NAMES, CODEDEPLOY_CONFIGS, CODEDEPLOY_PREFIX, codeDeployShortName } from './codedeploy.ts';
import {
  checkTimeBased,
  compileTimeBased,
  parseTimeBasedName,
  TIME_BASED_NAME_FORMS,
  timeBasedName,
  timeBasedWarnings,
  type TimeBased,
} from './time-based.ts';
import { compileStepList } from './step-list.ts';
import { ALL_AT_ONCE, compileAllAtOnce } from './all-at-once.ts';

/** The plan's `strategy` for an explicit step list. */
export const CUSTOM_STRATEGY = 'Custom';

export interface CompiledStrategy {
  /** Short CodeDeploy name, `TimeBasedCanary…` / `TimeBasedLinear…`, or `Custom`. */
  strategy: string;
  steps: PlanStep[];
  warnings: string[];
}

/** The names `strategy` accepts, as an error message lists them. */
export const ACCEPTED_STRATEGY_NAMES = [
  ...CODEDEPLOY_CONFIG_NAMES,
  `${CODEDEPLOY_PREFIX}<any of those>`,
  ...TIME_BASED_NAME_FORMS,
];

/** Compiles a strategy that has the shape of `strategySchema`; throws INVALID_DEPLOYMENT_CONFIG naming the field. */
export function compileStrategy(input: StrategyInput, field = 'strategy'): CompiledStrategy {
  if (typeof input === 'string') return compileNamed(input, field);
  if ('steps' in input) return { strategy: CUSTOM_STRATEGY, steps: compileStepList(input.steps, `${field}.steps`), warnings: [] };
  if (input.type === ALL_AT_ONCE) return { strategy: ALL_AT_ONCE, steps: compileAllAtOnce(), warnings: [] };
  const config: TimeBased = {
    kind: input.type === 'TimeBasedCanary' ? 'canary' : 'linear',
    percentage: input.percentage,
    intervalMinutes: input.intervalMinutes,
  };
  return compileChecked(config, field);
}

function compileNamed(name: string, field: string): CompiledStrategy {
  const short = codeDeployShortName(name);
  if (short !== undefined) {
    const shape = CODEDEPLOY_CONFIGS[short]!;
    if (shape.kind === 'allAtOnce') return { strategy: short, steps: compileAllAtOnce(), warnings: [] };
    return { strategy: short, steps: compileTimeBased(shape), warnings: [] };
  }
  const timeBased = parseTimeBasedName(name);
  if (timeBased !== undefined) return compileChecked(timeBased, field);
  throw ruleViolation(
    'INVALID_DEPLOYMENT_CONFIG',
    field,
    `must be one of ${ACCEPTED_STRATEGY_NAMES.join(', ')}, a {"type","percentage","intervalMinutes"} object or a {"steps"} list`,
    name,
  );
}

function compileChecked(config: TimeBased, field: string): CompiledStrategy {
  checkTimeBased(config, field);
  return { strategy: timeBasedName(config), steps: compileTimeBased(config), warnings: timeBasedWarnings(config) };
}
