/**
 * codedeploy-bridge: the PreTraffic hook of a SAM DeploymentPreference (`Type: AllAtOnce`). The
 * task (shared/tasks/codedeploy-bridge.ts) reads the CodeDeploy deployment and starts the
 * Glidepath walk, whose finish answers CodeDeploy.
 */
import { startBridgeWalk, type BridgePorts } from '../../shared/tasks/codedeploy-bridge.ts';
import { createTaskHandler, type HandlerOptions } from '../_lib/handler.ts';
import { codeDeployDeployments, deploymentStarter, functionTags, lifecycleReporter } from '../_lib/ports.ts';

/** When neither the tag nor DEFAULT_STRATEGY says: CodeDeploy's own safest short canary. */
export const FALLBACK_STRATEGY = 'Canary10Percent5Minutes';

export function createHandler(options: HandlerOptions<Omit<BridgePorts, 'clock' | 'log'>> = {}) {
  return createTaskHandler(
    {
      name: 'Bridge',
      parse: (event) => event,
      ports: (build) => ({
        codeDeploy: codeDeployDeployments(build),
        lifecycle: lifecycleReporter(build),
        functions: functionTags(build),
        starter: deploymentStarter(build),
      }),
      run: async (event, ports, { env, context, logger }) => {
        const outcome = await startBridgeWalk(event, { defaultStrategy: env.DEFAULT_STRATEGY || FALLBACK_STRATEGY, selfArn: context.invokedFunctionArn }, ports);
        if (outcome.deploymentId) logger.appendKeys({ deploymentId: outcome.deploymentId });
        return outcome;
      },
      outcome: (outcome) => (outcome.status === 'Started' ? 'Started' : 'Refused'),
    },
    options,
  );
}

export const handler = createHandler();
