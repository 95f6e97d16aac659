import { describe, expect, it } from 'vitest';
import { compileStrategy } from '../../shared/core/strategies/index.ts';
import { CODEDEPLOY_CONFIG_NAMES } from '../../shared/core/strategies/codedeploy.ts';
import { rejected } from '../support/rejected.ts';
import type { PlanStep } from '../../shared/core/model/plan.ts';

/** Linear steps written out the long way: weight, bake, weight, bake, …, 100. */
function linear(weights: number[], bake: number): PlanStep[] {
  return [...weights.flatMap((w) => [{ setWeight: w }, { bake }]), { setWeight: 100 }];
}

const TENS = [10, 20, 30, 40, 50, 60, 70, 80, 90];

const EXPECTED: Record<string, PlanStep[]> = {
  Canary10Percent5Minutes: [{ setWeight: 10 }, { bake: 300 }, { setWeight: 100 }],
  Canary10Percent10Minutes: [{ setWeight: 10 }, { bake: 600 }, { setWeight: 100 }],
  Canary10Percent15Minutes: [{ setWeight: 10 }, { bake: 900 }, { setWeight: 100 }],
  Canary10Percent30Minutes: [{ setWeight: 10 }, { bake: 1800 }, { setWeight: 100 }],
  Linear10PercentEvery1Minute: linear(TENS, 60),
  Linear10PercentEvery2Minutes: linear(TENS, 120),
  Linear10PercentEvery3Minutes: linear(TENS, 180),
  Linear10PercentEvery10Minutes: linear(TENS, 600),
  AllAtOnce: [{ setWeight: 100 }],
};

describe('CodeDeploy configurations', () => {
  it('knows exactly the nine Lambda configurations', () => {
    expect([...CODEDEPLOY_CONFIG_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('writes Linear10PercentEvery1Minute out as nine shifts of 10% with a minute between each, then 100%', () => {
    expect(compileStrategy('Linear10PercentEvery1Minute').steps).toEqual([
      { setWeight: 10 }, { bake: 60 }, { setWeight: 20 }, { bake: 60 }, { setWeight: 30 }, { bake: 60 },
      { setWeight: 40 }, { bake: 60 }, { setWeight: 50 }, { bake: 60 }, { setWeight: 60 }, { bake: 60 },
      { setWeight: 70 }, { bake: 60 }, { setWeight: 80 }, { bake: 60 }, { setWeight: 90 }, { bake: 60 },
      { setWeight: 100 },
    ]);
  });

  for (const [name, steps] of Object.entries(EXPECTED)) {
    it(`compiles ${name} by short name`, () => {
      expect(compileStrategy(name)).toEqual({ strategy: name, steps, warnings: [] });
    });
    it(`compiles CodeDeployDefault.Lambda${name} to the same steps under the short name`, () => {
      expect(compileStrategy(`CodeDeployDefault.Lambda${name}`)).toEqual({ strategy: name, steps, warnings: [] });
    });
  }

  it('matches names without regard to case', () => {
    expect(compileStrategy('codedeploydefault.lambdacanary10percent5minutes').strategy).toBe('Canary10Percent5Minutes');
    expect(compileStrategy('allatonce').strategy).toBe('AllAtOnce');
  });

  it('accepts {"type":"AllAtOnce"}', () => {
    expect(compileStrategy({ type: 'AllAtOnce' })).toEqual({ strategy: 'AllAtOnce', steps: [{ setWeight: 100 }], warnings: [] });
  });

  it('rejects an unknown name, naming the field and listing the accepted names', () => {
    const error = rejected(() => compileStrategy('Canary20Percent5Minutes'));
    expect(error.code).toBe('INVALID_DEPLOYMENT_CONFIG');
    expect(error.field).toBe('strategy');
    for (const name of CODEDEPLOY_CONFIG_NAMES) expect(error.message).toContain(name);
    expect(error.message).toMatch(/got "Canary20Percent5Minutes"$/);
  });
});

describe('time-based canary', () => {
  it('1% for 1 minute', () => {
    expect(compileStrategy({ type: 'TimeBasedCanary', percentage: 1, intervalMinutes: 1 })).toEqual({
      strategy: 'TimeBasedCanary1Percent1Minute',
      steps: [{ setWeight: 1 }, { bake: 60 }, { setWeight: 100 }],
      warnings: [],
    });
  });

  it('99% for 7 minutes', () => {
    expect(compileStrategy({ type: 'TimeBasedCanary', percentage: 99, intervalMinutes: 7 })).toEqual({
      strategy: 'TimeBasedCanary99Percent7Minutes',
      steps: [{ setWeight: 99 }, { bake: 420 }, { setWeight: 100 }],
      warnings: [],
    });
  });

  it('allows exactly 2880 minutes without a warning and warns above it', () => {
    expect(compileStrategy({ type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 2880 }).warnings).toEqual([]);
    const over = compileStrategy({ type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 2881 });
    expect(over.steps).toEqual([{ setWeight: 10 }, { bake: 2881 * 60 }, { setWeight: 100 }]);
    expect(over.warnings).toHaveLength(1);
    expect(over.warnings[0]).toContain('2881 minutes');
    expect(over.warnings[0]).toContain("CodeDeploy's 2880-minute limit");
  });

  it('reads its own plan name back', () => {
    const byName = compileStrategy('TimeBasedCanary15Percent20Minutes');
    expect(byName).toEqual(compileStrategy({ type: 'TimeBasedCanary', percentage: 15, intervalMinutes: 20 }));
    expect(byName.steps).toEqual([{ setWeight: 15 }, { bake: 1200 }, { setWeight: 100 }]);
  });
});

describe('time-based linear', () => {
  it('30% every 2 minutes → 30/60/90/100 with a bake between each', () => {
    expect(compileStrategy({ type: 'TimeBasedLinear', percentage: 30, intervalMinutes: 2 })).toEqual({
      strategy: 'TimeBasedLinear30PercentEvery2Minutes',
      steps: [{ setWeight: 30 }, { bake: 120 }, { setWeight: 60 }, { bake: 120 }, { setWeight: 90 }, { bake: 120 }, { setWeight: 100 }],
      warnings: [],
    });
  });

  it('50% → 50 then 100 (the next weight would reach 100)', () => {
    expect(compileStrategy({ type: 'TimeBasedLinear', percentage: 50, intervalMinutes: 1 }).steps).toEqual([
      { setWeight: 50 }, { bake: 60 }, { setWeight: 100 },
    ]);
  });

  it('99% → 99 then 100', () => {
    expect(compileStrategy({ type: 'TimeBasedLinear', percentage: 99, intervalMinutes: 1 }).steps).toEqual([
      { setWeight: 99 }, { bake: 60 }, { setWeight: 100 },
    ]);
  });

  it('1% → 99 shifts of 1% and 99 bakes, then 100', () => {
    const { steps, warnings } = compileStrategy({ type: 'TimeBasedLinear', percentage: 1, intervalMinutes: 1 });
    expect(steps).toHaveLength(199);
    expect(steps.filter((s) => 'setWeight' in s).map((s) => (s as { setWeight: number }).setWeight)).toEqual([
      ...Array.from({ length: 99 }, (_, i) => i + 1),
      100,
    ]);
    expect(steps.filter((s) => 'bake' in s)).toHaveLength(99);
    expect(warnings).toEqual([]);
  });

  it('warns when the shifting time exceeds 2880 minutes (1% every 30 minutes = 2970)', () => {
    const { warnings } = compileStrategy({ type: 'TimeBasedLinear', percentage: 1, intervalMinutes: 30 });
    expect(warnings).toEqual([expect.stringContaining('2970 minutes')]);
    // 10% every 320 minutes is 9 × 320 = 2880: exactly the limit
    expect(compileStrategy({ type: 'TimeBasedLinear', percentage: 10, intervalMinutes: 320 }).warnings).toEqual([]);
    expect(compileStrategy({ type: 'TimeBasedLinear', percentage: 10, intervalMinutes: 321 }).warnings).toHaveLength(1);
  });

  it('reads its own plan name back', () => {
    expect(compileStrategy('TimeBasedLinear20PercentEvery1Minute').strategy).toBe('TimeBasedLinear20PercentEvery1Minute');
  });
});

describe('time-based rejections', () => {
  const cases: [string, number, number, string, string][] = [
    ['percentage 0', 0, 5, 'strategy.percentage', 'strategy.percentage: must be an integer from 1 to 99, got 0'],
    ['percentage 100', 100, 5, 'strategy.percentage', 'strategy.percentage: must be an integer from 1 to 99, got 100'],
    ['percentage 150', 150, 5, 'strategy.percentage', 'strategy.percentage: must be an integer from 1 to 99, got 150'],
    ['percentage 1.5', 1.5, 5, 'strategy.percentage', 'strategy.percentage: must be an integer from 1 to 99, got 1.5'],
    ['percentage -10', -10, 5, 'strategy.percentage', 'strategy.percentage: must be an integer from 1 to 99, got -10'],
    ['minutes 0', 10, 0, 'strategy.intervalMinutes', 'strategy.intervalMinutes: must be an integer from 1 to 525600 (one year), got 0'],
    ['minutes above a year', 10, 525601, 'strategy.intervalMinutes', 'strategy.intervalMinutes: must be an integer from 1 to 525600 (one year), got 525601'],
    ['minutes 2.5', 10, 2.5, 'strategy.intervalMinutes', 'strategy.intervalMinutes: must be an integer from 1 to 525600 (one year), got 2.5'],
  ];
  for (const type of ['TimeBasedCanary', 'TimeBasedLinear'] as const) {
    for (const [label, percentage, intervalMinutes, field, message] of cases) {
      it(`${type}: rejects ${label}`, () => {
        const error = rejected(() => compileStrategy({ type, percentage, intervalMinutes }));
        expect(error.code).toBe('INVALID_DEPLOYMENT_CONFIG');
        expect(error.field).toBe(field);
        expect(error.message).toBe(message);
      });
    }
  }

  it('rejects a time-based name whose numbers break the rules', () => {
    expect(rejected(() => compileStrategy('TimeBasedCanary0Percent5Minutes')).field).toBe('strategy.percentage');
    expect(rejected(() => compileStrategy('TimeBasedLinear10PercentEvery0Minutes')).field).toBe('strategy.intervalMinutes');
  });
});
