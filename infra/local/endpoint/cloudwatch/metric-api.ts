/**
 * CloudWatch's metric operations on the wire: PutMetricData, GetMetricData (MetricStat queries and
 * metric math, paged by MaxDatapoints and NextToken),
 * GetMetricStatistics and ListMetrics, with the service's input rules.
 */
import type { Clock } from '../../../../shared/core/ports/clock.ts';
import type { Check } from '../validation.ts';
import { checkPeriod, dimensionChecks, UNITS } from './alarm-input.ts';
import { cwError, readTimestamp, seconds, validateCw } from './errors.ts';
import { alignedBuckets, isPercentile, STATISTICS, statistic, type Dimension, type MetricId, type MetricStore } from './metrics.ts';
import { evaluate, parseExpression, referencedIds, type MathValue } from './metric-math.ts';

type Body = Record<string, unknown>;
const TWO_WEEKS = 14 * 86400_000;
const TWO_HOURS = 2 * 3600_000;

function checkStat(stat: string, field: string): void {
  if (!(STATISTICS as readonly string[]).includes(stat) && !isPercentile(stat)) {
    throw cwError.invalidParameterValue(`The value ${stat} for parameter ${field} is not supported by the local engine (Sum, Average, SampleCount, Minimum, Maximum or pNN).`);
  }
}

function dims(value: unknown): Dimension[] {
  return ((value as Dimension[] | undefined) ?? []).map((d) => ({ Name: d.Name, Value: d.Value }));
}

export function putMetricData(metrics: MetricStore, clock: Clock, body: Body): Body {
  validateCw([
    ['namespace', body.Namespace, { required: true, type: 'string', minLength: 1, maxLength: 255, pattern: '[^:].*' }],
    ['metricData', body.MetricData, { required: true, type: 'list', maxLength: 1000 }],
  ]);
  const namespace = body.Namespace as string;
  if (namespace.startsWith('AWS/')) throw cwError.invalidParameterValue(`The value ${namespace} for parameter Namespace is invalid.`);
  const now = clock.now();
  const data = body.MetricData as Body[];
  const checked = data.map((d, i) => {
    const at = `MetricData.member.${i + 1}`;
    const path = `metricData.${i + 1}.member`;
    validateCw([
      [`${path}.metricName`, d.MetricName, { required: true, type: 'string', minLength: 1, maxLength: 255 }],
      ...dimensionChecks(`${path}.dimensions`, d.Dimensions),
      [`${path}.value`, d.Value, { type: 'number' }],
      [`${path}.values`, d.Values, { type: 'list', maxLength: 150 }],
      [`${path}.counts`, d.Counts, { type: 'list', maxLength: 150 }],
      [`${path}.statisticValues`, d.StatisticValues, { type: 'structure' }],
      [`${path}.unit`, d.Unit, { type: 'string', enum: UNITS }],
      [`${path}.storageResolution`, d.StorageResolution, { type: 'integer', min: 1 }],
    ]);
    const sources = [d.Value, d.Values, d.StatisticValues].filter((x) => x !== undefined).length;
    if (sources > 1) throw cwError.invalidParameterCombination(`The parameters ${at}.Value, ${at}.Values and ${at}.StatisticValues are mutually exclusive and you have specified more than one.`);
    if (sources === 0) throw cwError.missingParameter(`The parameter ${at}.Value, ${at}.Values or ${at}.StatisticValues is required.`);
    const values = (d.Values as unknown[] | undefined)?.map(Number);
    if (values?.some((v) => !Number.isFinite(v))) throw cwError.invalidParameterValue(`The values for parameter ${at}.Values must be finite numbers.`);
    const counts = (d.Counts as unknown[] | undefined)?.map(Number);
    if (counts !== undefined && counts.length !== (values?.length ?? -1)) {
      throw cwError.invalidParameterValue(`The parameters ${at}.Values and ${at}.Counts must be of the same size.`);
    }
    if (d.StorageResolution !== undefined && d.StorageResolution !== 1 && d.StorageResolution !== 60) {
      throw cwError.invalidParameterValue(`The value ${String(d.StorageResolution)} for parameter ${at}.StorageResolution is invalid.`);
    }
    const stats = d.StatisticValues as Body | undefined;
    if (stats) {
      validateCw(['SampleCount', 'Sum', 'Minimum', 'Maximum'].map((k): Check => [`${path}.statisticValues.${k[0]!.toLowerCase()}${k.slice(1)}`, stats[k], { required: true, type: 'number' }]));
    }
    const timestamp = d.Timestamp === undefined ? now : readTimestamp(d.Timestamp, `${path}.timestamp`);
    if (timestamp < now - TWO_WEEKS) throw cwError.invalidParameterValue(`The parameter ${at}.Timestamp must specify a time no more than two weeks in the past.`);
    if (timestamp > now + TWO_HOURS) throw cwError.invalidParameterValue(`The parameter ${at}.Timestamp must specify a time no more than two hours in the future.`);
    return { d, values, counts, stats, timestamp };
  });
  for (const { d, values, counts, stats, timestamp } of checked) {
    metrics.put(
      { namespace, name: d.MetricName as string, dimensions: dims(d.Dimensions) },
      {
        timestamp,
        ...(d.Unit === undefined ? {} : { unit: d.Unit as string }),
        ...(stats
          ? { statisticSet: { sampleCount: Number(stats.SampleCount), sum: Number(stats.Sum), minimum: Number(stats.Minimum), maximum: Number(stats.Maximum) } }
          : { values: values ?? [Number(d.Value)], ...(counts ? { counts } : {}) }),
      },
    );
  }
  return {};
}

/** What GetMetricData and GetMetricStatistics may see: a datapoint shows `lagSeconds` (engine clock) after its timestamp. */
export interface Visibility {
  clock: Clock;
  lagSeconds(): number;
}

/** The first instant (ms) whose data is not visible yet. */
function visibleUntil(v: Visibility): number {
  return v.clock.now() - v.lagSeconds() * 1000 + 1;
}

const MAX_QUERIES = 500;
const DEFAULT_MAX_DATAPOINTS = 100_800;

interface Answer {
  id: string;
  label: string;
  returnData: boolean;
  points: Array<{ t: number; v: number }>;
}

function readToken(token: unknown): number {
  if (typeof token !== 'string') throw cwError.invalidNextToken('The service cannot process the NextToken.');
  const offset = Number(/^gp1:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'))?.[1]);
  if (!Number.isSafeInteger(offset)) throw cwError.invalidNextToken('The service cannot process the NextToken.');
  return offset;
}

export function getMetricData(metrics: MetricStore, visibility: Visibility, body: Body): Body {
  validateCw([
    ['metricDataQueries', body.MetricDataQueries, { required: true, type: 'list' }],
    ['startTime', body.StartTime, { required: true }],
    ['endTime', body.EndTime, { required: true }],
    ['scanBy', body.ScanBy, { type: 'string', enum: ['TimestampDescending', 'TimestampAscending'] }],
    ['maxDatapoints', body.MaxDatapoints, { type: 'integer' }],
  ]);
  const queries = body.MetricDataQueries as Body[];
  if (queries.length > MAX_QUERIES) throw cwError.validation(`The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`);
  if (queries.length === 0) throw cwError.validation('The collection MetricDataQueries must not be empty.');
  const offset = body.NextToken === undefined ? 0 : readToken(body.NextToken);
  const start = readTimestamp(body.StartTime, 'startTime');
  const end = readTimestamp(body.EndTime, 'endTime');
  if (start >= end) throw cwError.validation('The parameter StartTime must be less than the parameter EndTime.');
  const maxDatapoints = (body.MaxDatapoints as number | undefined) ?? DEFAULT_MAX_DATAPOINTS;
  if (maxDatapoints < 1) throw cwError.validation('The parameter MaxDatapoints must be greater than 0.');
  const ascending = body.ScanBy === 'TimestampAscending';
  const until = Math.min(end, visibleUntil(visibility));

  const byId = new Map<string, { q: Body; i: number }>();
  queries.forEach((q, i) => {
    const path = `metricDataQueries.${i + 1}.member`;
    validateCw([
      [`${path}.id`, q.Id, { required: true, type: 'string', minLength: 1, maxLength: 255, pattern: '[a-z][a-zA-Z0-9_]*' }],
      [`${path}.metricStat`, q.MetricStat, { type: 'structure' }],
      [`${path}.expression`, q.Expression, { type: 'string', minLength: 1, maxLength: 2048 }],
      [`${path}.label`, q.Label, { type: 'string' }],
      [`${path}.returnData`, q.ReturnData, { type: 'boolean' }],
      [`${path}.period`, q.Period, { type: 'integer', min: 1 }],
    ]);
    if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
      throw cwError.validation(`Exactly one element of the MetricStat and Expression must be specified in MetricDataQueries.member.${i + 1}.`);
    }
    if (byId.has(q.Id as string)) throw cwError.validation(`The value ${String(q.Id)} for field MetricDataQueries.member.${i + 1}.Id is duplicated.`);
    byId.set(q.Id as string, { q, i });
  });
  if (![...byId.values()].some(({ q }) => q.ReturnData !== false)) throw cwError.validation('No metric or expression was marked as returning data (ReturnData).');

  const values = new Map<string, MathValue>();
  const periods = new Map<string, number>();
  const evaluating = new Set<string>();
  const valueOf = (id: string): MathValue => {
    const known = values.get(id);
    if (known !== undefined) return known;
    const entry = byId.get(id);
    if (!entry) throw cwError.validation(`Error in expression: Unrecognized metric or expression id ${id}.`);
    if (evaluating.has(id)) throw cwError.validation(`Error in expression ${id}: circular dependency between expressions.`);
    evaluating.add(id);
    const { q, i } = entry;
    let value: MathValue;
    if (q.MetricStat !== undefined) {
      const stat = metricStat(q.MetricStat as Body, i);
      periods.set(id, stat.period);
      value = new Map(
        alignedBuckets(metrics, stat.id, start, until, stat.period, stat.unit)
          .map((b) => [b.t, statistic(b.cells, stat.stat)] as const)
          .filter((b): b is readonly [number, number] => b[1] !== undefined),
      );
    } else {
      const expression = q.Expression as string;
      const tree = parseExpression(expression);
      const inputs = referencedIds(tree);
      inputs.forEach((input) => valueOf(input));
      const period = (q.Period as number | undefined) ?? Math.min(...inputs.map((input) => periods.get(input) ?? 60), Infinity);
      const p = (Number.isFinite(period) ? period : 60) * 1000;
      periods.set(id, p / 1000);
      const grid: number[] = [];
      for (let t = Math.floor(start / p) * p; t < end; t += p) if (t >= start - p + 1) grid.push(t);
      value = evaluate(tree, { expression, resolve: valueOf, grid });
    }
    evaluating.delete(id);
    values.set(id, value);
    return value;
  };

  const answers: Answer[] = queries.map((q) => {
    const id = q.Id as string;
    const value = valueOf(id);
    const series = typeof value === 'number' ? new Map<number, number>() : value;
    const points = [...series].map(([t, v]) => ({ t, v })).sort((a, b) => (ascending ? a.t - b.t : b.t - a.t));
    const metricName = ((q.MetricStat as Body | undefined)?.Metric as Body | undefined)?.MetricName as string | undefined;
    return { id, label: (q.Label as string | undefined) ?? metricName ?? id, returnData: q.ReturnData !== false, points };
  });

  // Paging: the datapoints of all returned queries in request order, MaxDatapoints a page.
  const returned = answers.filter((a) => a.returnData);
  const total = returned.reduce((n, a) => n + a.points.length, 0);
  let skip = offset;
  let budget = maxDatapoints;
  const results = returned.map((a) => {
    const from = Math.min(skip, a.points.length);
    skip -= from;
    const page = a.points.slice(from, from + budget);
    budget -= page.length;
    const more = from + page.length < a.points.length;
    return { Id: a.id, Label: a.label, Timestamps: page.map((p) => seconds(p.t)), Values: page.map((p) => p.v), StatusCode: more ? 'PartialData' : 'Complete', Messages: [] };
  });
  const next = offset + (maxDatapoints - budget);
  return {
    MetricDataResults: results,
    Messages: [],
    ...(next < total ? { NextToken: Buffer.from(`gp1:${next}`).toString('base64url') } : {}),
  };
}

function metricStat(stat: Body, i: number): { id: MetricId; period: number; stat: string; unit?: string } {
  const path = `metricDataQueries.${i + 1}.member`;
  const metric = stat.Metric as Body | undefined;
  validateCw([
    [`${path}.metricStat.metric`, metric, { required: true, type: 'structure' }],
    [`${path}.metricStat.metric.namespace`, metric?.Namespace, { required: true, type: 'string', minLength: 1, maxLength: 255 }],
    [`${path}.metricStat.metric.metricName`, metric?.MetricName, { required: true, type: 'string', minLength: 1, maxLength: 255 }],
    ...dimensionChecks(`${path}.metricStat.metric.dimensions`, metric?.Dimensions),
    [`${path}.metricStat.period`, stat.Period, { required: true, type: 'integer', min: 1 }],
    [`${path}.metricStat.stat`, stat.Stat, { required: true, type: 'string' }],
    [`${path}.metricStat.unit`, stat.Unit, { type: 'string', enum: UNITS }],
  ]);
  checkPeriod(stat.Period as number, `MetricDataQueries.member.${i + 1}.MetricStat.Period`);
  checkStat(stat.Stat as string, `MetricDataQueries.member.${i + 1}.MetricStat.Stat`);
  return {
    id: { namespace: metric!.Namespace as string, name: metric!.MetricName as string, dimensions: dims(metric!.Dimensions) },
    period: stat.Period as number,
    stat: stat.Stat as string,
    ...(stat.Unit === undefined ? {} : { unit: stat.Unit as string }),
  };
}

export function getMetricStatistics(metrics: MetricStore, visibility: Visibility, body: Body): Body {
  validateCw([
    ['namespace', body.Namespace, { required: true, type: 'string', minLength: 1, maxLength: 255, pattern: '[^:].*' }],
    ['metricName', body.MetricName, { required: true, type: 'string', minLength: 1, maxLength: 255 }],
    ...dimensionChecks('dimensions', body.Dimensions),
    ['startTime', body.StartTime, { required: true }],
    ['endTime', body.EndTime, { required: true }],
    ['period', body.Period, { required: true, type: 'integer', min: 1 }],
    ['statistics', body.Statistics, { type: 'list', minLength: 1, maxLength: 5 }],
    ['extendedStatistics', body.ExtendedStatistics, { type: 'list', minLength: 1, maxLength: 10 }],
    ['unit', body.Unit, { type: 'string', enum: UNITS }],
  ]);
  const statistics = (body.Statistics as string[] | undefined) ?? [];
  const extended = (body.ExtendedStatistics as string[] | undefined) ?? [];
  if ((statistics.length === 0) === (extended.length === 0)) {
    throw cwError.invalidParameterCombination('Must specify either Statistics or ExtendedStatistics, but not both.');
  }
  statistics.forEach((s, i) => validateCw([[`statistics.${i + 1}.member`, s, { enum: STATISTICS }]]));
  extended.forEach((s) => checkStat(s, 'ExtendedStatistics'));
  const start = readTimestamp(body.StartTime, 'startTime');
  const end = readTimestamp(body.EndTime, 'endTime');
  if (start >= end) throw cwError.invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
  const period = body.Period as number;
  checkPeriod(period);
  const requested = Math.ceil((end - start) / (period * 1000));
  if (requested > 1440) {
    throw cwError.invalidParameterCombination(`You have requested up to ${requested} datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`);
  }
  const id = { namespace: body.Namespace as string, name: body.MetricName as string, dimensions: dims(body.Dimensions) };
  const datapoints = alignedBuckets(metrics, id, start, Math.min(end, visibleUntil(visibility)), period, body.Unit as string | undefined).map((b) => ({
    Timestamp: seconds(b.t),
    ...Object.fromEntries(statistics.map((s) => [s, statistic(b.cells, s)])),
    ...(extended.length > 0 ? { ExtendedStatistics: Object.fromEntries(extended.map((s) => [s, statistic(b.cells, s)])) } : {}),
    Unit: (body.Unit as string | undefined) ?? b.cells[0]?.unit ?? 'None',
  }));
  return { Label: id.name, Datapoints: datapoints };
}

export function listMetrics(metrics: MetricStore, body: Body): Body {
  validateCw([
    ['namespace', body.Namespace, { type: 'string', minLength: 1, maxLength: 255 }],
    ['metricName', body.MetricName, { type: 'string', minLength: 1, maxLength: 255 }],
    ['dimensions', body.Dimensions, { type: 'list', maxLength: 10 }],
  ]);
  const found = metrics.list({
    ...(body.Namespace === undefined ? {} : { namespace: body.Namespace as string }),
    ...(body.MetricName === undefined ? {} : { name: body.MetricName as string }),
    ...(body.Dimensions === undefined ? {} : { dimensions: body.Dimensions as Array<{ Name: string; Value?: string }> }),
  });
  return { Metrics: found.map((m) => ({ Namespace: m.namespace, MetricName: m.name, Dimensions: m.dimensions })) };
}
