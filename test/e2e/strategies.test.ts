/**
 * Every strategy end to end on the local engine: the nine CodeDeploy configurations (short and
 * `CodeDeployDefault.Lambda…` names), a custom TimeBasedCanary and TimeBasedLinear. Each
 * deployment is started through the Step Functions API as the CLI does and ends with the
 * terminal invariant and the exact weights over time, spaced by the bakes on the engine's clock.
 *
 * The clock runs on while handlers work (each Task is a few loopback AWS calls, ≈ 5–20 ms real),
 * so a recorded gap is its bake plus that real time × speed. At speed 10,000 (the nine
 * configurations in ≈ 10 s) a gap is checked to be never shorter than its bake; a slower clock
 * (speed 200) then shows the gaps equal to the bakes within a few simulated seconds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './support/app.ts';
import { deploy } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { expectSucceeded, expectTerminalInvariant, expectWeightsOverTime, weightsOf } from './support/expect.ts';

const SPEED = 10_000;
const ctx = useEngine({ speed: SPEED });

afterEach(() => {
  ctx.engine.clock.speed = SPEED;
});

interface Expected {
  weights: number[];
  /** Simulated seconds between consecutive weights: 0 before the first shift, then the bakes. */
  bakes: number[];
}

const canary = (percent: number, minutes: number): Expected => ({ weights: [0, percent, 100], bakes: [0, minutes * 60] });
const linear = (percent: number, minutes: number): Expected => {
  const weights = [0];
  for (let w = percent; w < 100; w += percent) weights.push(w);
  weights.push(100);
  return { weights, bakes: [0, ...weights.slice(1, -1).map(() => minutes * 60)] };
};

const CONFIGS: [string, Expected][] = [
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

/**
 * At speed 10,000 one real millisecond is 10 simulated seconds: the upper bound only catches a
 * gross error (a bake taken twice, minutes read as hours) — the slow-clock tests below are exact.
 */
const FAST_SLACK = 4_000;

describe('the nine CodeDeploy configurations, by short and by full name', () => {
  for (const [name, expected] of CONFIGS) {
    for (const strategy of [name, `CodeDeployDefault.Lambda${name}`]) {
      it(`${strategy}: weights ${expected.weights.join(',')}; the alias serves the target alone`, async () => {
        const app = await createApp(ctx.lambda, 'cfg');
        const outcome = await deploy(ctx, app, { strategy });
        expectSucceeded(outcome);
        await expectTerminalInvariant(ctx, app, outcome, 'target');
        expect(outcome.record!.plan.strategy).toBe(name);
        expectWeightsOverTime(outcome.record, expected.weights, expected.bakes, FAST_SLACK);
      });
    }
  }
});

describe('custom time-based strategies', () => {
  it('TimeBasedCanary 25% / 7 minutes: [0,25,100], 420 s apart', async () => {
    const app = await createApp(ctx.lambda, 'tbc');
    const outcome = await deploy(ctx, app, { strategy: { type: 'TimeBasedCanary', percentage: 25, intervalMinutes: 7 } });
    expectSucceeded(outcome);
    await expectTerminalInvariant(ctx, app, outcome, 'target');
    expectWeightsOverTime(outcome.record, [0, 25, 100], [0, 420], FAST_SLACK);
  });

  it('TimeBasedLinear 30% / 2 minutes: [0,30,60,90,100], 120 s apart', async () => {
    const app = await createApp(ctx.lambda, 'tbl');
    const outcome = await deploy(ctx, app, { strategy: { type: 'TimeBasedLinear', percentage: 30, intervalMinutes: 2 } });
    expectSucceeded(outcome);
    await expectTerminalInvariant(ctx, app, outcome, 'target');
    expectWeightsOverTime(outcome.record, [0, 30, 60, 90, 100], [0, 120, 120, 120], FAST_SLACK);
  });
});

describe('weights spaced by the bakes, on a slow clock', () => {
  /** Speed 200: a bake's checks are 50 ms real apart; 30 simulated seconds = 150 ms real of slack per step. */
  const SLOW = 200;
  const SLACK = 30;

  it('Canary10Percent5Minutes: 10% then 100% 300 s later (± handler time)', async () => {
    const app = await createApp(ctx.lambda, 'slow-canary');
    ctx.engine.clock.speed = SLOW;
    const outcome = await deploy(ctx, app, { strategy: 'Canary10Percent5Minutes' });
    expectSucceeded(outcome);
    await expectTerminalInvariant(ctx, app, outcome, 'target');
    expectWeightsOverTime(outcome.record, [0, 10, 100], [0, 300], SLACK);
  });

  it('TimeBasedLinear 20% / 1 minute: [0,20,40,60,80,100], each 60 s after the last', async () => {
    const app = await createApp(ctx.lambda, 'slow-linear');
    ctx.engine.clock.speed = SLOW;
    const outcome = await deploy(ctx, app, { strategy: { type: 'TimeBasedLinear', percentage: 20, intervalMinutes: 1 } });
    expectSucceeded(outcome);
    await expectTerminalInvariant(ctx, app, outcome, 'target');
    expect(weightsOf(outcome.record)).toEqual([0, 20, 40, 60, 80, 100]);
    expectWeightsOverTime(outcome.record, [0, 20, 40, 60, 80, 100], [0, 60, 60, 60, 60], SLACK);
  });
});
