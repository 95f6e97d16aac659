import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { judgeValue } from '../../../../shared/core/analysis/judge.ts';

const p99 = { name: 'p99Duration', tolerance: { relative: 0.25, absolute: 50 }, minSamples: 30, direction: 'higherIsWorse' as const };

describe('judgeValue', () => {
  it('fails a p99 beyond the tolerance, with the fixed message', () => {
    const j = judgeValue(p99, { value: 812, samples: 1200 }, { value: 240, samples: 10_800 });
    expect(j.outcome).toBe('Fail');
    expect(j.message).toBe('p99Duration: target 812ms vs current 240ms (1200/10800 samples), tolerance +25% → Fail (1/1)');
    expect(j).toMatchObject({ target: 812, current: 240 });
  });

  it('at the boundary: allowed = max(current × 1.25, current + 50 ms), equal passes, just above fails', () => {
    // current 100 ms: allowed = max(125, 150) = 150 ms, the absolute part binds.
    expect(judgeValue(p99, { value: 150, samples: 100 }, { value: 100, samples: 900 }).outcome).toBe('Pass');
    const j = judgeValue(p99, { value: 150.5, samples: 100 }, { value: 100, samples: 900 });
    expect(j.outcome).toBe('Fail');
    expect(j.message).toContain('tolerance +50ms');
    // current 400 ms: allowed = max(500, 450) = 500 ms.
    expect(judgeValue(p99, { value: 500, samples: 100 }, { value: 400, samples: 900 }).outcome).toBe('Pass');
    expect(judgeValue(p99, { value: 501, samples: 100 }, { value: 400, samples: 900 }).outcome).toBe('Fail');
  });

  it('mirrors the tolerance for lowerIsWorse', () => {
    const orders = { name: 'ordersPlaced', tolerance: { relative: 0.1, absolute: 0 }, minSamples: 1, direction: 'lowerIsWorse' as const };
    expect(judgeValue(orders, { value: 90, samples: 5 }, { value: 100, samples: 5 }).outcome).toBe('Pass');
    const j = judgeValue(orders, { value: 89, samples: 5 }, { value: 100, samples: 5 });
    expect(j.outcome).toBe('Fail');
    expect(j.message).toBe('ordersPlaced: target 89 vs current 100 (5/5 samples), tolerance -10% → Fail (1/1)');
    expect(judgeValue(orders, { value: 200, samples: 5 }, { value: 100, samples: 5 }).outcome).toBe('Pass');
  });

  it('is Inconclusive below min samples or with a value missing', () => {
    expect(judgeValue(p99, { value: 812, samples: 29 }, { value: 240, samples: 10_800 }).message).toBe(
      'p99Duration: target 812ms vs current 240ms (29/10800 samples), fewer than 30 samples → Inconclusive (0/1)',
    );
    expect(judgeValue(p99, { value: undefined, samples: 0 }, { value: 240, samples: 10_800 }).message).toBe(
      'p99Duration: target no value vs current 240ms (0/10800 samples), fewer than 30 samples → Inconclusive (0/1)',
    );
    expect(judgeValue(p99, { value: 812, samples: 100 }, { value: undefined, samples: 100 }).outcome).toBe('Inconclusive');
  });

  it('identical values never Fail; Inconclusive exactly below min samples', () => {
    const value = fc.record({ value: fc.double({ min: 0, max: 1e6, noNaN: true }), samples: fc.integer({ min: 0, max: 1000 }) });
    fc.assert(fc.property(value, fc.constantFrom('higherIsWorse' as const, 'lowerIsWorse' as const), (v, direction) => judgeValue({ ...p99, direction }, v, v).outcome !== 'Fail'));
    fc.assert(
      fc.property(value, value, (t, c) => (judgeValue(p99, t, c).outcome === 'Inconclusive') === (t.samples < 30 || c.samples < 30)),
    );
  });
});
