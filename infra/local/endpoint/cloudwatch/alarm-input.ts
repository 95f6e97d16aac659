/**
 * PutMetricAlarm's input, validated as CloudWatch validates it (model constraints from
 * cloudwatch/2010-08-01, then the service's own rules: one statistic, valid periods, the
 * evaluation range limit, DatapointsToAlarm ≤ EvaluationPeriods, TreatMissingData values).
 */
import type { Check } from '../validation.ts';
import { cwError, validateCw } from './errors.ts';
import { COMPARISONS, type TreatMissingData } from './evaluate.ts';
import { isPercentile, STATISTICS, type Dimension } from './metrics.ts';

export const UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits',
  'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second',
  'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second',
  'Terabits/Second', 'Count/Second', 'None',
];
const ALL_COMPARISONS = [
  'GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold',
  'LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold',
];
const TREATMENTS = ['breaching', 'notBreaching', 'ignore', 'missing'];

export interface AlarmDefinition {
  name: string;
  description?: string;
  actionsEnabled: boolean;
  okActions: string[];
  alarmActions: string[];
  insufficientDataActions: string[];
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  statistic?: string;
  extendedStatistic?: string;
  periodS: number;
  unit?: string;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  threshold: number;
  comparison: string;
  treatMissingData?: TreatMissingData;
  evaluateLowSampleCountPercentile?: string;
}

type Body = Record<string, unknown>;

export function dimensionChecks(path: string, dimensions: unknown): Check[] {
  const list = Array.isArray(dimensions) ? (dimensions as Body[]) : [];
  return [
    [path, dimensions, { type: 'list', maxLength: 30 }],
    ...list.flatMap((d, i): Check[] => [
      [`${path}.${i + 1}.member.name`, d?.Name, { required: true, type: 'string', minLength: 1, maxLength: 255 }],
      [`${path}.${i + 1}.member.value`, d?.Value, { required: true, type: 'string', minLength: 1, maxLength: 1024 }],
    ]),
  ];
}

export function checkPeriod(period: number, field = 'Period'): void {
  if (![10, 20, 30].includes(period) && period % 60 !== 0) {
    throw cwError.validation(`The parameter ${field} must be 10, 20, 30 or a multiple of 60.`);
  }
}

export function alarmFromInput(body: Body): AlarmDefinition {
  const actions = (field: string, path: string): Check => [path, body[field], { type: 'list', maxLength: 5 }];
  validateCw([
    ['alarmName', body.AlarmName, { required: true, type: 'string', minLength: 1, maxLength: 255 }],
    ['alarmDescription', body.AlarmDescription, { type: 'string', minLength: 0, maxLength: 1024 }],
    ['actionsEnabled', body.ActionsEnabled, { type: 'boolean' }],
    actions('OKActions', 'oKActions'),
    actions('AlarmActions', 'alarmActions'),
    actions('InsufficientDataActions', 'insufficientDataActions'),
    ['metricName', body.MetricName, { type: 'string', minLength: 1, maxLength: 255 }],
    ['namespace', body.Namespace, { type: 'string', minLength: 1, maxLength: 255, pattern: '[^:].*' }],
    ['statistic', body.Statistic, { type: 'string', enum: STATISTICS }],
    ['extendedStatistic', body.ExtendedStatistic, { type: 'string' }],
    ...dimensionChecks('dimensions', body.Dimensions),
    ['period', body.Period, { type: 'integer', min: 1 }],
    ['unit', body.Unit, { type: 'string', enum: UNITS }],
    ['evaluationPeriods', body.EvaluationPeriods, { required: true, type: 'integer', min: 1 }],
    ['datapointsToAlarm', body.DatapointsToAlarm, { type: 'integer', min: 1 }],
    ['threshold', body.Threshold, { type: 'number' }],
    ['comparisonOperator', body.ComparisonOperator, { required: true, type: 'string', enum: ALL_COMPARISONS }],
    ['treatMissingData', body.TreatMissingData, { type: 'string', minLength: 1, maxLength: 255 }],
    ['evaluateLowSampleCountPercentile', body.EvaluateLowSampleCountPercentile, { type: 'string', minLength: 1, maxLength: 255 }],
    ['thresholdMetricId', body.ThresholdMetricId, { type: 'string', minLength: 1, maxLength: 255 }],
  ]);
  if (body.Metrics !== undefined || body.ThresholdMetricId !== undefined) {
    throw cwError.invalidParameterValue('The local engine evaluates single-metric alarms only (Metrics and ThresholdMetricId are not supported).');
  }
  validateCw([
    ['metricName', body.MetricName, { required: true }],
    ['namespace', body.Namespace, { required: true }],
    ['period', body.Period, { required: true }],
    ['threshold', body.Threshold, { required: true }],
  ]);
  const comparison = body.ComparisonOperator as string;
  if (!COMPARISONS[comparison]) {
    throw cwError.validation(`ComparisonOperator ${comparison} needs an anomaly detection band (ThresholdMetricId), which the local engine does not support.`);
  }
  if ((body.Statistic === undefined) === (body.ExtendedStatistic === undefined)) {
    throw cwError.invalidParameterCombination('Exactly one element of the Statistic and ExtendedStatistic parameters must be specified.');
  }
  const extended = body.ExtendedStatistic as string | undefined;
  if (extended !== undefined && !isPercentile(extended)) {
    throw cwError.invalidParameterValue(`The value ${extended} for parameter ExtendedStatistic is not supported by the local engine (use a percentile such as p99).`);
  }
  const periodS = body.Period as number;
  checkPeriod(periodS);
  const evaluationPeriods = body.EvaluationPeriods as number;
  const range = periodS * evaluationPeriods;
  const limit = periodS >= 3600 ? 7 * 86400 : 86400;
  if (range > limit) {
    throw cwError.validation(
      `The evaluation range (Period × EvaluationPeriods = ${range} seconds) must not exceed ${limit === 86400 ? 'one day' : 'seven days'} (${limit} seconds).`,
    );
  }
  const datapointsToAlarm = body.DatapointsToAlarm as number | undefined;
  if (datapointsToAlarm !== undefined && datapointsToAlarm > evaluationPeriods) {
    throw cwError.validation('DatapointsToAlarm must be less than or equal to EvaluationPeriods.');
  }
  const treat = body.TreatMissingData as string | undefined;
  if (treat !== undefined && !TREATMENTS.includes(treat)) {
    throw cwError.validation(`Option ${treat} is not a valid value for TreatMissingData. Valid options are: ${TREATMENTS.join(', ')}.`);
  }
  const list = (field: string) => ((body[field] as unknown[] | undefined) ?? []).map(String);
  return {
    name: body.AlarmName as string,
    ...(body.AlarmDescription === undefined ? {} : { description: body.AlarmDescription as string }),
    actionsEnabled: (body.ActionsEnabled as boolean | undefined) ?? true,
    okActions: list('OKActions'),
    alarmActions: list('AlarmActions'),
    insufficientDataActions: list('InsufficientDataActions'),
    namespace: body.Namespace as string,
    metricName: body.MetricName as string,
    dimensions: ((body.Dimensions as Dimension[] | undefined) ?? []).map((d) => ({ Name: d.Name, Value: d.Value })),
    ...(body.Statistic === undefined ? {} : { statistic: body.Statistic as string }),
    ...(extended === undefined ? {} : { extendedStatistic: extended }),
    periodS,
    ...(body.Unit === undefined ? {} : { unit: body.Unit as string }),
    evaluationPeriods,
    ...(datapointsToAlarm === undefined ? {} : { datapointsToAlarm }),
    threshold: body.Threshold as number,
    comparison,
    ...(treat === undefined ? {} : { treatMissingData: treat as TreatMissingData }),
    ...(body.EvaluateLowSampleCountPercentile === undefined ? {} : { evaluateLowSampleCountPercentile: body.EvaluateLowSampleCountPercentile as string }),
  };
}
