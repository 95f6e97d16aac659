/**
 * Notify handler: a Glidepath state change (EventBridge, `source: glidepath`) told to the
 * deployment's receivers and the stack's (Slack, Teams, JSON webhooks, SNS). Output: NotifyResult.
 * Thin: the stack-wide receivers from the environment, the ports built once, one call to the task.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { getDeployment } from '../../shared/aws/deployment-store.ts';
import { fetchPoster } from '../../shared/aws/http-poster.ts';
import { snsPublisher } from '../../shared/aws/sns-publisher.ts';
import { stackNotifications } from '../../shared/core/notifications/targets.ts';
import { notify, type NotifyPorts } from '../../shared/tasks/notify.ts';
import { eventHandler, requiredEnv, type EventHandlerOptions } from '../_lib/event-handler.ts';

export function createHandler(options: EventHandlerOptions & { ports?: Partial<NotifyPorts> } = {}) {
  const http = options.ports?.http ?? fetchPoster();
  const sns = options.ports?.sns ?? snsPublisher();
  return eventHandler(
    'notify',
    async (event, call) => {
      const stack = stackNotifications({
        topicArn: call.env.NOTIFICATION_TOPIC_ARN,
        webhookUrl: call.env.NOTIFICATION_WEBHOOK_URL,
        webhookType: call.env.NOTIFICATION_WEBHOOK_TYPE,
        events: call.env.NOTIFICATION_EVENTS,
      });
      for (const problem of stack.problems) call.log.warn(problem);
      const tableName = requiredEnv(call.env, 'TABLE_NAME');
      const result = await notify(event, stack.notifications, {
        records: { get: (id) => getDeployment({ ddb: call.clients.ddb, tableName }, id) },
        http,
        sns,
        sleep: (ms) => sleep(ms),
        log: call.log,
        ...options.ports,
      });
      for (const d of result.deliveries) call.count(d.delivered ? 'NotificationDelivered' : 'NotificationFailed');
      return result;
    },
    options,
  );
}

export const handler = createHandler();
