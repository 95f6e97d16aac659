/**
 * trigger: the target of the EventBridge rules for S3 `Object Created` and ECR `ECR Image Action`
 * (PUSH, SUCCESS). Thin: the core (shared/tasks/deploy-push.ts) finds the deployment groups
 * the push deploys, updates the code, publishes a version and starts the deployments.
 */
import { now } from '../../shared/core/clock.ts';
import { deployPush, type PushOutcome } from '../../shared/tasks/deploy-push.ts';
import { eventHandler, requiredEnv, type EventHandlerOptions } from '../_lib/event-handler.ts';

export type TriggerOptions = EventHandlerOptions;

export function createHandler(options: TriggerOptions = {}) {
  return eventHandler<PushOutcome>(
    'trigger',
    async (event, { env, clients, log, count }) => {
      const outcome = await deployPush(event, {
        lambda: clients.lambda,
        sfn: clients.sfn,
        store: { ddb: clients.ddb, tableName: requiredEnv(env, 'TABLE_NAME') },
        stateMachineArn: requiredEnv(env, 'STATE_MACHINE_ARN'),
        now,
        log,
      });
      if (outcome.ignored) count('PushIgnored');
      for (const d of outcome.deployments) count(`Push${d.status.charAt(0).toUpperCase()}${d.status.slice(1)}`);
      return outcome;
    },
    options,
  );
}

export const handler = createHandler();
