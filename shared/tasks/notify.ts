/**
 * Notifies the receivers of a Glidepath state change (docs/notifications.md): decides the event
 * (shared/core/notifications/events.ts), the receivers (targets.ts) and the text (message.ts),
 * then delivers to each, retrying with exponential backoff. A receiver that cannot be reached is
 * logged and given up on: a notification never fails, delays or changes a deployment (it runs on
 * its own EventBridge rule, after the fact), and this task never throws for a delivery, so
 * EventBridge does not re-deliver the event to the receivers that already got it.
 */
import { errorMessage } from '../core/errors.ts';
import { notificationEventOf, stateChangeSchema, type StateChange } from '../core/notifications/events.ts';
import { messageOf, slackPayload, snsMessage, teamsPayload, webhookPayload, type Message } from '../core/notifications/message.ts';
import { receiverOf, targetsFor } from '../core/notifications/targets.ts';
import type { HttpPoster, NotificationRecords, SnsPublisher } from '../core/ports/notifications.ts';
import { notificationSchema, type Notification, type NotificationEvent } from '../core/model/request.ts';
import type { Log } from '../core/ports/log.ts';

export interface NotifyPorts {
  records: NotificationRecords;
  http: HttpPoster;
  sns: SnsPublisher;
  /** Waits between attempts (real time: a receiver's outage is not simulated). */
  sleep(ms: number): Promise<void>;
  log: Log;
}

export interface RetryPolicy {
  attempts: number;
  /** The first wait; each next one doubles. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 500 };

export interface Delivery {
  receiver: string;
  delivered: boolean;
  attempts: number;
  error?: string;
}

export interface NotifyResult {
  deploymentId?: string;
  event?: NotificationEvent;
  deliveries: Delivery[];
}

/** A receiver's address for logs: the host only (webhook URLs carry their secret in the path). */
function redacted(n: Notification): string {
  if (n.type === 'sns') return receiverOf(n);
  try {
    return `${n.type} ${new URL(n.url).host}`;
  } catch {
    return n.type;
  }
}

class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

async function deliverOnce(n: Notification, m: Message, ports: NotifyPorts): Promise<void> {
  if (n.type === 'sns') {
    const { subject, message } = snsMessage(m);
    await ports.sns.publish(n.topicArn, subject, message);
    return;
  }
  const payload = n.type === 'slack' ? slackPayload(m) : n.type === 'teams' ? teamsPayload(m) : webhookPayload(m);
  const { status } = await ports.http.postJson(n.url, JSON.stringify(payload));
  if (status >= 200 && status < 300) return;
  // A 4xx other than 408/429 will not get better by asking again (a revoked or mistyped webhook).
  throw new DeliveryError(`HTTP ${status}`, status >= 500 || status === 408 || status === 429);
}

async function deliver(n: Notification, m: Message, ports: NotifyPorts, retry: RetryPolicy): Promise<Delivery> {
  const receiver = redacted(n);
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      await deliverOnce(n, m, ports);
      return { receiver, delivered: true, attempts };
    } catch (error) {
      const message = errorMessage(error);
      const retryable = !(error instanceof DeliveryError) || error.retryable;
      if (!retryable || attempts >= retry.attempts) {
        ports.log.warn('notification not delivered', { receiver, event: m.event, deploymentId: m.change.deploymentId, attempts, error: message });
        return { receiver, delivered: false, attempts, error: message };
      }
      await ports.sleep(retry.baseDelayMs * 2 ** (attempts - 1));
    }
  }
}

/** The deployment's own notifications, as stored with its request (each re-checked: a bad one is skipped). */
function ownNotifications(raw: unknown[] | undefined, log: Log, deploymentId: string): Notification[] {
  const out: Notification[] = [];
  for (const item of raw ?? []) {
    const parsed = notificationSchema.safeParse(item);
    if (parsed.success) out.push(parsed.data);
    else log.warn('notification setting ignored', { deploymentId, error: parsed.error.issues[0]?.message });
  }
  return out;
}

/** `event` is the EventBridge event (its `detail` a state change); `stack` the stack-wide receivers. */
export async function notify(event: unknown, stack: readonly Notification[], ports: NotifyPorts, retry: RetryPolicy = DEFAULT_RETRY): Promise<NotifyResult> {
  const parsed = stateChangeSchema.safeParse((event as { detail?: unknown } | null)?.detail);
  if (!parsed.success) {
    ports.log.warn('not a Glidepath state change: nothing to notify', { error: parsed.error.issues[0]?.message });
    return { deliveries: [] };
  }
  const change: StateChange = parsed.data;
  let record: Awaited<ReturnType<NotificationRecords['get']>>;
  try {
    record = await ports.records.get(change.deploymentId);
  } catch (error) {
    // Without the record the stack-wide receivers are still told (a failure may read as such).
    ports.log.warn('deployment record not read: notifying the stack-wide receivers only', {
      deploymentId: change.deploymentId,
      error: errorMessage(error),
    });
  }
  const kind = notificationEventOf(change, record);
  if (kind === undefined) return { deploymentId: change.deploymentId, deliveries: [] };
  const targets = targetsFor(kind, ownNotifications(record?.request.notifications, ports.log, change.deploymentId), stack);
  const message = messageOf(kind, change);
  const deliveries = await Promise.all(targets.map((n) => deliver(n, message, ports, retry)));
  return { deploymentId: change.deploymentId, event: kind, deliveries };
}
