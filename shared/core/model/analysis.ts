/**
 * The analysis policy in a request: which checks judge the target against the current version,
 * how strictly, and what a bake whose analysis stayed inconclusive does at its end. Every field is
 * optional: with none, every deployment is analysed with the defaults (shared/core/analysis/defaults.ts).
 */
import { z } from 'zod';
import { durationSchema } from './durations.ts';

/** GetMetricData's Id rules (botocore cloudwatch MetricDataQuery Id). */
export const METRIC_ID_PATTERN = /^[a-z][a-zA-Z0-9_]*$/;
/** A check's name: what verdicts and messages call it. */
export const CHECK_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;
/** CloudWatch statistics: Sum, SampleCount, Average, Minimum, Maximum, pNN(.N), tmNN, … */
export const STAT_PATTERN = /^(Sum|SampleCount|Average|Minimum|Maximum|(p|tm|tc|ts|wm|pr|IQM)\d{0,2}(\.\d{1,10})?)$/;

export const BUILT_IN_CHECKS = ['errorRate', 'p99Duration'] as const;
export type BuiltInCheck = (typeof BUILT_IN_CHECKS)[number];

export const INCONCLUSIVE_ACTIONS = ['proceed', 'extend', 'pause'] as const;
export type InconclusiveAction = (typeof INCONCLUSIVE_ACTIONS)[number];

export const DIRECTIONS = ['higherIsWorse', 'lowerIsWorse'] as const;

const toleranceSchema = z.strictObject({
  /** A fraction of the current version's value: 0.5 allows the target 50 % more. */
  relative: z.number().min(0, 'must not be negative').max(100, 'must be at most 100 (10,000 %)').optional(),
  /** In the check's unit: a fraction for error rates (0.005 = 0.5 percentage points), the metric's unit otherwise. */
  absolute: z.number().min(0, 'must not be negative').optional(),
});

const tuningShape = {
  enabled: z.boolean().optional(),
  tolerance: toleranceSchema.optional(),
  /** Per version and interval: invocations for errorRate, datapoint samples for the others. */
  minSamples: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000_000).optional(),
  /** Consecutive failing intervals that fail the deployment. */
  failures: z.number().int('must be a whole number').min(1, 'must be at least 1').max(60, 'must be at most 60').optional(),
};

const builtInCheckSchema = z.strictObject(tuningShape);

const metricSchema = z.strictObject({
  namespace: z.string().min(1).max(255),
  metricName: z.string().min(1).max(255),
  /** Values may use `${version}`, `${function}` and `${alias}`. */
  dimensions: z.record(z.string().min(1).max(255), z.string().min(1).max(1024)).refine((d) => Object.keys(d).length <= 30, 'must have at most 30 dimensions'),
  stat: z.string().regex(STAT_PATTERN, 'must be a CloudWatch statistic such as Sum, Average, Maximum or p99'),
  unit: z.string().min(1).max(32).optional(),
});

export type AnalysisMetric = z.infer<typeof metricSchema>;

export const customCheckSchema = z
  .strictObject({
    name: z.string().regex(CHECK_NAME_PATTERN, 'must start with a letter and hold only letters, digits, - and _ (at most 64)'),
    ...tuningShape,
    direction: z.enum(DIRECTIONS),
    /** One metric, judged per version. */
    metric: metricSchema.optional(),
    /** Or metric math over `metrics` (ids as GetMetricData's), judged per version. */
    expression: z.string().min(1).max(1024).optional(),
    metrics: z.record(z.string().regex(METRIC_ID_PATTERN, 'must be a GetMetricData id (a lowercase letter, then letters, digits or _)'), metricSchema).optional(),
  })
  .superRefine((check, ctx) => {
    const hasMetric = check.metric !== undefined;
    const hasExpression = check.expression !== undefined;
    if (hasMetric === hasExpression) {
      ctx.addIssue({ code: 'custom', message: 'must give either metric or expression (with metrics)', path: ['metric'] });
      return;
    }
    if (hasExpression) {
      const ids = Object.keys(check.metrics ?? {});
      if (ids.length === 0) ctx.addIssue({ code: 'custom', message: 'must name the metrics the expression uses', path: ['metrics'] });
      if (ids.length > 10) ctx.addIssue({ code: 'custom', message: 'must have at most 10 metrics', path: ['metrics'] });
      const named = new Set((check.expression ?? '').match(/\b[a-z][a-zA-Z0-9_]*\b/g) ?? []);
      if (ids.length > 0 && !ids.some((id) => named.has(id))) {
        ctx.addIssue({ code: 'custom', message: `must use at least one of its metrics (${ids.join(', ')})`, path: ['expression'] });
      }
    } else if (check.metrics !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'is only for an expression', path: ['metrics'] });
    }
  });

export type CustomCheck = z.infer<typeof customCheckSchema>;

export const analysisSchema = z
  .strictObject({
    /** Default true: every deployment is analysed. */
    enabled: z.boolean().optional(),
    /** How long after a minute closes it is judged (Lambda's metrics arrive up to about a minute late). */
    lag: durationSchema.optional(),
    /** The span each verdict judges: the step's last `window` (or all of it, when shorter). */
    window: durationSchema.optional(),
    /** What a bake (or analysis step) does when it ends with a check still inconclusive. */
    onInconclusive: z.enum(INCONCLUSIVE_ACTIONS).optional(),
    /** With `onInconclusive: extend`: how much longer a bake may wait for a conclusive verdict. */
    extendUpTo: durationSchema.optional(),
    checks: z.strictObject({ errorRate: builtInCheckSchema.optional(), p99Duration: builtInCheckSchema.optional() }).optional(),
    custom: z.array(customCheckSchema).max(20, 'must have at most 20 checks').optional(),
  })
  .superRefine((analysis, ctx) => {
    const names = (analysis.custom ?? []).map((c) => c.name);
    names.forEach((name, index) => {
      if ((BUILT_IN_CHECKS as readonly string[]).includes(name)) ctx.addIssue({ code: 'custom', message: `must not be a built-in check's name (${BUILT_IN_CHECKS.join(', ')})`, path: ['custom', index, 'name'] });
      else if (names.indexOf(name) !== index) ctx.addIssue({ code: 'custom', message: 'must be unique', path: ['custom', index, 'name'] });
    });
  });
