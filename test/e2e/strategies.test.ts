/**
 * Every strategy end to end on the local engine: the nine CodeDeploy configurations (short and
 * `CodeDeployDefault.Lambda…` names), a custom TimeBasedCanary and TimeBasedLinear, and an
 * explicit step list with a pause (released by resume) and an approval (released by approve).
 * Each deployment is started through the Step Functions API as the CLI does, and ends with the
 * terminal invariant and the exact weights over time, spaced by the bakes on the engine's clock.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from './support/app.ts';
import { control, deploy, requestFor, startDeployment, waitForEnd, waitForRecord } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { expectSucceeded, expectTerminalInvariant, expectWeightsOverTime, gapsOf } from './support/expect.ts';

const SPEED = 2000;
const ctx = useEngine({ speed: SPEED });

/** Simulated seconds a gap may exceed its bake by: handler time × speed (≈ 15 ms real). */
const SLACK = 150;

const linear = (step: number, minutes: number) => {
  const weights = [0];
  for (let w = step; w < 100; w += step) weights.push(w);
  weights.push(100);
  // 0 → first weight: no bake; then one bake after every weight below 100.
  return { weights, bakes: [0, ...weights.slice(1, -1).map(() => minutes * 60)] };
};
const canary = (percent: number, minutes: number) => ({ weights: [0, percent, 100], bakes: [0, minutes * 60] });

const CONFIGS: [string, { weights: number[]; bakes: number[] }][] = [
  ['Canary10Percent5Minutes', canary(10, 5)],
  ['Canary10Percent10Minutes', canary(10, 10)],
  ['Canary10Percent15Minutes', canary(10, 15)],
  ['Canary10Percent30Minutes', canary(10, 30)],
  ['Linear10PercentEvery1Minute', linear(10, 1)],
  ['Linear10PercentEvery2Minutes', linear(10, 2)],
  ['Linear10PercentEvery3Minutes', linear(10, 3)],
  ['Linear10PercentEvery10Minutes', linear(10, 10)],
  ['AllAtOnce', { weights: [0, 100], bakes: [0] }],
];

describe('the nine CodeDeploy configurations', () => {
  for (const [name, expected] of CONFIGS) {
    for (const strategy of [name, `CodeDeployDefault.Lambda${name}`]) {
      it(`${strategy}: weights ${expected.weights.join(',')}, alias on the target with no weights`, async () => {
        const app = await createApp(ctx.lambda, 'cfg');
        const outcome = await deploy(ctx, app, { strategy });
        console.log(strategy, Math.round(outcome.ms), 'ms', gapsOf(outcome.record).map((g, i) => Math.round(g - expected.bakes[i]!)).join(','));
        expectSucceeded(outcome);
        await expectTerminalInvariant(ctx, app, outcome, 'target');
        expectWeightsOverTime(outcome.record, expected.weights, expected.bakes, SLACK);
        console.log(strategy, Math.round(outcome.ms), 'ms', gapsOf(outcome.record).map(Math.round).join(','));
      });
    }
  }
});

describe('custom time-based strategies', () => {
  it('TimeBasedCanary 25% for 7 minutes: [0,25,100], 420 s apart', async () => {
    const app = await createApp(ctx.lambda, 'tbc');
    const outcome = await deploy(ctx, app, { strategy: { type: 'TimeBasedCanary', percentage: 25, intervalMinutes: 7 } });
    expectSucceeded(outcome);
    await expectTerminalInvariant(ctx, app, outcome, 'target');
    expectWeightsOverTime(outcome.record, [0, 25, 100], [0, 420], SLACK);
  });

  it('TimeBasedLinear 30% every 2 minutes: [0,30,60,90,100]', async () => {
    const app = await createApp(ctx.lambda, 'tbl');
    const outcome = await deploy(ctx, app, { strategy: { type: 'TimeBasedLinear', percentage: 30, intervalMinutes: 2 } });
    expectSucceeded(outcome);
    await expectTerminalInvariant(ctx, app, outcome, 'target');
    expectWeightsOverTime(outcome.record, [0, 30, 60, 90, 100], [0, 120, 120, 120], SLACK);
  });
});

describe('an explicit step list', () => {
  it('setWeight 5, bake, pause (released by resume), setWeight 50, approval (released by approve), 100', async () => {
    const app = await createApp(ctx.lambda, 'steps');
    const steps = [{ setWeight: 5 }, { bake: '2m' }, { pause: {} }, { setWeight: 50 }, { bake: 60 }, { approval: {} }, { setWeight: 100 }];
    const started = await startDeployment(ctx, requestFor(app, { strategy: { steps } }));

    const paused = await waitForRecord(ctx, started, 'waiting at the pause', (r) => r.waitToken?.kind === 'pause');
    expect(paused.weight).toBe(5);
    expect(paused.waitToken?.stepIndex).toBe(2);
    // An approve does not end a pause step.
    await expect(control(ctx, started.deploymentId, 'approve')).resolves.toMatchObject({ released: undefined });
    const resumed = await control(ctx, started.deploymentId, 'resume');
    expect(resumed.released).toBe('next');

    const waiting = await waitForRecord(ctx, started, 'waiting for approval', (r) => r.waitToken?.kind === 'approval');
    expect(waiting.weight).toBe(50);
    const approved = await control(ctx, started.deploymentId, 'approve');
    expect(approved.released).toBe('next');

    const outcome = await waitForEnd(ctx, started, app);
    expectSucceeded(outcome);
    await expectTerminalInvariant(ctx, app, outcome, 'target');
    expect(outcome.record!.weights.map((w) => w.weight)).toEqual([0, 5, 50, 100]);
    // 5% → 50%: at least the 2-minute bake plus however long the pause held; 50% → 100%: the bake and the approval.
    const [, toFifty, toFull] = gapsOf(outcome.record);
    expect(toFifty).toBeGreaterThanOrEqual(120);
    expect(toFull).toBeGreaterThanOrEqual(60);
    const types = outcome.record!.events.map((e) => e.type);
    expect(types.filter((t) => t === 'Released')).toHaveLength(2);
  });
});
