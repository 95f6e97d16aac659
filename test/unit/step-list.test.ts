import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../shared/core/validate.ts';
import { planDeployment } from '../../shared/core/planner.ts';
import { rejected } from '../support/rejected.ts';

const base = { functionName: 'orders', alias: 'live', currentVersion: '7', targetVersion: '8' };

function plan(steps: unknown[]) {
  return planDeployment(parseRequest({ ...base, strategy: { steps } }));
}

const rejectedSteps = (steps: unknown[]) => rejected(() => plan(steps));

describe('step lists: accepted', () => {
  it('compiles every step kind, durations to seconds, and names the strategy Custom', () => {
    const result = plan([
      { setWeight: 1 },
      { bake: '90s' },
      { hook: 'orders-smoke' },
      { setWeight: 25 },
      { bake: '5m' },
      { pause: {} },
      { setWeight: 50 },
      { pause: { duration: '1h30m' } },
      { approval: {} },
      { setWeight: 75 },
      { approval: true },
      { bake: 120 },
      { setWeight: 100 },
    ]);
    expect(result.strategy).toBe('Custom');
    expect(result.steps).toEqual([
      { setWeight: 1 },
      { bake: 90 },
      { hook: 'orders-smoke' },
      { setWeight: 25 },
      { bake: 300 },
      { pause: {} },
      { setWeight: 50 },
      { pause: { duration: 5400 } },
      { approval: {} },
      { setWeight: 75 },
      { approval: {} },
      { bake: 120 },
      { setWeight: 100 },
    ]);
    expect(result.totalBakeSeconds).toBe(90 + 300 + 5400 + 120);
  });

  it('ends a list that stops short of 100 with setWeight 100', () => {
    expect(plan([{ setWeight: 20 }, { bake: '1m' }]).steps).toEqual([{ setWeight: 20 }, { bake: 60 }, { setWeight: 100 }]);
    expect(plan([{ approval: {} }]).steps).toEqual([{ approval: {} }, { setWeight: 100 }]);
  });

  it('keeps steps after 100% (a bake at full traffic) and adds no second 100', () => {
    expect(plan([{ setWeight: 100 }, { bake: '10m' }]).steps).toEqual([{ setWeight: 100 }, { bake: 600 }]);
  });

  it('keeps pause.until and pause.untilWindow as given', () => {
    expect(plan([{ setWeight: 10 }, { pause: { until: '2030-01-31T09:00:00Z' } }, { pause: { untilWindow: true, duration: 60 } }]).steps).toEqual([
      { setWeight: 10 },
      { pause: { until: '2030-01-31T09:00:00Z' } },
      { pause: { duration: 60, untilWindow: true } },
      { setWeight: 100 },
    ]);
  });
});

describe('step lists: rejected', () => {
  const cases: [string, unknown[], string, string][] = [
    ['a weight equal to the previous one', [{ setWeight: 10 }, { setWeight: 10 }], 'strategy.steps[1].setWeight', 'must be greater than the previous weight (10), got 10'],
    ['a decreasing weight', [{ setWeight: 50 }, { bake: 60 }, { setWeight: 20 }], 'strategy.steps[2].setWeight', 'must be greater than the previous weight (50), got 20'],
    ['a weight above 100', [{ setWeight: 10 }, { setWeight: 101 }], 'strategy.steps[1].setWeight', 'must be an integer from 1 to 100, got 101'],
    ['a weight of 0', [{ setWeight: 0 }], 'strategy.steps[0].setWeight', 'must be an integer from 1 to 100, got 0'],
    ['a fractional weight', [{ setWeight: 12.5 }], 'strategy.steps[0].setWeight', 'must be an integer from 1 to 100, got 12.5'],
    ['a weight given as a string', [{ setWeight: '10' }], 'strategy.steps[0].setWeight', 'must be a number, got "10"'],
    ['a bake of 0 seconds', [{ setWeight: 10 }, { bake: 0 }], 'strategy.steps[1].bake', 'must be longer than 0 seconds, got 0'],
    ['a bake of "0m"', [{ setWeight: 10 }, { bake: '0m' }], 'strategy.steps[1].bake', 'must be longer than 0 seconds, got "0m"'],
    ['a negative bake', [{ bake: -5 }], 'strategy.steps[0].bake', 'must not be negative, got -5'],
    ['a bake that is not a duration', [{ bake: '5 minutes' }], 'strategy.steps[0].bake', 'must be a duration such as "90s", "5m", "1h" or a number of seconds, got "5 minutes"'],
    ['a bake longer than a year', [{ bake: '8761h' }], 'strategy.steps[0].bake', 'must be at most one year (31536000 seconds), got "8761h"'],
    ['a timed pause longer than a year', [{ pause: { duration: 31536001 } }], 'strategy.steps[0].pause.duration', 'must be at most one year (31536000 seconds), got 31536001'],
    ['a timed pause of 0', [{ pause: { duration: '0s' } }], 'strategy.steps[0].pause.duration', 'must be longer than 0 seconds, got "0s"'],
    ['an unknown pause field', [{ pause: { forever: true } }], 'strategy.steps[0].pause.forever', 'is not a known field, got true'],
    ['a pause.until that is not a date-time', [{ pause: { until: 'tomorrow' } }], 'strategy.steps[0].pause.until', 'must be an ISO 8601 date-time with an offset (2025-01-31T09:00:00Z), got "tomorrow"'],
    ['approval: false', [{ approval: false }], 'strategy.steps[0].approval', 'must be {} or true, got false'],
    ['a hook that is not a function name', [{ hook: 'not a name' }], 'strategy.steps[0].hook', 'must be a Lambda function name or ARN, got "not a name"'],
    ['an unknown step key', [{ setWeight: 10 }, { wait: '5m' }], 'strategy.steps[1]', 'must be exactly one step: {"setWeight"}, {"bake"}, {"pause"}, {"approval"} or {"hook"}, got {"wait":"5m"}'],
    ['two keys in one step', [{ setWeight: 10, bake: '5m' }], 'strategy.steps[0]', 'must be exactly one step: {"setWeight"}, {"bake"}, {"pause"}, {"approval"} or {"hook"}, got {"setWeight":10,"bake":"5m"}'],
    ['an empty step', [{}], 'strategy.steps[0]', 'must be exactly one step: {"setWeight"}, {"bake"}, {"pause"}, {"approval"} or {"hook"}, got {}'],
    ['a step that is not an object', ['setWeight 10'], 'strategy.steps[0]', 'must be exactly one step: {"setWeight"}, {"bake"}, {"pause"}, {"approval"} or {"hook"}, got "setWeight 10"'],
    ['an empty list', [], 'strategy.steps', 'must hold at least one step, got []'],
  ];
  for (const [label, steps, field, rule] of cases) {
    it(`rejects ${label}`, () => {
      const error = rejectedSteps(steps);
      expect(error.code).toBe('INVALID_DEPLOYMENT_CONFIG');
      expect(error.field).toBe(field);
      expect(error.message).toBe(`${field}: ${rule}`);
    });
  }
});
