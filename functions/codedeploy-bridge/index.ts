/**
 * codedeploy-bridge: the PreTraffic hook of a SAM DeploymentPreference (`Type: AllAtOnce`). Thin:
 * the core (shared/tasks/codedeploy-bridge.ts) reads the CodeDeploy deployment and starts the Glidepath
 * walk, whose finish answers CodeDeploy.
 */
import { now } from '../../shared/core/clock.ts';
import { startBridgeWalk, type BridgeOutcome } from '../../shared/tasks/codedeploy-bridge.ts';
import { eventHandler, requiredEnv, type EventHandlerOptions } from '../_lib/event-handler.ts';

/** When neither the tag nor DEFAULT_STRATEGY says: CodeDeploy's own safest short canary. */
export const FALLBACK_STRATEGY = 'Canary10Percent5Minutes';

export type BridgeOptions = EventHandlerOptions;

export function createHandler(options: BridgeOptions = {}) {
  return eventHandler<BridgeOutcome>(
    'codedeploy-bridge',
    async (event, { env, clients, context, logger, log, count }) => {
      const stateMachineArn = requiredEnv(env, 'STATE_MACHINE_ARN');
      const outcome = await startBridgeWalk(event, {
        codedeploy: clients.codedeploy,
        lambda: clients.lambda,
        sfn: clients.sfn,
        stateMachineArn,
        defaultStrategy: env.DEFAULT_STRATEGY || FALLBACK_STRATEGY,
        selfArn: context.invokedFunctionArn ?? `arn:aws:lambda:${env.AWS_REGION ?? 'us-east-1'}:000000000000:function:glidepath-codedeploy-bridge`,
        now,
        log,
      });
      if (outcome.deploymentId) logger.appendKeys({ deploymentId: outcome.deploymentId });
      count(outcome.status === 'Started' ? 'BridgeStarted' : 'BridgeRefused');
      return outcome;
    },
    options,
  );
}

export const handler = createHandler();
