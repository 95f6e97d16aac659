/**
 * The local engine's metric math: precedence, series aligned by timestamp, FILL over the
 * window's periods, SUM of an array, and clear errors for what it does not serve; and the
 * metric lag setting read from the environment.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluate, parseExpression, referencedIds, type MathValue } from '../../infra/local/endpoint/cloudwatch/metric-math.ts';
import { metricLagSeconds } from '../../infra/local/engine.ts';

const grid = [0, 60_000, 120_000];
const series = (pairs: Array<[number, number]>) => new Map(pairs);
const ids: Record<string, MathValue> = {
  a: series([[0, 2], [60_000, 4]]),
  b: series([[60_000, 2], [120_000, 8]]),
};
const run = (expression: string) => evaluate(parseExpression(expression), { expression, grid, resolve: (id) => ids[id]! });

describe('metric math', () => {
  it('keeps arithmetic precedence and parentheses on scalars', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100, max: 100 }), fc.integer({ min: -100, max: 100 }), fc.integer({ min: 1, max: 100 }), (x, y, z) => {
        expect(run(`${x} + ${y} * ${z}`)).toBe(x + y * z);
        expect(run(`(${x} + ${y}) / ${z}`)).toBeCloseTo((x + y) / z, 12);
        expect(run(`-(${x}) - ${y}`)).toBe(-x - y);
      }),
    );
  });

  it('aligns two series by timestamp, applies scalars to every point and drops division by zero', () => {
    expect([...(run('a / b') as Map<number, number>)]).toEqual([[60_000, 2]]);
    expect([...(run('100 * a') as Map<number, number>)]).toEqual([[0, 200], [60_000, 400]]);
    expect([...(run('a / (b - 2)') as Map<number, number>)]).toEqual([]);
  });

  it('fills the missing periods of the window and sums arrays of series', () => {
    expect([...(run('FILL(a, 0)') as Map<number, number>)]).toEqual([[0, 2], [60_000, 4], [120_000, 0]]);
    expect([...(run('SUM([a, b])') as Map<number, number>)]).toEqual([[0, 2], [60_000, 6], [120_000, 8]]);
    expect([...(run('fill(b, 1) / FILL(a, 1)') as Map<number, number>)]).toEqual([[0, 0.5], [60_000, 0.5], [120_000, 8]]);
    expect(referencedIds(parseExpression('SUM([a, b]) / FILL(a, 0)'))).toEqual(['a', 'b', 'a']);
  });

  it('names the expression and the problem when it cannot answer', () => {
    expect(() => run('a +')).toThrow("Error in expression 'a +'");
    expect(() => run('(a')).toThrow("expected ')'");
    expect(() => run('RATE(a)')).toThrow('does not serve the function RATE');
    expect(() => run('SUM(a)')).toThrow('SUM takes an array');
  });
});

describe('metric lag setting', () => {
  it('takes the option, else GLIDEPATH_LOCAL_METRIC_LAG_SECONDS, else a minute, and refuses a negative lag', () => {
    expect(metricLagSeconds(undefined, {})).toBe(60);
    expect(metricLagSeconds(undefined, { GLIDEPATH_LOCAL_METRIC_LAG_SECONDS: '0' })).toBe(0);
    expect(metricLagSeconds(5, { GLIDEPATH_LOCAL_METRIC_LAG_SECONDS: '0' })).toBe(5);
    expect(() => metricLagSeconds(undefined, { GLIDEPATH_LOCAL_METRIC_LAG_SECONDS: '-1' })).toThrow('GLIDEPATH_LOCAL_METRIC_LAG_SECONDS: must be zero or more seconds');
  });
});
