/**
 * Notifications end to end: the controller's state-change events reach the notify function
 * through template.yaml's EventBridge rule on the local engine, and notify POSTs to webhook
 * receivers on this machine (a real HTTP server): a success and a rollback, with the text and the
 * fields asserted; a dead receiver and a failing one leave the deployment's outcome untouched.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { createApp } from './support/app.ts';
import { atWeight, deploy, requestFor, startDeployment, waitForEnd, waitForRecord } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { manualAlarm } from './support/alarms.ts';
import { expectFailed, expectSucceeded } from './support/expect.ts';

const ctx = useEngine({ speed: 10_000 });

interface Received {
  path: string;
  body: any;
}

let server: Server;
let base: string;
const received: Received[] = [];
let failingCalls = 0;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => resolve(text));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const text = await readBody(req);
    if (req.url === '/failing') {
      failingCalls += 1;
      res.writeHead(503).end();
      return;
    }
    received.push({ path: req.url ?? '', body: JSON.parse(text) });
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Waits (real time) until `count` messages reached `path`. */
async function receivedAt(path: string, count: number, timeoutMs = 10_000): Promise<Received[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = received.filter((r) => r.path === path);
    if (got.length >= count) return got;
    if (Date.now() > deadline) throw new Error(`${path}: ${got.length} of ${count} notifications after ${timeoutMs} ms: ${JSON.stringify(got)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('notifications', () => {
  it('a success: started and succeeded reach a JSON webhook and Slack, with the one-line text and the console link', async () => {
    const app = await createApp(ctx.lambda, 'notify-ok');
    const outcome = await deploy(ctx, app, {
      strategy: 'Canary10Percent5Minutes',
      notifications: [
        { type: 'webhook', url: `${base}/json` },
        { type: 'slack', url: `${base}/slack`, events: ['succeeded'] },
      ],
    });
    expectSucceeded(outcome);
    const json = await receivedAt('/json', 2);
    expect(json.map((r) => r.body.event)).toEqual(['started', 'succeeded']);
    const [from, to] = app.versions;
    const done = json[1]!.body;
    expect(done).toMatchObject({
      source: 'glidepath',
      deploymentId: outcome.deploymentId,
      functionName: app.functionName,
      alias: app.alias,
      currentVersion: from,
      targetVersion: to,
      status: 'Succeeded',
      weight: 100,
    });
    expect(done.text).toBe(`${app.functionName}:${app.alias} ${outcome.deploymentId}: succeeded, version ${to} serves all traffic (version ${from} → ${to})`);
    expect(done.executionUrl).toBe(
      `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${outcome.executionArn}`,
    );
    const slack = await receivedAt('/slack', 1);
    expect(slack).toHaveLength(1);
    expect(slack[0]!.body.text).toBe(`${done.text} <${done.executionUrl}|execution>`);
  });

  it('a rollback: the reason and the version that serves again, in the text; Teams gets an Adaptive Card', async () => {
    const app = await createApp(ctx.lambda, 'notify-rollback');
    const alarm = await manualAlarm(ctx, 'OK');
    ctx.engine.clock.speed = 1_000;
    const started = await startDeployment(
      ctx,
      requestFor(app, {
        strategy: 'Canary10Percent30Minutes',
        alarms: [alarm],
        notifications: [
          { type: 'webhook', url: `${base}/rollback`, events: ['rolledBack', 'failed', 'succeeded'] },
          { type: 'teams', url: `${base}/teams`, events: ['rolledBack'] },
        ],
      }),
    );
    await waitForRecord(ctx, started, 'baking at 10%', atWeight(10));
    await ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'errors on the canary' }));
    const outcome = await waitForEnd(ctx, started, app);
    ctx.engine.clock.speed = 10_000;
    expectFailed(outcome, 'ALARM_ACTIVE');
    const [message] = await receivedAt('/rollback', 1);
    const [from, to] = app.versions;
    expect(message!.body).toMatchObject({ event: 'rolledBack', status: 'Failed', weight: 0, error: { code: 'ALARM_ACTIVE' } });
    expect(message!.body.text).toMatch(
      new RegExp(`^${app.functionName}:${app.alias} ${started.deploymentId}: rolled back \\(ALARM_ACTIVE\\): .*${alarm}.*; version ${from} serves all traffic \\(version ${from} → ${to}\\)$`),
    );
    const [card] = await receivedAt('/teams', 1);
    expect(card!.body.type).toBe('message');
    const content = card!.body.attachments[0].content;
    expect(content.type).toBe('AdaptiveCard');
    expect(content.body[0].text).toBe(message!.body.text);
    expect(content.actions[0].url).toBe(message!.body.executionUrl);
  });

  it('step events only for a deployment that asks for them: one per traffic increase', async () => {
    const app = await createApp(ctx.lambda, 'notify-steps');
    const outcome = await deploy(ctx, app, {
      strategy: { type: 'TimeBasedLinear', percentage: 50, intervalMinutes: 1 },
      notifications: [{ type: 'webhook', url: `${base}/steps`, events: ['step', 'succeeded'] }],
    });
    expectSucceeded(outcome);
    const got = await receivedAt('/steps', 3);
    expect(got.map((r) => [r.body.event, r.body.weight])).toEqual([
      ['step', 50],
      ['step', 100],
      ['succeeded', 100],
    ]);
    expect(got[0]!.body.text).toBe(`${app.functionName}:${app.alias} ${outcome.deploymentId}: step 1, 50% on version 2 (version 1 → 2)`);
  });

  it('a dead receiver and one answering 503 do not fail the deployment; the good one is still told', async () => {
    const app = await createApp(ctx.lambda, 'notify-dead');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/gone`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const before = failingCalls;

    const outcome = await deploy(ctx, app, {
      strategy: 'AllAtOnce',
      notifications: [
        { type: 'webhook', url: deadUrl },
        { type: 'webhook', url: `${base}/failing` },
        { type: 'webhook', url: `${base}/alive`, events: ['succeeded'] },
      ],
    });
    expectSucceeded(outcome);
    const [alive] = await receivedAt('/alive', 1);
    expect(alive!.body.deploymentId).toBe(outcome.deploymentId);
    // Retried with backoff: three attempts for each of the two events.
    await expect.poll(() => failingCalls - before, { timeout: 15_000 }).toBe(6);
  }, 30_000);
});
