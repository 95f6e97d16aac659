/**
 * Who is told of an event: the deployment's own `notifications` (request or group) and the
 * stack-wide ones (template.yaml parameters, read by functions/notify), each with its events
 * (DEFAULT_NOTIFICATION_EVENTS when it names none). A receiver listed twice is told once.
 */
import { DEFAULT_NOTIFICATION_EVENTS, notificationSchema, type Notification, type NotificationEvent } from '../model/request.ts';

export function wants(notification: Notification, event: NotificationEvent): boolean {
  return (notification.events ?? DEFAULT_NOTIFICATION_EVENTS).includes(event);
}

/** Step events cost a PutEvents per step: shift publishes them only for deployments that ask. */
export function asksForSteps(notifications: readonly Notification[] | undefined): boolean {
  return (notifications ?? []).some((n) => wants(n, 'step'));
}

export const receiverOf = (n: Notification): string => (n.type === 'sns' ? `sns ${n.topicArn}` : `${n.type} ${n.url}`);

export function targetsFor(event: NotificationEvent, own: readonly Notification[], stack: readonly Notification[]): Notification[] {
  const seen = new Set<string>();
  const out: Notification[] = [];
  for (const n of [...own, ...stack]) {
    const key = receiverOf(n);
    if (!wants(n, event) || seen.has(key)) continue;
    seen.add(key);
    out.push(n);
  }
  return out;
}

/** The stack-wide notifications, from the notify function's settings; empty settings give none. */
export interface StackNotificationSettings {
  topicArn?: string;
  webhookUrl?: string;
  webhookType?: string;
  /** Comma-separated events. */
  events?: string;
}

export function stackNotifications(settings: StackNotificationSettings): { notifications: Notification[]; problems: string[] } {
  const events = settings.events?.trim() ? settings.events.split(',').map((e) => e.trim()).filter(Boolean) : undefined;
  const candidates: { name: string; value: unknown }[] = [];
  if (settings.topicArn?.trim()) candidates.push({ name: 'topic', value: { type: 'sns', topicArn: settings.topicArn.trim(), ...(events ? { events } : {}) } });
  if (settings.webhookUrl?.trim()) {
    candidates.push({ name: 'webhook', value: { type: settings.webhookType?.trim() || 'webhook', url: settings.webhookUrl.trim(), ...(events ? { events } : {}) } });
  }
  const notifications: Notification[] = [];
  const problems: string[] = [];
  for (const { name, value } of candidates) {
    const parsed = notificationSchema.safeParse(value);
    if (parsed.success) notifications.push(parsed.data);
    else problems.push(`stack ${name} notification ignored: ${parsed.error.issues.map((i) => `${i.path.join('.') || name}: ${i.message}`).join('; ')}`);
  }
  return { notifications, problems };
}
