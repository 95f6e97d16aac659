/** Notifications: the event a state change is, the receivers, the text, and delivery with retries (in-memory ports). */
import { describe, expect, it } from 'vitest';
import { notificationEventOf, type StateChange } from '../../shared/core/notifications/events.ts';
import { executionConsoleUrl, notificationLine, snsMessage, messageOf } from '../../shared/core/notifications/message.ts';
import { asksForSteps, stackNotifications, targetsFor } from '../../shared/core/notifications/targets.ts';
import { notify, type NotifyPorts } from '../../shared/tasks/notify.ts';
import { parseRequest } from '../../shared/core/validate.ts';
import { ValidationError } from '../../shared/core/errors.ts';
import type { Notification } from '../../shared/core/model/request.ts';

const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:glidepath-deployment:gp-01';
const change = (over: Partial<StateChange> = {}): StateChange => ({
  deploymentId: 'gp-01',
  status: 'Succeeded',
  functionName: 'orders',
  alias: 'live',
  currentVersion: '7',
  targetVersion: '8',
  weight: 100,
  executionArn: ARN,
  at: '2026-12-03T10:00:00.000Z',
  ...over,
});

describe('which event a state change is', () => {
  it('started, step, paused, succeeded; a failure that was rolled back is rolledBack, without one failed; a resume is none', () => {
    expect(notificationEventOf(change({ status: 'InProgress', change: 'started' }), undefined)).toBe('started');
    expect(notificationEventOf(change({ status: 'InProgress', change: 'step', stepIndex: 0 }), undefined)).toBe('step');
    expect(notificationEventOf(change({ status: 'Paused' }), undefined)).toBe('paused');
    expect(notificationEventOf(change(), undefined)).toBe('succeeded');
    expect(notificationEventOf(change({ status: 'Failed' }), { rolledBackAt: '2026-01-01T00:00:00.000Z' })).toBe('rolledBack');
    expect(notificationEventOf(change({ status: 'Stopped' }), { rolledBackAt: '2026-01-01T00:00:00.000Z' })).toBe('rolledBack');
    expect(notificationEventOf(change({ status: 'Failed' }), {})).toBe('failed');
    expect(notificationEventOf(change({ status: 'InProgress' }), undefined)).toBeUndefined();
  });
});

describe('the message', () => {
  it('says it in one line, with the console page of the execution in its partition', () => {
    const c = change({ status: 'Failed', weight: 0, error: { code: 'ALARM_ACTIVE', message: 'alarm orders-5xx is in ALARM\nmore' } });
    expect(notificationLine('rolledBack', c)).toBe('orders:live gp-01: rolled back (ALARM_ACTIVE): alarm orders-5xx is in ALARM; version 7 serves all traffic (version 7 → 8)');
    expect(notificationLine('step', change({ status: 'InProgress', weight: 20, stepIndex: 1, stepCount: 5 }))).toBe('orders:live gp-01: step 2 of 5, 20% on version 8 (version 7 → 8)');
    expect(executionConsoleUrl(ARN)).toBe(`https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${ARN}`);
    expect(executionConsoleUrl(ARN.replace('arn:aws:', 'arn:aws-cn:').replace('eu-west-1', 'cn-north-1'))).toMatch(/^https:\/\/cn-north-1\.console\.amazonaws\.cn\//);
    expect(executionConsoleUrl(undefined)).toBeUndefined();
    const sns = snsMessage(messageOf('succeeded', change({ functionName: 'ördérs' })));
    expect(sns.subject).toBe('Glidepath rdrs:live succeeded');
    expect(sns.message.split('\n')).toHaveLength(2);
  });
});

describe('the receivers', () => {
  const slack: Notification = { type: 'slack', url: 'https://hooks.slack.com/services/T/B/x' };
  const topic: Notification = { type: 'sns', topicArn: 'arn:aws:sns:eu-west-1:123456789012:glidepath-ops', events: ['failed', 'rolledBack'] };

  it('are the deployment’s and the stack’s that want the event (start and ends by default), each once', () => {
    expect(targetsFor('started', [slack], [topic])).toEqual([slack]);
    expect(targetsFor('rolledBack', [slack, topic], [topic])).toEqual([slack, topic]);
    expect(targetsFor('step', [slack], [topic])).toEqual([]);
    expect(asksForSteps([slack])).toBe(false);
    expect(asksForSteps([{ ...slack, events: ['step'] }])).toBe(true);
  });

  it('from the stack settings: empty gives none; a bad one is reported, not used', () => {
    expect(stackNotifications({ topicArn: '', webhookUrl: '', events: 'started' }).notifications).toEqual([]);
    const both = stackNotifications({ topicArn: topic.topicArn, webhookUrl: slack.url, webhookType: 'slack', events: 'failed,rolledBack' });
    expect(both.notifications).toEqual([topic, { ...slack, events: ['failed', 'rolledBack'] }]);
    const bad = stackNotifications({ webhookUrl: 'http://example.com/hook' });
    expect(bad.notifications).toEqual([]);
    expect(bad.problems[0]).toContain('must be an https URL');
  });

  it('are validated in a request, naming the field', () => {
    const request = { functionName: 'orders', alias: 'live', targetVersion: '8', strategy: 'AllAtOnce' };
    expect(parseRequest({ ...request, notifications: [slack, topic] }).notifications).toEqual([slack, topic]);
    const bad = () => parseRequest({ ...request, notifications: [{ type: 'slack', url: 'ftp://x' }] });
    expect(bad).toThrow(ValidationError);
    expect(bad).toThrow(/notifications\.0\.url|notifications\[0\]\.url/);
    expect(() => parseRequest({ ...request, notifications: [{ ...slack, events: ['deployed'] }] })).toThrow(/notifications.*events/);
  });
});

function ports(answers: (number | Error)[] = []) {
  const posts: { url: string; body: any }[] = [];
  const published: { topicArn: string; subject: string; message: string }[] = [];
  const waits: number[] = [];
  const warnings: { message: string; extra?: Record<string, unknown> }[] = [];
  const p: NotifyPorts = {
    records: { get: async () => ({ rolledBackAt: '2026-01-01T00:00:00.000Z', request: { notifications: [{ type: 'webhook', url: 'https://hooks.example.com/secret-path' }] } }) },
    http: {
      postJson: async (url, body) => {
        posts.push({ url, body: JSON.parse(body) });
        const answer = answers.shift() ?? 200;
        if (answer instanceof Error) throw answer;
        return { status: answer };
      },
    },
    sns: { publish: async (topicArn, subject, message) => void published.push({ topicArn, subject, message }) },
    sleep: async (ms) => void waits.push(ms),
    log: { info: () => {}, warn: (message, extra) => void warnings.push({ message, ...(extra ? { extra } : {}) }), error: () => {} },
  };
  return { p, posts, published, waits, warnings };
}

const event = (over: Partial<StateChange> = {}) => ({ source: 'glidepath', 'detail-type': 'Glidepath Deployment State Change', detail: change(over) });

describe('Function: notify', () => {
  it('retries a 503 and a network error with doubling waits, then delivers', async () => {
    const { p, posts, waits } = ports([503, new Error('ECONNRESET')]);
    const result = await notify(event({ status: 'Failed', weight: 0 }), [], p, { attempts: 3, baseDelayMs: 100 });
    expect(result.event).toBe('rolledBack');
    expect(result.deliveries).toEqual([{ receiver: 'webhook hooks.example.com', delivered: true, attempts: 3 }]);
    expect(posts).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('gives up at once on a 404, logs without the URL’s secret path, and never throws', async () => {
    const { p, posts, warnings } = ports([404]);
    const result = await notify(event(), [], p);
    expect(result.deliveries[0]).toMatchObject({ delivered: false, attempts: 1, error: 'HTTP 404' });
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(warnings)).not.toContain('secret-path');
  });

  it('publishes to the stack’s topic, even when the record cannot be read', async () => {
    const { p, published, warnings } = ports();
    p.records.get = async () => {
      throw new Error('throttled');
    };
    const topic: Notification = { type: 'sns', topicArn: 'arn:aws:sns:eu-west-1:123456789012:glidepath-ops' };
    const result = await notify(event(), [topic], p);
    expect(result.deliveries).toEqual([{ receiver: `sns ${topic.topicArn}`, delivered: true, attempts: 1 }]);
    expect(published[0]).toMatchObject({ topicArn: topic.topicArn, subject: 'Glidepath orders:live succeeded' });
    expect(warnings[0]!.message).toContain('record not read');
  });

  it('ignores what is not a state change', async () => {
    const { p, posts } = ports();
    expect(await notify({ detail: { hello: 1 } }, [], p)).toEqual({ deliveries: [] });
    expect(posts).toHaveLength(0);
  });
});
