import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRequest } from '../../shared/core/validate.ts';
import { planDeployment } from '../../shared/core/planner.ts';
import { rejected } from '../support/rejected.ts';
import { CODEDEPLOY_CONFIG_NAMES } from '../../shared/core/strategies/codedeploy.ts';
import type { PlanStep } from '../../shared/core/model/plan.ts';

const base = { functionName: 'orders', alias: 'live', currentVersion: '7', targetVersion: '8' };

// ---- valid strategies ----------------------------------------------------------------------

const randomCase = (name: string) =>
  fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((upper) =>
    [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''),
  );

const namedStrategy = fc
  .tuple(fc.constantFrom(...CODEDEPLOY_CONFIG_NAMES), fc.boolean(), fc.boolean())
  .chain(([name, full, scramble]) => {
    const text = full ? `CodeDeployDefault.Lambda${name}` : name;
    return scramble ? randomCase(text) : fc.constant(text);
  });

// 99 bakes of 5309 minutes stay within a year; a canary has one bake, which may last a year.
const timeBased = fc.oneof(
  fc.record({
    type: fc.constantFrom('TimeBasedCanary' as const, 'TimeBasedLinear' as const),
    percentage: fc.integer({ min: 1, max: 99 }),
    intervalMinutes: fc.integer({ min: 1, max: 5309 }),
  }),
  fc.record({
    type: fc.constant('TimeBasedCanary' as const),
    percentage: fc.integer({ min: 1, max: 99 }),
    intervalMinutes: fc.integer({ min: 1, max: 525_600 }),
  }),
);

const positiveDuration = fc.oneof(
  fc.integer({ min: 1, max: 86_400 }),
  fc.integer({ min: 1, max: 999 }).map((n) => `${n}s`),
  fc.integer({ min: 1, max: 999 }).map((n) => `${n}m`),
  fc.integer({ min: 1, max: 48 }).map((n) => `${n}h`),
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${h}h${m}m`),
);

const otherStep = fc.oneof(
  positiveDuration.map((bake) => ({ bake })),
  fc.constant({ pause: {} }),
  positiveDuration.map((duration) => ({ pause: { duration } })),
  fc.constantFrom({ approval: {} }, { approval: true as const }),
  fc.constantFrom('smoke-test', 'arn:aws:lambda:eu-west-1:123456789012:function:check').map((hook) => ({ hook })),
);

/** Increasing weights (1–100) with any other steps in between. */
const stepList = fc
  .uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 0, maxLength: 12 })
  .chain((weights) => {
    const sorted = [...weights].sort((a, b) => a - b);
    return fc
      .array(fc.array(otherStep, { maxLength: 3 }), { minLength: sorted.length + 1, maxLength: sorted.length + 1 })
      .map((gaps) => {
        const steps: unknown[] = [...gaps[0]!];
        sorted.forEach((w, i) => steps.push({ setWeight: w }, ...gaps[i + 1]!));
        return steps;
      })
      .filter((steps) => steps.length > 0)
      .map((steps) => ({ steps }));
  });

const validStrategy = fc.oneof(namedStrategy, timeBased, fc.constant({ type: 'AllAtOnce' as const }), stepList);

const weightsOf = (steps: PlanStep[]) => steps.flatMap((s) => ('setWeight' in s ? [s.setWeight] : []));

describe('property: every valid strategy', () => {
  it('plans weights that strictly increase and end at 100, positive bakes, and totalBakeSeconds as their sum', () => {
    fc.assert(
      fc.property(validStrategy, fc.option(fc.constant('per-step-check'), { nil: undefined }), (strategy, perStep) => {
        const request = parseRequest({ ...base, strategy, ...(perStep === undefined ? {} : { hooks: { perStep } }) });
        const plan = planDeployment(request);
        const weights = weightsOf(plan.steps);
        expect(weights.length).toBeGreaterThan(0);
        for (let i = 1; i < weights.length; i++) expect(weights[i]!).toBeGreaterThan(weights[i - 1]!);
        expect(weights.at(-1)).toBe(100);
        for (const w of weights) expect(Number.isInteger(w) && w >= 1 && w <= 100).toBe(true);
        let sum = 0;
        for (const step of plan.steps) {
          expect(Object.keys(step)).toHaveLength(1);
          if ('bake' in step) {
            expect(Number.isInteger(step.bake) && step.bake > 0).toBe(true);
            sum += step.bake;
          }
          if ('pause' in step && step.pause.duration !== undefined) {
            expect(step.pause.duration).toBeGreaterThan(0);
            sum += step.pause.duration;
          }
        }
        expect(plan.totalBakeSeconds).toBe(sum);
        if (perStep !== undefined) {
          plan.steps.forEach((step, i) => {
            if ('setWeight' in step && step.setWeight < 100) expect(plan.steps[i + 1]).toEqual({ hook: perStep });
          });
        }
      }),
      { numRuns: 500 },
    );
  });
});

// ---- invalid strategies --------------------------------------------------------------------

const badPercentage = fc.oneof(
  fc.integer({ max: 0 }),
  fc.integer({ min: 100 }),
  fc.double({ min: 1, max: 99, noNaN: true }).filter((n) => !Number.isInteger(n)),
);
const badMinutes = fc.oneof(
  fc.integer({ max: 0 }),
  fc.integer({ min: 525_601 }),
  fc.double({ min: 0, max: 1000, noNaN: true }).filter((n) => !Number.isInteger(n)),
);

const invalidStrategy: fc.Arbitrary<unknown> = fc.oneof(
  // names that are not strategies
  fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/^(codedeploydefault\.lambda)?(canary|linear|allatonce|timebased)/i.test(s.trim())),
  // time-based with a bad percentage or bad minutes
  fc.record({ type: fc.constantFrom('TimeBasedCanary', 'TimeBasedLinear'), percentage: badPercentage, intervalMinutes: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ type: fc.constantFrom('TimeBasedCanary', 'TimeBasedLinear'), percentage: fc.integer({ min: 1, max: 99 }), intervalMinutes: badMinutes }),
  // step lists with one broken step among good ones
  fc
    .tuple(
      fc.constantFrom<unknown>(
        { setWeight: 0 },
        { setWeight: 101 },
        { setWeight: 50.5 },
        { bake: 0 },
        { bake: '0m' },
        { bake: -1 },
        { bake: 'soon' },
        { pause: { duration: 0 } },
        { pause: { later: true } },
        { approval: false },
        { wait: 10 },
        { setWeight: 10, bake: 60 },
        {},
        null,
      ),
      fc.integer({ min: 0, max: 3 }),
    )
    .map(([bad, at]) => {
      const steps: unknown[] = [{ setWeight: 5 }, { bake: 60 }, { setWeight: 60 }];
      steps.splice(at, 0, bad);
      return { steps };
    }),
  // weights that do not increase
  fc.tuple(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 })).filter(([a, b]) => b <= a).map(([a, b]) => ({ steps: [{ setWeight: a }, { setWeight: b }] })),
);

describe('property: every invalid strategy', () => {
  it('is rejected with a ValidationError naming a strategy field and the rule', () => {
    fc.assert(
      fc.property(invalidStrategy, (strategy) => {
        const error = rejected(() => parseRequest({ ...base, strategy }));
        expect(error.code).toBe('INVALID_DEPLOYMENT_CONFIG');
        expect(error.field).toMatch(/^strategy(\.|\[|$)/);
        expect(error.message.startsWith(`${error.field}: `)).toBe(true);
        expect(error.message.length).toBeGreaterThan(error.field!.length + 2);
      }),
      { numRuns: 500 },
    );
  });
});
