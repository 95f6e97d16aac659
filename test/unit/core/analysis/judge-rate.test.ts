import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import jStat from 'jstat';
import { allowedRate, exceedancePValue, judgeRate, upperRateBound } from '../../../../shared/core/analysis/judge.ts';

const check = { name: 'errorRate', tolerance: { relative: 0.5, absolute: 0.005 }, minSamples: 50, confidence: 0.99 };

describe('judgeRate', () => {
  it('fails a target clearly worse than the allowed rate, with the fixed message', () => {
    const j = judgeRate(check, { errors: 24, invocations: 500 }, { errors: 9, invocations: 4500 });
    expect(j.outcome).toBe('Fail');
    expect(j.message).toBe('errorRate: target 4.8% (24/500) vs current 0.2% (9/4500), tolerance +0.5pp → Fail (1/1)');
    expect(j.target).toBeCloseTo(0.048);
    expect(j.current).toBeCloseTo(0.002);
    // What is left of the 1 % level after the 0.2 % spent on the current rate's confidence set.
    expect(j.pValue).toBeGreaterThanOrEqual(0.002);
    expect(j.pValue).toBeLessThan(0.0021);
  });

  it('names the relative part of the tolerance when it binds', () => {
    // current 4 %: 4 % × 1.5 = 6 % > 4 % + 0.5pp.
    const j = judgeRate(check, { errors: 60, invocations: 500 }, { errors: 180, invocations: 4500 });
    expect(j.message).toBe('errorRate: target 12% (60/500) vs current 4% (180/4500), tolerance +50% → Fail (1/1)');
  });

  it('passes a target within the tolerance even with many samples', () => {
    // allowed = max(0.3 %, 0.7 %) = 0.7 %; target 0.6 %.
    const j = judgeRate(check, { errors: 60, invocations: 10_000 }, { errors: 180, invocations: 90_000 });
    expect(j.outcome).toBe('Pass');
    expect(j.message).toBe('errorRate: target 0.6% (60/10000) vs current 0.2% (180/90000), tolerance +0.5pp → Pass (0/1)');
  });

  it('passes a target above the allowed rate when the excess is not significant', () => {
    // allowed at the estimate 1 %; target 2/100 = 2 %: P(X ≥ 2 | 100, 1 %) ≈ 0.26 alone.
    const j = judgeRate(check, { errors: 2, invocations: 100 }, { errors: 45, invocations: 9000 });
    expect(j.outcome).toBe('Pass');
    // Berger–Boos: the tail at the allowed rate of the current's upper 99.8 % bound, plus 0.002.
    const upper = jStat.beta.inv(0.998, 46, 8955);
    expect(upper).toBeGreaterThan(0.005);
    expect(j.pValue).toBeCloseTo(1 - Math.pow(1 - (upper + 0.005), 100) - 100 * (upper + 0.005) * Math.pow(1 - (upper + 0.005), 99) + 0.002, 9);
  });

  it('counts the current rate as an estimate: the same rate on fewer invocations fails less readily', () => {
    const target = { errors: 6, invocations: 300 };
    const many = judgeRate(check, target, { errors: 0, invocations: 90_000 });
    const few = judgeRate(check, target, { errors: 0, invocations: 300 });
    expect(many.outcome).toBe('Fail');
    expect(few.outcome).toBe('Pass');
    expect(few.pValue!).toBeGreaterThan(many.pValue!);
    expect(upperRateBound(0, 300, 0.002)).toBeCloseTo(1 - Math.pow(0.002, 1 / 300), 9);
  });

  it('at the tolerance boundary: exactly the allowed rate never fails, just above with enough samples does', () => {
    // current 1 %: allowed = max(1.5 %, 1.5 %) = 1.5 %.
    const current = { errors: 900, invocations: 90_000 };
    expect(judgeRate(check, { errors: 150, invocations: 10_000 }, current).outcome).toBe('Pass');
    expect(judgeRate(check, { errors: 2_000, invocations: 100_000 }, current).outcome).toBe('Fail');
  });

  it('is Inconclusive below min samples on either side, saying why', () => {
    expect(judgeRate(check, { errors: 0, invocations: 0 }, { errors: 9, invocations: 4500 }).message).toBe(
      'errorRate: target 0 invocations (min 50) vs current 0.2% (9/4500) → Inconclusive (0/1)',
    );
    const j = judgeRate(check, { errors: 24, invocations: 500 }, { errors: 1, invocations: 49 });
    expect(j.outcome).toBe('Inconclusive');
    expect(j.message).toBe('errorRate: target 4.8% (24/500) vs current 49 invocations (min 50) → Inconclusive (0/1)');
    expect(judgeRate(check, { errors: 24, invocations: 50 }, { errors: 1, invocations: 50 }).outcome).toBe('Fail');
  });

  it('refuses bad counts naming the field and the rule', () => {
    expect(() => judgeRate(check, { errors: 5, invocations: 4 }, { errors: 0, invocations: 100 })).toThrow('errorRate: target.errors must be a number from 0 to invocations (4), got 5');
    expect(() => judgeRate(check, { errors: 0, invocations: 100 }, { errors: 0, invocations: -1 })).toThrow('current.invocations must be a number ≥ 0');
    expect(() => judgeRate({ ...check, confidence: 1 }, { errors: 0, invocations: 100 }, { errors: 0, invocations: 100 })).toThrow('confidence must be between 0 and 1');
  });

  it('computes the exact binomial tail', () => {
    // P(X ≥ 4) = 1 - P(X ≤ 3), X ~ Binomial(10, 0.2); P(X ≤ 3) = 0.8791261184.
    expect(exceedancePValue(4, 10, 0.2)).toBeCloseTo(1 - 0.8791261184, 9);
    expect(exceedancePValue(0, 10, 0.2)).toBe(1);
    expect(allowedRate(0, { relative: 0.5, absolute: 0.005 })).toBe(0.005);
    expect(allowedRate(0.9, { relative: 0.5, absolute: 0.005 })).toBe(1);
  });
});

describe('judgeRate properties', () => {
  const sample = fc.integer({ min: 0, max: 20_000 }).chain((invocations) => fc.record({ invocations: fc.constant(invocations), errors: fc.integer({ min: 0, max: invocations }) }));
  const policy = fc.record({
    name: fc.constant('errorRate'),
    tolerance: fc.record({ relative: fc.double({ min: 0, max: 2, noNaN: true }), absolute: fc.double({ min: 0, max: 0.05, noNaN: true }) }),
    minSamples: fc.integer({ min: 1, max: 500 }),
    confidence: fc.double({ min: 0.5, max: 0.999, noNaN: true }),
  });

  it('identical samples never Fail', () => {
    fc.assert(fc.property(policy, sample, (p, s) => judgeRate(p, s, s).outcome !== 'Fail'));
  });

  it('more target errors never turn a Fail into a Pass', () => {
    fc.assert(
      fc.property(policy, sample, sample, fc.integer({ min: 0, max: 20_000 }), (p, target, current, more) => {
        const before = judgeRate(p, target, current).outcome;
        const after = judgeRate(p, { ...target, errors: Math.min(target.invocations, target.errors + more) }, current).outcome;
        return before !== 'Fail' || after === 'Fail';
      }),
    );
  });

  it('is Inconclusive exactly when a side is below min samples', () => {
    fc.assert(
      fc.property(policy, sample, sample, (p, target, current) => {
        const below = target.invocations < p.minSamples || current.invocations < p.minSamples;
        return (judgeRate(p, target, current).outcome === 'Inconclusive') === below;
      }),
    );
  });
});
