/**
 * What a notification says: one line (function, alias, versions, status, reason) and a link to the
 * Step Functions console's page of the execution, in the shape each receiver takes: Slack's
 * incoming webhooks (`text`, mrkdwn links), Microsoft Teams' workflow webhooks (an Adaptive Card),
 * a generic JSON webhook (the line and the facts) and SNS (subject and message).
 */
import type { NotificationEvent } from '../model/request.ts';
import type { StateChange } from './events.ts';

/** The console page of an execution, in the partition and region of its ARN. */
export function executionConsoleUrl(executionArn: string | undefined): string | undefined {
  const parts = executionArn?.split(':');
  if (!parts || parts.length < 8 || parts[2] !== 'states') return undefined;
  const [, partition, , region] = parts;
  const host = partition === 'aws-cn' ? 'console.amazonaws.cn' : partition === 'aws-us-gov' ? 'console.amazonaws-us-gov.com' : 'console.aws.amazon.com';
  return `https://${region}.${host}/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

const versions = (c: StateChange) => `version ${c.currentVersion ?? '?'} → ${c.targetVersion ?? '?'}`;
const reason = (c: StateChange) => (c.error ? ` (${c.error.code}): ${c.error.message.split('\n')[0]}` : '');

/** `orders:live gp-…: rolled back (ALARM_ACTIVE): alarm orders-5xx is in ALARM; version 7 serves all traffic (version 7 → 8)` */
export function notificationLine(event: NotificationEvent, c: StateChange): string {
  const who = `${c.functionName}:${c.alias} ${c.deploymentId}`;
  const weight = c.weight ?? 0;
  switch (event) {
    case 'started':
      return `${who}: started, ${versions(c)}`;
    case 'step': {
      const of = c.stepIndex === undefined ? '' : ` step ${c.stepIndex + 1}${c.stepCount === undefined ? '' : ` of ${c.stepCount}`},`;
      return `${who}:${of} ${weight}% on version ${c.targetVersion ?? '?'} (${versions(c)})`;
    }
    case 'paused':
      return `${who}: paused at ${weight}% on version ${c.targetVersion ?? '?'} (${versions(c)})`;
    case 'succeeded':
      return `${who}: succeeded, version ${c.targetVersion ?? '?'} serves all traffic (${versions(c)})`;
    case 'rolledBack':
      return `${who}: rolled back${reason(c)}; version ${c.currentVersion ?? '?'} serves all traffic (${versions(c)})`;
    case 'failed':
      return `${who}: ${c.status === 'Stopped' ? 'stopped' : 'failed'}${reason(c)}; nothing was shifted (${versions(c)})`;
  }
}

export interface Message {
  event: NotificationEvent;
  line: string;
  url?: string;
  change: StateChange;
}

export function messageOf(event: NotificationEvent, change: StateChange): Message {
  const url = executionConsoleUrl(change.executionArn);
  return { event, line: notificationLine(event, change), ...(url ? { url } : {}), change };
}

/** Slack incoming webhook: `text` in mrkdwn, where `&`, `<` and `>` must be escaped. */
export function slackPayload(m: Message): object {
  const escape = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return { text: `${escape(m.line)}${m.url ? ` <${m.url}|execution>` : ''}` };
}

/** Microsoft Teams workflow webhook ("post to a channel when a webhook request is received"): an Adaptive Card. */
export function teamsPayload(m: Message): object {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [{ type: 'TextBlock', text: m.line, wrap: true }],
          ...(m.url ? { actions: [{ type: 'Action.OpenUrl', title: 'Step Functions execution', url: m.url }] } : {}),
        },
      },
    ],
  };
}

/** A generic JSON webhook: the line, the event and the facts of the state change. */
export function webhookPayload(m: Message): object {
  const c = m.change;
  return {
    source: 'glidepath',
    event: m.event,
    text: m.line,
    deploymentId: c.deploymentId,
    functionName: c.functionName,
    alias: c.alias,
    currentVersion: c.currentVersion,
    targetVersion: c.targetVersion,
    status: c.status,
    weight: c.weight,
    ...(c.error ? { error: c.error } : {}),
    ...(m.url ? { executionUrl: m.url } : {}),
    at: c.at,
  };
}

/** SNS: a subject (at most 100 printable characters, no line breaks) and the line with the link. */
export function snsMessage(m: Message): { subject: string; message: string } {
  const subject = `Glidepath ${m.change.functionName}:${m.change.alias} ${m.event}`.replace(/[^\x20-\x7e]/g, '').slice(0, 100);
  return { subject, message: m.url ? `${m.line}\n${m.url}` : m.line };
}
