/**
 * The bridge at work: CodeDeploy runs it as the PreTraffic (BeforeAllowTraffic) hook
 * of a SAM DeploymentPreference. It reads the CodeDeploy deployment, builds the request
 * (shared/core/bridge-request.ts) and starts the Glidepath walk with `request.codeDeploy`; the walk's
 * finish answers CodeDeploy (Succeeded after promotion, Failed after rollback). When the walk
 * cannot start — a bad AppSpec or tag, a plan too long for the hook's hour — the bridge answers
 * Failed itself at once, so CodeDeploy and CloudFormation roll back now rather than in an hour.
 */
import { z } from 'zod';
import { isGlidepathError, ValidationError, errorMessage } from '../core/errors.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { CodeDeployReader } from '../core/ports/codedeploy-reader.ts';
import type { DeploymentStarter } from '../core/ports/deployment-starter.ts';
import type { FunctionReader } from '../core/ports/function-reader.ts';
import type { LifecycleReporter } from '../core/ports/lifecycle-reporter.ts';
import type { Log } from '../core/ports/log.ts';
import { bareFunctionName } from '../core/model/record.ts';
import { readAppSpec } from '../core/readers/appspec.ts';
import { executionName } from '../core/execution-name.ts';
import { bridgeRequest, STRATEGY_TAG } from '../core/bridge-request.ts';

export const lifecycleEventSchema = z.looseObject({
  DeploymentId: z.string().min(1),
  LifecycleEventHookExecutionId: z.string().min(1),
});

export type BridgeLog = Pick<Log, 'info' | 'error'>;

export interface BridgePorts {
  codeDeploy: CodeDeployReader;
  lifecycle: LifecycleReporter;
  functions: Pick<FunctionReader, 'tag'>;
  starter: DeploymentStarter;
  clock: Pick<Clock, 'now'>;
  log: BridgeLog;
}

export interface BridgeSettings {
  defaultStrategy: string;
  /** The bridge's own ARN (its context's invokedFunctionArn): region, account and partition for a bare function name. */
  selfArn: string;
}

export interface BridgeOutcome {
  codeDeployDeploymentId: string;
  status: 'Started' | 'Failed';
  deploymentId?: string;
  executionArn?: string;
  strategy?: string;
  error?: { code: string; message: string };
}

/** The unqualified ARN of `name` (a name, partial ARN or ARN), in the bridge's account and region unless it names its own. */
export function functionArn(name: string, selfArn: string): string {
  const parts = name.split(':');
  if (parts[0] === 'arn' && parts.length >= 7) return parts.slice(0, 7).join(':');
  const [, partition = 'aws', , region = 'us-east-1', account = '000000000000'] = selfArn.split(':');
  const owner = parts.length >= 3 && /^\d{12}$/.test(parts[0]!) ? parts[0]! : account;
  return `arn:${partition}:lambda:${region}:${owner}:function:${bareFunctionName(name)}`;
}

export async function startBridgeWalk(event: unknown, settings: BridgeSettings, deps: BridgePorts): Promise<BridgeOutcome> {
  const parsed = lifecycleEventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError('INVALID_REQUEST', issue?.path.join('.') || 'event', `${issue?.message ?? 'is not valid'}: the bridge is invoked by CodeDeploy with {DeploymentId, LifecycleEventHookExecutionId}`);
  }
  const ref = { deploymentId: parsed.data.DeploymentId, lifecycleEventHookExecutionId: parsed.data.LifecycleEventHookExecutionId };
  try {
    const deployment = await deps.codeDeploy.deployment(ref.deploymentId);
    const app = readAppSpec(deployment.appSpec);
    const [strategyTag, alarms] = await Promise.all([
      deps.functions.tag(functionArn(app.functionName, settings.selfArn), STRATEGY_TAG),
      deployment.applicationName && deployment.deploymentGroupName
        ? deps.codeDeploy.groupAlarms(deployment.applicationName, deployment.deploymentGroupName)
        : Promise.resolve(undefined),
    ]);
    const { request, plan } = bridgeRequest({
      appSpec: deployment.appSpec,
      ...ref,
      ...(strategyTag === undefined ? {} : { strategyTag }),
      defaultStrategy: settings.defaultStrategy,
      ...(alarms ? { alarms } : {}),
    });
    const name = executionName(deployment.createTime ?? deps.clock.now(), `${ref.deploymentId}/${ref.lifecycleEventHookExecutionId}`);
    const started = await deps.starter.start(name, request);
    deps.log.info('Glidepath walk started for CodeDeploy', {
      codeDeployDeploymentId: ref.deploymentId,
      deploymentId: started.deploymentId,
      function: request.functionName,
      alias: request.alias,
      from: request.currentVersion,
      to: request.targetVersion,
      strategy: plan.strategy,
      strategySource: strategyTag === undefined ? 'DEFAULT_STRATEGY' : STRATEGY_TAG,
    });
    return { codeDeployDeploymentId: ref.deploymentId, status: 'Started', deploymentId: started.deploymentId, executionArn: started.executionArn, strategy: plan.strategy };
  } catch (error) {
    const summary = isGlidepathError(error) ? { code: error.code, message: error.message } : { code: 'INTERNAL_ERROR', message: errorMessage(error) };
    deps.log.error('the walk could not start: CodeDeploy is told Failed', { codeDeployDeploymentId: ref.deploymentId, code: summary.code, error: summary.message });
    await deps.lifecycle.report(ref, 'Failed');
    return { codeDeployDeploymentId: ref.deploymentId, status: 'Failed', error: summary };
  }
}
