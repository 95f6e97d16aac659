import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyConsecutive, judgeRate, type Judgement, type Outcome } from '../../../../shared/core/analysis/judge.ts';

const check = { name: 'errorRate', tolerance: { relative: 0.5, absolute: 0.005 }, minSamples: 50, confidence: 0.99 };
const failing = judgeRate(check, { errors: 24, invocations: 500 }, { errors: 9, invocations: 4500 });
const passing = judgeRate(check, { errors: 1, invocations: 500 }, { errors: 9, invocations: 4500 });

describe('applyConsecutive', () => {
  it('fails only when the last N outcomes, the latest included, all failed', () => {
    const j = applyConsecutive(failing, ['Pass', 'Fail'], 2);
    expect(j.outcome).toBe('Fail');
    expect(j.message).toBe('errorRate: target 4.8% (24/500) vs current 0.2% (9/4500), tolerance +0.5pp → Fail (2/2)');
  });

  it('holds a first Fail as Inconclusive, its message counting the run', () => {
    const j = applyConsecutive(failing, ['Fail', 'Inconclusive'], 2);
    expect(j.outcome).toBe('Inconclusive');
    expect(j.message.endsWith('→ Fail (1/2)')).toBe(true);
    expect(j.pValue).toBe(failing.pValue);
  });

  it('leaves Pass and Inconclusive alone, resetting the count', () => {
    const j = applyConsecutive(passing, ['Fail', 'Fail'], 3);
    expect(j.outcome).toBe('Pass');
    expect(j.message.endsWith('→ Pass (0/3)')).toBe(true);
  });

  it('with failures 1 a Fail is a Fail at once', () => {
    expect(applyConsecutive(failing, [], 1)).toMatchObject({ outcome: 'Fail', message: expect.stringMatching(/→ Fail \(1\/1\)$/) });
  });

  it('refuses a failures count below 1', () => {
    expect(() => applyConsecutive(failing, [], 0)).toThrow('errorRate: failures must be a whole number ≥ 1, got 0');
  });

  it('Fail iff the latest and the last N-1 recent are Fail', () => {
    const outcome = fc.constantFrom<Outcome>('Pass', 'Fail', 'Inconclusive');
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 8 }), outcome, fc.integer({ min: 1, max: 5 }), (recent, latest, n) => {
        const judgement: Judgement = { check: 'x', outcome: latest, message: `x: something → ${latest} (0/1)` };
        const expected = latest === 'Fail' && recent.length >= n - 1 && recent.slice(recent.length - (n - 1)).every((o) => o === 'Fail');
        const got = applyConsecutive(judgement, recent, n);
        return (got.outcome === 'Fail') === expected && /→ \w+ \(\d+\/\d+\)$/.test(got.message) && got.message.startsWith('x: something → ');
      }),
    );
  });
});
