/**
 * Notify: a Glidepath state change (EventBridge, `source: glidepath`) told to the deployment's
 * receivers and the stack's (Slack, Teams, JSON webhooks, SNS) — shared/tasks/notify.ts.
 * The stack-wide receivers come from the environment template.yaml sets. Output: NotifyResult.
 */
import { stackNotifications } from '../../shared/core/notifications/targets.ts';
import { notify, type NotifyPorts } from '../../shared/tasks/notify.ts';
import { createTaskHandler, type HandlerOptions, type OwnPorts } from '../_lib/handler.ts';
import { notificationSenders, recordReader } from '../_lib/ports.ts';

export function createHandler(options: HandlerOptions<OwnPorts<NotifyPorts>> = {}) {
  return createTaskHandler(
    {
      name: 'Notify',
      // The task reads the event itself: what is not a state change is logged and skipped, never retried.
      parse: (event) => event,
      ports: (build) => ({ records: recordReader(build), ...notificationSenders() }),
      run: async (event, ports, call) => {
        const stack = stackNotifications({
          topicArn: call.env.NOTIFICATION_TOPIC_ARN,
          webhookUrl: call.env.NOTIFICATION_WEBHOOK_URL,
          webhookType: call.env.NOTIFICATION_WEBHOOK_TYPE,
          events: call.env.NOTIFICATION_EVENTS,
        });
        for (const problem of stack.problems) ports.log.warn(problem);
        const result = await notify(event, stack.notifications, ports);
        for (const d of result.deliveries) call.count(d.delivered ? 'NotificationDelivered' : 'NotificationFailed');
        return result;
      },
      outcome: (result) => (result.deliveries.every((d) => d.delivered) ? 'delivered' : 'undelivered'),
    },
    options,
  );
}

export const handler = createHandler();
