/**
 * trigger: the target of the EventBridge rules for S3 `Object Created` and ECR `ECR Image Action`
 * (PUSH, SUCCESS). The task (shared/tasks/deploy-push.ts) finds the deployment groups the push
 * deploys, updates the code, publishes a version and starts the deployments.
 */
import { deployPush, type TriggerPorts } from '../../shared/tasks/deploy-push.ts';
import { createTaskHandler, type HandlerOptions } from '../_lib/handler.ts';
import { deploymentStarter, functionPublisher, groupStore, triggerClaims } from '../_lib/ports.ts';

export function createHandler(options: HandlerOptions<Omit<TriggerPorts, 'clock' | 'log'>> = {}) {
  return createTaskHandler(
    {
      name: 'Trigger',
      parse: (event) => event,
      ports: (build) => ({ groups: groupStore(build), claims: triggerClaims(build), publisher: functionPublisher(build), starter: deploymentStarter(build) }),
      run: async (event, ports, { count }) => {
        const outcome = await deployPush(event, ports);
        if (outcome.ignored) count('PushIgnored');
        for (const d of outcome.deployments) count(`Push${d.status.charAt(0).toUpperCase()}${d.status.slice(1)}`);
        return outcome;
      },
    },
    options,
  );
}

export const handler = createHandler();
