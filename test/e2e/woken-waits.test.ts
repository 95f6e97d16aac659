/**
 * Waits that are woken, not polled: a 12-hour bake at real speed (speed 1) rolled back within
 * 2 s of its alarm going to ALARM, through the alarm's state-change event alone; with that event
 * suppressed, through the watcher within one tick; a bake's length costs no history events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { createApp } from './support/app.ts';
import { atWeight, requestFor, startDeployment, waitForEnd, waitForRecord } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { manualAlarm } from './support/alarms.ts';
import { expectFailed, expectTerminalInvariant, weightsOf } from './support/expect.ts';

const ctx = useEngine({ speed: 1 });

afterEach(() => {
  ctx.engine.clock.speed = 1;
});

const TWELVE_HOURS = 12 * 3600;

describe('an alarm during a 12-hour bake, at real speed', () => {
  it('its state-change event rolls the alias back within 2 s', async () => {
    const app = await createApp(ctx.lambda, 'woken-event');
    const alarm = await manualAlarm(ctx, 'OK', 'woken-event');
    const started = await startDeployment(ctx, requestFor(app, { strategy: { steps: [{ setWeight: 10 }, { bake: TWELVE_HOURS }] }, alarms: [alarm] }));
    await waitForRecord(ctx, started, 'waiting in the bake', (r) => r.weight === 10 && r.waitToken?.kind === 'timed');

    const fired = Date.now();
    await ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'e2e: errors at 10%' }));
    await waitForRecord(ctx, started, 'rolled back', (r) => r.weight === 0, 5_000);
    const seconds = (Date.now() - fired) / 1000;
    expect(seconds).toBeLessThanOrEqual(2);

    const outcome = await waitForEnd(ctx, started, app);
    expectFailed(outcome, 'ALARM_ACTIVE');
    expect(outcome.cause).toContain(`alarm ${alarm} is in ALARM (e2e: errors at 10%) while the deployment was baking at step 1`);
    await expectTerminalInvariant(ctx, app, outcome, 'current');
    expect(weightsOf(outcome.record)).toEqual([0, 10, 0]);
  });

  it('with the event lost, the watcher rolls it back within one tick', async () => {
    const app = await createApp(ctx.lambda, 'woken-watcher');
    const alarm = await manualAlarm(ctx, 'OK', 'woken-watcher');
    ctx.engine.clock.speed = 60; // the watcher's minute lasts a second
    const started = await startDeployment(ctx, requestFor(app, { strategy: { steps: [{ setWeight: 10 }, { bake: TWELVE_HOURS }] }, alarms: [alarm] }));
    await waitForRecord(ctx, started, 'waiting in the bake', (r) => r.weight === 10 && r.waitToken?.kind === 'timed');

    // The alarm's state-change event never reaches EventBridge: only the watcher can see the alarm.
    const alarms = ctx.engine.endpoint.cloudwatch.alarms;
    const publish = alarms.onStateChange;
    alarms.onStateChange = () => undefined;
    try {
      const firedAt = ctx.engine.clock.now();
      await ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'e2e: event lost' }));
      const back = await waitForRecord(ctx, started, 'rolled back', (r) => r.weight === 0, 10_000);
      const rolledBackAt = Date.parse(back.weights.at(-1)!.at);
      // One tick of the watcher (60 s of engine time), plus the rollback's own calls.
      expect((rolledBackAt - firedAt) / 1000).toBeLessThanOrEqual(65);
    } finally {
      alarms.onStateChange = publish;
    }
    const outcome = await waitForEnd(ctx, started, app);
    expectFailed(outcome, 'ALARM_ACTIVE');
    expect(outcome.cause).toContain('(seen by the watcher)');
    expect(outcome.record?.watch?.alarms).toEqual([{ name: alarm, state: 'ALARM' }]);
    await expectTerminalInvariant(ctx, app, outcome, 'current');
  });
});

describe('a bake is one wait', () => {
  it('a 7-day bake writes the same handful of history events as a 12-hour one', async () => {
    const counts: number[] = [];
    const types: string[][] = [];
    ctx.engine.clock.speed = 200_000; // 12 hours: 0.2 s; 7 days: 3 s
    for (const bake of [TWELVE_HOURS, 7 * 24 * 3600]) {
      const app = await createApp(ctx.lambda, `one-wait-${bake}`);
      const started = await startDeployment(ctx, requestFor(app, { strategy: { steps: [{ setWeight: 10 }, { bake }, { setWeight: 100 }] } }));
      const outcome = await waitForEnd(ctx, started, app, 20_000);
      expect(outcome.status).toBe('SUCCEEDED');
      await expectTerminalInvariant(ctx, app, outcome, 'target');
      const history = await ctx.sfn.send(new GetExecutionHistoryCommand({ executionArn: outcome.executionArn, maxResults: 1000 }));
      counts.push(history.events!.length);
      types.push(history.events!.map((e) => `${e.type}`));
    }
    expect(counts[1], JSON.stringify(types)).toBe(counts[0]);
  });
});
