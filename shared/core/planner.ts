/**
 * The planner: a pure function from a deployment request to the plan it will walk.
 * Nothing here reads a clock, the network or the disk.
 */
import { DEFAULTS, type DeploymentRequest, type PlanningRequest } from './model/request.ts';
import { durationToSeconds } from './model/durations.ts';
import type { Plan, PlanHooks, PlanPreview, PlanStep } from './model/plan.ts';
import type { MachinePlan } from './model/machine.ts';
import { compileStrategy } from './strategies/index.ts';
import { MAX_EXECUTION_SECONDS } from './strategies/limits.ts';
import { ruleViolation } from './describe.ts';
import { HISTORY_BUDGET, STEP_FUNCTIONS_HISTORY_LIMIT, worstCaseHistoryEvents } from './history-budget.ts';

/** The plan for a (parsed) deployment request; throws a ValidationError when the strategy breaks a rule. */
export function planDeployment(request: DeploymentRequest): Plan {
  return planPreview(request) as Plan;
}

/** The same for a planning request, where function, alias and versions may be absent (left out of the plan). */
export function planPreview(request: PlanningRequest): PlanPreview {
  const compiled = compileStrategy(request.strategy);
  const steps = request.hooks?.perStep === undefined ? compiled.steps : withPerStepHook(compiled.steps, request.hooks.perStep);
  const hooks = definedHooks(request.hooks);
  const waited = totalBakeSeconds(steps);
  if (waited > MAX_EXECUTION_SECONDS) {
    throw ruleViolation(
      'INVALID_DEPLOYMENT_CONFIG',
      'strategy',
      `its bakes and timed pauses must add up to at most one year (${MAX_EXECUTION_SECONDS} seconds), the longest a Step Functions execution runs`,
      waited,
    );
  }
  const warnings = [...compiled.warnings];
  if (request.alarmPolicy?.checkIntervalSeconds !== undefined) {
    warnings.push(
      'alarmPolicy.checkIntervalSeconds is deprecated and has no effect: an alarm ends a wait through its state-change event at once, and the watcher reads every alarm each minute',
    );
  }
  const events = worstCaseHistoryEvents({
    steps,
    beforeAllowTraffic: request.hooks?.beforeAllowTraffic !== undefined,
    afterAllowTraffic: request.hooks?.afterAllowTraffic !== undefined,
    finalBake: request.finalBake !== undefined && durationToSeconds(request.finalBake) > 0,
    windows: (request.windows?.length ?? 0) > 0,
  });
  if (events > HISTORY_BUDGET) {
    throw ruleViolation(
      'INVALID_DEPLOYMENT_CONFIG',
      'strategy',
      `its ${steps.length} steps could write up to ${events} execution history events; Step Functions fails an execution at ${STEP_FUNCTIONS_HISTORY_LIMIT} and Glidepath keeps to ${HISTORY_BUDGET}: use fewer steps (longer bakes cost nothing)`,
      steps.length,
    );
  }
  return {
    ...(request.functionName === undefined ? {} : { functionName: request.functionName }),
    ...(request.alias === undefined ? {} : { alias: request.alias }),
    ...(request.currentVersion === undefined ? {} : { currentVersion: request.currentVersion }),
    ...(request.targetVersion === undefined ? {} : { targetVersion: request.targetVersion }),
    strategy: compiled.strategy,
    steps,
    ...(hooks === undefined ? {} : { hooks }),
    ...(request.alarms === undefined ? {} : { alarms: [...request.alarms] }),
    totalBakeSeconds: waited,
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

/** A `{hook}` step after every setWeight below 100. */
export function withPerStepHook(steps: readonly PlanStep[], hook: string): PlanStep[] {
  return steps.flatMap((step) => ('setWeight' in step && step.setWeight < 100 ? [step, { hook }] : [step]));
}

/** Seconds spent in bakes and timed pauses. */
export function totalBakeSeconds(steps: readonly PlanStep[]): number {
  let total = 0;
  for (const step of steps) {
    if ('bake' in step) total += step.bake;
    else if ('pause' in step && step.pause.duration !== undefined) total += step.pause.duration;
  }
  return total;
}

function definedHooks(hooks: PlanningRequest['hooks']): PlanHooks | undefined {
  if (hooks === undefined) return undefined;
  const out: PlanHooks = {};
  if (hooks.beforeAllowTraffic !== undefined) out.beforeAllowTraffic = hooks.beforeAllowTraffic;
  if (hooks.afterAllowTraffic !== undefined) out.afterAllowTraffic = hooks.afterAllowTraffic;
  if (hooks.perStep !== undefined) out.perStep = hooks.perStep;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** What the state machine carries after Prepare (machine.ts): the steps and the few numbers it branches on. */
export function machinePlan(plan: Plan, request: DeploymentRequest): MachinePlan {
  const hooks: MachinePlan['hooks'] = {};
  if (plan.hooks?.beforeAllowTraffic !== undefined) hooks.beforeAllowTraffic = plan.hooks.beforeAllowTraffic;
  if (plan.hooks?.afterAllowTraffic !== undefined) hooks.afterAllowTraffic = plan.hooks.afterAllowTraffic;
  return {
    steps: plan.steps,
    stepCount: plan.steps.length,
    hooks,
    hookTimeoutSeconds: request.hookTimeoutSeconds ?? DEFAULTS.hookTimeoutSeconds,
    finalBakeSeconds: request.finalBake === undefined ? 0 : durationToSeconds(request.finalBake),
  };
}
