import { describe, expect, it } from 'vitest';
import { planDeployment } from '../../../shared/core/planner.ts';
import { parseRequest } from '../../../shared/core/validate.ts';
import { CODEDEPLOY_CONFIG_NAMES } from '../../../shared/core/strategies/codedeploy.ts';
import { HISTORY_BUDGET, STEP_FUNCTIONS_HISTORY_LIMIT, worstCaseHistoryEvents } from '../../../shared/core/history-budget.ts';
import type { PlanStep } from '../../../shared/core/model/plan.ts';
import { rejected } from '../../support/rejected.ts';

const base = { functionName: 'orders', alias: 'live', targetVersion: '2' };
const events = (strategy: unknown, extra: Record<string, unknown> = {}) => {
  const request = parseRequest({ ...base, strategy, ...extra });
  const plan = planDeployment(request);
  return worstCaseHistoryEvents({ steps: plan.steps, beforeAllowTraffic: false, afterAllowTraffic: false, finalBake: false, windows: false });
};

describe('the history budget', () => {
  it('stays below Step Functions’ limit', () => {
    expect(HISTORY_BUDGET).toBeLessThan(STEP_FUNCTIONS_HISTORY_LIMIT);
  });

  it('fits every CodeDeploy configuration, and the longest time-based ones, with room to spare', () => {
    for (const name of CODEDEPLOY_CONFIG_NAMES) expect(events(name), name).toBeLessThan(2_000);
    expect(events({ type: 'TimeBasedLinear', percentage: 1, intervalMinutes: 5309 })).toBeLessThan(HISTORY_BUDGET);
    expect(events({ type: 'TimeBasedLinear', percentage: 10, intervalMinutes: 288 })).toBeLessThan(2_000); // 48 hours
    expect(events({ steps: [{ setWeight: 10 }, { bake: '168h' }] })).toBe(events({ steps: [{ setWeight: 10 }, { bake: '1m' }] }));
  });

  it('grows with the steps, not with their length', () => {
    const short: PlanStep[] = [{ setWeight: 10 }, { bake: 60 }];
    const long: PlanStep[] = [{ setWeight: 10 }, { bake: 31_000_000 }];
    const shape = { beforeAllowTraffic: false, afterAllowTraffic: false, finalBake: false, windows: false };
    expect(worstCaseHistoryEvents({ ...shape, steps: long })).toBe(worstCaseHistoryEvents({ ...shape, steps: short }));
    expect(worstCaseHistoryEvents({ ...shape, steps: [...short, { setWeight: 20 }, { bake: 60 }] })).toBeGreaterThan(worstCaseHistoryEvents({ ...shape, steps: short }));
  });

  it('refuses a plan that could exceed it, naming the field, the limit and the plan’s figure', () => {
    const steps = Array.from({ length: 99 }, (_, i) => [{ setWeight: i + 1 }, { bake: '1m' }, { bake: '1m' }, { bake: '1m' }, { bake: '1m' }, { approval: {} }]).flat();
    const error = rejected(() => planDeployment(parseRequest({ ...base, strategy: { steps } })));
    expect(error.field).toBe('strategy');
    expect(error.message).toMatch(/could write up to \d+ execution history events; Step Functions fails an execution at 25000 and Glidepath keeps to 24000/);
  });
});

describe('alarmPolicy.checkIntervalSeconds', () => {
  it('is accepted, has no effect, and the plan says it is deprecated', () => {
    const plan = planDeployment(parseRequest({ ...base, strategy: 'Canary10Percent5Minutes', alarmPolicy: { checkIntervalSeconds: 10 } }));
    expect(plan.warnings).toEqual([expect.stringMatching(/^alarmPolicy\.checkIntervalSeconds is deprecated and has no effect: an alarm ends a wait/)]);
    expect(plan.steps).toEqual(planDeployment(parseRequest({ ...base, strategy: 'Canary10Percent5Minutes' })).steps);
  });
});
