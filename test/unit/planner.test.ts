import { describe, expect, it } from 'vitest';
import { machinePlan, planDeployment, planPreview } from '../../shared/core/planner.ts';
import { parseRequest } from '../../shared/core/validate.ts';

const base = { functionName: 'orders', alias: 'live', currentVersion: '7', targetVersion: '8' };

describe('planDeployment', () => {
  it('produces the plan of the issue, field for field', () => {
    const request = parseRequest({
      ...base,
      strategy: 'Canary10Percent5Minutes',
      hooks: { beforeAllowTraffic: 'pre-fn', afterAllowTraffic: 'post-fn' },
      alarms: ['orders-5xx'],
    });
    expect(JSON.stringify(planDeployment(request))).toBe(
      '{"functionName":"orders","alias":"live","currentVersion":"7","targetVersion":"8",' +
        '"strategy":"Canary10Percent5Minutes","steps":[{"setWeight":10},{"bake":300},{"setWeight":100}],' +
        '"hooks":{"beforeAllowTraffic":"pre-fn","afterAllowTraffic":"post-fn"},"alarms":["orders-5xx"],"totalBakeSeconds":300}',
    );
  });

  it('leaves out what the input does not give', () => {
    const plan = planDeployment(parseRequest({ functionName: 'orders', alias: 'live', targetVersion: '8', strategy: 'AllAtOnce' }));
    expect(plan).toEqual({ functionName: 'orders', alias: 'live', targetVersion: '8', strategy: 'AllAtOnce', steps: [{ setWeight: 100 }], totalBakeSeconds: 0 });
    expect(Object.keys(plan)).not.toContain('hooks');
    expect(Object.keys(plan)).not.toContain('warnings');
  });

  it('inserts the per-step hook after every setWeight below 100', () => {
    const plan = planDeployment(parseRequest({ ...base, strategy: { type: 'TimeBasedLinear', percentage: 40, intervalMinutes: 1 }, hooks: { perStep: 'check' } }));
    expect(plan.steps).toEqual([
      { setWeight: 40 }, { hook: 'check' }, { bake: 60 },
      { setWeight: 80 }, { hook: 'check' }, { bake: 60 },
      { setWeight: 100 },
    ]);
    expect(plan.hooks).toEqual({ perStep: 'check' });
  });

  it('carries the 2880-minute warning', () => {
    const plan = planDeployment(parseRequest({ ...base, strategy: { type: 'TimeBasedCanary', percentage: 5, intervalMinutes: 3000 } }));
    expect(plan.strategy).toBe('TimeBasedCanary5Percent3000Minutes');
    expect(plan.totalBakeSeconds).toBe(180000);
    expect(plan.warnings).toEqual(["traffic shifting takes 3000 minutes, which exceeds CodeDeploy's 2880-minute limit (Glidepath allows it)"]);
  });

  it('rejects waits that add up to more than a year, the longest a Step Functions execution runs', () => {
    // 99 bakes of 6000 minutes = 594000 minutes
    expect(() => planDeployment(parseRequest({ ...base, strategy: { type: 'TimeBasedLinear', percentage: 1, intervalMinutes: 5309 } }))).not.toThrow();
    expect(() => parseRequest({ ...base, strategy: { type: 'TimeBasedLinear', percentage: 1, intervalMinutes: 6000 } })).toThrow(
      'strategy: its bakes and timed pauses must add up to at most one year (31536000 seconds), the longest a Step Functions execution runs, got 35640000',
    );
    expect(() => parseRequest({ ...base, strategy: { steps: [{ bake: '8000h' }, { setWeight: 50 }, { pause: { duration: '1000h' } }] } })).toThrow(/^strategy: its bakes/);
  });

  it('does not change the request it is given', () => {
    const request = parseRequest({ ...base, strategy: { steps: [{ setWeight: 10 }, { bake: '1m' }] }, alarms: ['a'] });
    const copy = structuredClone(request);
    const plan = planDeployment(request);
    plan.alarms!.push('b');
    expect(request).toEqual(copy);
  });
});

describe('planPreview', () => {
  it('plans a strategy alone', () => {
    expect(planPreview({ strategy: 'Linear10PercentEvery10Minutes' })).toMatchObject({ strategy: 'Linear10PercentEvery10Minutes', totalBakeSeconds: 5400 });
    expect(Object.keys(planPreview({ strategy: 'AllAtOnce' }))).toEqual(['strategy', 'steps', 'totalBakeSeconds']);
  });
});

describe('machinePlan', () => {
  it('counts the steps, keeps before/after hooks only and applies the defaults', () => {
    const request = parseRequest({ ...base, strategy: 'Canary10Percent10Minutes', hooks: { beforeAllowTraffic: 'pre', perStep: 'check' } });
    expect(machinePlan(planDeployment(request), request)).toEqual({
      steps: [{ setWeight: 10 }, { hook: 'check' }, { bake: 600 }, { setWeight: 100 }],
      stepCount: 4,
      hooks: { beforeAllowTraffic: 'pre' },
      hookTimeoutSeconds: 3600,
      finalBakeSeconds: 0,
    });
  });

  it('takes hookTimeoutSeconds and finalBake from the request', () => {
    const request = parseRequest({ ...base, strategy: 'AllAtOnce', hookTimeoutSeconds: 120, finalBake: '1h30m', hooks: { afterAllowTraffic: 'post' } });
    const machine = machinePlan(planDeployment(request), request);
    expect(machine).toMatchObject({ stepCount: 1, hooks: { afterAllowTraffic: 'post' }, hookTimeoutSeconds: 120, finalBakeSeconds: 5400 });
  });
});
