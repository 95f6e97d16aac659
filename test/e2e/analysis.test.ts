/**
 * Analysis on the local engine, in virtual time, with traffic on the alias and no alarm defined:
 * a target worse than the current version is rolled back with ANALYSIS_FAILED, a good one goes
 * on, the current version's own errors never fail the target, no traffic applies the
 * inconclusive policy, a custom metric check judges what the function emits, and analysis off
 * writes no verdicts.
 */
import { describe, expect, it } from 'vitest';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { createApp, type App } from './support/app.ts';
import { control, requestFor, startDeployment, waitForEnd, waitForRecord, type Outcome } from './support/deploy.ts';
import { useEngine, type E2E } from './support/engine.ts';
import { expectFailed, expectSucceeded, expectTerminalInvariant } from './support/expect.ts';
import { createTrafficApp, startTraffic, type VersionProfile } from './support/traffic.ts';

const ctx = useEngine({ speed: 'max' });

const CANARY = { steps: [{ setWeight: 10 }, { bake: '15m' }] };
const RATE = 300;

/** Versions 1 (current) and 2 (target) failing calls at these rates, drawn per call from a fixed seed. */
async function deployUnderTraffic(ctx: E2E, errorRates: [number, number], extra: Record<string, unknown>, perMinute = RATE): Promise<Outcome & { app: App }> {
  const profiles: VersionProfile[] = errorRates.map((errorRate) => ({ errorRate }));
  const app = await createTrafficApp(ctx.lambda, 'analysis', profiles, { seed: 7 });
  const traffic = perMinute > 0 ? startTraffic(ctx.lambda, ctx.engine.clock, app, perMinute) : undefined;
  try {
    const started = await startDeployment(ctx, requestFor(app, { strategy: CANARY, ...extra }));
    return { ...(await waitForEnd(ctx, started, app, 60_000)), app };
  } finally {
    await traffic?.stop();
  }
}

describe('default analysis, no alarm, no setting', () => {
  it('a target failing 5% of calls against 0.5% at 10% weight is rolled back with ANALYSIS_FAILED', async () => {
    const outcome = await deployUnderTraffic(ctx, [0.005, 0.05], {});
    expectFailed(outcome, 'ANALYSIS_FAILED');
    expect(outcome.cause).toMatch(/^errorRate: target \d+(\.\d+)?% \(\d+\/\d+\) vs current \d+(\.\d+)?% \(\d+\/\d+\), tolerance \+\S+ → Fail \(1\/1\)$/);
    expect(outcome.record?.analysis?.failure?.check).toBe('errorRate');
    expect(outcome.record?.analysis?.lastVerdicts.find((v) => v.check === 'errorRate')?.outcome).toBe('Fail');
    await expectTerminalInvariant(ctx, outcome.app, outcome, 'current');
  }, 180_000);

  it('an identical target succeeds, every verdict a Pass or Inconclusive', async () => {
    const outcome = await deployUnderTraffic(ctx, [0.005, 0.005], {});
    expectSucceeded(outcome);
    expect(outcome.record?.analysis?.lastVerdicts.map((v) => v.outcome)).toEqual(['Pass', 'Pass']);
  }, 180_000);

  it("the current version's errors alone never fail the target", async () => {
    const outcome = await deployUnderTraffic(ctx, [0.1, 0], {});
    expectSucceeded(outcome);
    expect(outcome.record?.analysis?.lastVerdicts.find((v) => v.check === 'errorRate')?.outcome).toBe('Pass');
  }, 180_000);
});

describe('the inconclusive policy', () => {
  it('with no traffic, the bake ends inconclusive and proceeds with a warning (the default)', async () => {
    const outcome = await deployUnderTraffic(ctx, [0, 0], {}, 0);
    expectSucceeded(outcome);
    const warning = outcome.record?.events.find((e) => e.type === 'AnalysisInconclusive');
    expect(warning?.message).toBe('the analysis is inconclusive at the end of step 1: proceeding');
  }, 180_000);

  it('onInconclusive: pause holds the deployment for an operator', async () => {
    const app = await createApp(ctx.lambda, 'analysis-pause', ['ok', 'ok']);
    const started = await startDeployment(ctx, requestFor(app, { strategy: CANARY, analysis: { onInconclusive: 'pause' } }));
    const paused = await waitForRecord(ctx, started, 'paused by the analysis', (r) => r.status === 'Paused', 60_000);
    expect(paused.weight).toBe(10);
    expect(paused.events.map((e) => e.message)).toContain('the analysis is inconclusive at the end of step 1: paused for an operator (resume, promote or abort)');
    await control(ctx, started.deploymentId, 'resume');
    const outcome = await waitForEnd(ctx, started, app, 60_000);
    expectSucceeded(outcome);
    expect(outcome.record?.events.map((e) => e.message)).toContain('the analysis is inconclusive at the end of step 1; resumed by an operator');
  }, 120_000);
});

describe('a custom check', () => {
  it('judges a metric the function emits with a version dimension, lower is worse', async () => {
    const app = await createApp(ctx.lambda, 'analysis-custom', ['ok', 'ok']);
    const metric = { namespace: 'Orders', metricName: 'CheckoutsCompleted', dimensions: { version: '${version}', function: '${function}' }, stat: 'Sum' };
    const request = requestFor(app, {
      strategy: CANARY,
      analysis: { checks: { errorRate: { enabled: false }, p99Duration: { enabled: false } }, custom: [{ name: 'checkouts', direction: 'lowerIsWorse', metric, tolerance: { relative: 0.5 } }] },
    });
    // What the function's EMF would publish, for the next 30 minutes: each minute the current version
    // completes 90 checkouts and the target (at 10 %) 1, where 10 were expected.
    const now = ctx.engine.clock.now();
    const datum = (version: string, value: number, minute: number) => ({
      MetricName: 'CheckoutsCompleted',
      Dimensions: [{ Name: 'version', Value: version }, { Name: 'function', Value: app.functionName }],
      Value: value,
      Timestamp: new Date(now + minute * 60_000),
    });
    // One call: in virtual time the clock moves on whenever the test waits between calls.
    const minutes = Array.from({ length: 30 }, (_, minute) => minute);
    await ctx.cloudwatch.send(new PutMetricDataCommand({ Namespace: 'Orders', MetricData: minutes.flatMap((minute) => [datum(app.versions[0]!, 90, minute), datum(app.versions[1]!, 1, minute)]) }));
    const started = await startDeployment(ctx, request);
    const outcome = await waitForEnd(ctx, started, app, 60_000);
    expectFailed(outcome, 'ANALYSIS_FAILED');
    expect(outcome.cause).toMatch(/^checkouts: /);
  }, 180_000);
});

describe('analysis off', () => {
  it('writes no verdicts and never fails the target', async () => {
    const outcome = await deployUnderTraffic(ctx, [0.005, 0.05], { analysis: { enabled: false } });
    expectSucceeded(outcome);
    expect(outcome.record?.analysis).toBeUndefined();
  }, 180_000);
});
