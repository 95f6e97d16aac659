/**
 * The CodeDeploy bridge's request: the AppSpec of the CodeDeploy deployment gives
 * function, alias and versions; the strategy comes from the function's `glidepath:strategy` tag
 * (a name or JSON) or the bridge's default; the deployment group's alarms are watched; the walk
 * answers CodeDeploy's lifecycle hook when it ends. Pure.
 *
 * The AppSpec's own hooks are CodeDeploy's to run (the BeforeAllowTraffic hook is the bridge
 * itself, AfterAllowTraffic runs after Glidepath answers), so they are not Glidepath hooks.
 *
 * CodeDeploy fails a lifecycle hook that has not answered within an hour, so the bridge refuses a
 * plan that may not finish well within it: more than BRIDGE_MAX_PLAN_SECONDS of bakes and timed
 * pauses, or a step that waits for an operator or a time.
 */
import { ruleViolation } from './describe.ts';
import type { DeploymentRequest } from './model/request.ts';
import type { Plan } from './model/plan.ts';
import { planDeployment } from './planner.ts';
import { readAppSpec } from './readers/appspec.ts';
import { parseRequest } from './validate.ts';

export const STRATEGY_TAG = 'glidepath:strategy';
/** CodeDeploy's limit for a lifecycle hook to answer. */
export const CODEDEPLOY_HOOK_LIMIT_SECONDS = 3600;
/** What the plan may take: the hour less 5 minutes for shifts, checks, hooks' overhead and the report. */
export const BRIDGE_MAX_PLAN_SECONDS = CODEDEPLOY_HOOK_LIMIT_SECONDS - 300;

export interface BridgeInput {
  appSpec: string;
  deploymentId: string;
  lifecycleEventHookExecutionId: string;
  /** The tag's value, when the function has one. */
  strategyTag?: string;
  /** The bridge's default strategy (env DEFAULT_STRATEGY). */
  defaultStrategy: string;
  alarms?: { names: string[]; ignorePollAlarmFailure: boolean };
}

/** A tag value or default: a strategy name, or JSON when it starts with `{`. */
export function strategyFromText(text: string, field: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch (error) {
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', field, `must be a strategy name or JSON (${(error as Error).message})`, text);
  }
}

function minutes(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** Throws when CodeDeploy's one-hour hook limit would cut the walk short. */
export function checkBridgePlan(plan: Plan, field: string): void {
  plan.steps.forEach((step, index) => {
    const at = `${field} (step ${index})`;
    if ('approval' in step) throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', at, 'is an approval, which may wait longer than the hour CodeDeploy gives a lifecycle hook; bridge mode allows timed steps only');
    if ('pause' in step && step.pause.duration === undefined) {
      throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', at, 'is a pause without a duration, which may wait longer than the hour CodeDeploy gives a lifecycle hook; give it a duration', step.pause);
    }
    if ('pause' in step && (step.pause.until !== undefined || step.pause.untilWindow)) {
      throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', at, 'waits for a time or a window, which may be later than the hour CodeDeploy gives a lifecycle hook', step.pause);
    }
  });
  if (plan.totalBakeSeconds > BRIDGE_MAX_PLAN_SECONDS) {
    throw ruleViolation(
      'INVALID_DEPLOYMENT_CONFIG',
      field,
      `bakes and pauses for ${minutes(plan.totalBakeSeconds)}, longer than the ${minutes(BRIDGE_MAX_PLAN_SECONDS)} bridge mode allows: CodeDeploy fails a lifecycle hook that has not answered within one hour; choose a shorter strategy`,
      plan.strategy,
    );
  }
}

/** The request the bridge starts, with the plan it checked. */
export function bridgeRequest(input: BridgeInput): { request: DeploymentRequest; plan: Plan } {
  const app = readAppSpec(input.appSpec);
  const field = input.strategyTag !== undefined ? `tag ${STRATEGY_TAG}` : 'DEFAULT_STRATEGY';
  const strategy = strategyFromText(input.strategyTag ?? input.defaultStrategy, field);
  let request: DeploymentRequest;
  try {
    request = parseRequest({
      functionName: app.functionName,
      alias: app.alias,
      currentVersion: app.currentVersion,
      targetVersion: app.targetVersion,
      strategy,
      ...(input.alarms ? { alarms: input.alarms.names, alarmPolicy: { ignorePollAlarmFailure: input.alarms.ignorePollAlarmFailure } } : {}),
      codeDeploy: { deploymentId: input.deploymentId, lifecycleEventHookExecutionId: input.lifecycleEventHookExecutionId },
      description: `CodeDeploy deployment ${input.deploymentId} (bridge)`,
    });
  } catch (error) {
    // Name where the strategy came from, so the fix is clear (tag or DEFAULT_STRATEGY).
    if (error instanceof Error && /^strategy/.test(error.message)) error.message = `${field}: ${error.message}`;
    throw error;
  }
  const plan = planDeployment(request);
  checkBridgePlan(plan, field);
  return { request, plan };
}
