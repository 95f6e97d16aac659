/**
 * What the analysis asks CloudWatch for one deployment: each check's metrics for the target and
 * the current version, per minute. The built-in checks read Lambda's own per-version metrics
 * (AWS/Lambda with FunctionName, Resource = function:alias and ExecutedVersion); a custom check
 * reads its metric (or metric math) with `${version}`, `${function}` and `${alias}` filled in.
 */
import type { MetricQuery } from '../ports/metric-reader.ts';
import type { AnalysisMetric } from '../model/analysis.ts';
import { bareFunctionName } from '../model/record.ts';
import type { PolicyCheck } from './policy.ts';

export const PERIOD_SECONDS = 60;

export type Side = 'target' | 'current';

export interface Subject {
  functionName: string;
  alias: string;
  version: string;
}

/** The ids of one check's series for one version (`value` for values, `errors`/`invocations` for rates, `samples` beside). */
export interface CheckSeriesIds {
  value?: string;
  samples?: string;
  errors?: string;
  invocations?: string;
  /** An expression's value: its samples are its datapoints. */
  expression?: boolean;
}

function lambdaMetric(subject: Subject, metricName: string, stat: string): NonNullable<MetricQuery['metric']> {
  const fn = bareFunctionName(subject.functionName);
  return {
    namespace: 'AWS/Lambda',
    metricName,
    dimensions: [
      { name: 'FunctionName', value: fn },
      { name: 'Resource', value: `${fn}:${subject.alias}` },
      { name: 'ExecutedVersion', value: subject.version },
    ],
    stat,
    periodSeconds: PERIOD_SECONDS,
  };
}

/** `${version}`, `${function}`, `${alias}` in a custom metric's dimensions. */
export function fillTemplate(value: string, subject: Subject): string {
  return value
    .replaceAll('${version}', subject.version)
    .replaceAll('${function}', bareFunctionName(subject.functionName))
    .replaceAll('${alias}', subject.alias);
}

function customMetric(metric: AnalysisMetric, subject: Subject, stat = metric.stat): NonNullable<MetricQuery['metric']> {
  return {
    namespace: metric.namespace,
    metricName: metric.metricName,
    dimensions: Object.entries(metric.dimensions).map(([name, value]) => ({ name, value: fillTemplate(value, subject) })),
    stat,
    periodSeconds: PERIOD_SECONDS,
    ...(metric.unit ? { unit: metric.unit } : {}),
  };
}

/** One check's queries for one version; ids start with `prefix`. */
export function checkQueries(check: PolicyCheck, subject: Subject, prefix: string): { queries: MetricQuery[]; ids: CheckSeriesIds } {
  const source = check.source;
  if ('builtIn' in source) {
    if (source.builtIn === 'errorRate') {
      const ids = { errors: `${prefix}_err`, invocations: `${prefix}_inv` };
      return {
        queries: [
          { id: ids.invocations, metric: lambdaMetric(subject, 'Invocations', 'Sum') },
          { id: ids.errors, metric: lambdaMetric(subject, 'Errors', 'Sum') },
        ],
        ids,
      };
    }
    const ids = { value: `${prefix}_p99`, samples: `${prefix}_n` };
    return {
      queries: [
        { id: ids.value, metric: lambdaMetric(subject, 'Duration', 'p99') },
        { id: ids.samples, metric: lambdaMetric(subject, 'Duration', 'SampleCount') },
      ],
      ids,
    };
  }
  if ('metric' in source) {
    const ids = { value: `${prefix}_v`, samples: `${prefix}_n` };
    return {
      queries: [
        { id: ids.value, metric: customMetric(source.metric, subject) },
        { id: ids.samples, metric: customMetric(source.metric, subject, 'SampleCount') },
      ],
      ids,
    };
  }
  const inner = Object.entries(source.metrics).map(([id, metric]) => ({ id: `${prefix}_${id}`, metric: customMetric(metric, subject), returnData: false }));
  const expression = source.expression.replace(/\b[a-z][a-zA-Z0-9_]*\b/g, (name) => (Object.hasOwn(source.metrics, name) ? `${prefix}_${name}` : name));
  const value = `${prefix}_e`;
  return { queries: [...inner, { id: value, expression, periodSeconds: PERIOD_SECONDS }], ids: { value, expression: true } };
}
