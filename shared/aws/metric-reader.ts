/**
 * The MetricReader port on CloudWatch GetMetricData: at most 500 queries a call (the API's limit),
 * every page followed (NextToken), the pages of one id joined and sorted oldest first. The SDK
 * retries throttling and server errors; what still fails is a THROTTLED / INTERNAL_ERROR the
 * watcher tries again at its next tick.
 */
import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { MetricQuery, MetricReader, MetricSeries } from '../core/ports/metric-reader.ts';
import { toGlidepathError } from './sdk-errors.ts';

export const METRIC_QUERIES_PER_CALL = 500;

function toQuery(query: MetricQuery): MetricDataQuery {
  const out: MetricDataQuery = { Id: query.id, ReturnData: query.returnData ?? true };
  if (query.metric) {
    const m = query.metric;
    out.MetricStat = {
      Metric: { Namespace: m.namespace, MetricName: m.metricName, Dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: d.value })) },
      Stat: m.stat,
      Period: m.periodSeconds,
      ...(m.unit ? { Unit: m.unit as never } : {}),
    };
  }
  if (query.expression !== undefined) {
    out.Expression = query.expression;
    if (query.periodSeconds !== undefined) out.Period = query.periodSeconds;
  }
  return out;
}

/**
 * Splits queries into calls of at most `size`, keeping each expression in the call of the
 * metrics it names (a group: the queries of one deployment's check are given together and are
 * never split across calls).
 */
export function batches(groups: readonly (readonly MetricQuery[])[], size = METRIC_QUERIES_PER_CALL): MetricQuery[][] {
  const out: MetricQuery[][] = [];
  let current: MetricQuery[] = [];
  for (const group of groups) {
    if (current.length + group.length > size && current.length > 0) {
      out.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) out.push(current);
  return out;
}

async function readBatch(cloudwatch: CloudWatchClient, batch: readonly MetricQuery[], window: { start: string; end: string }, into: Map<string, MetricSeries>): Promise<void> {
  let nextToken: string | undefined;
  do {
    let out;
    try {
      out = await cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: batch.map(toQuery),
          StartTime: new Date(window.start),
          EndTime: new Date(window.end),
          ScanBy: 'TimestampAscending',
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
    } catch (error) {
      throw toGlidepathError(error, `cloudwatch:GetMetricData (${batch.length} queries)`);
    }
    for (const result of out.MetricDataResults ?? []) {
      if (!result.Id) continue;
      const series = into.get(result.Id) ?? { id: result.Id, timestamps: [], values: [], status: 'Complete' as MetricSeries['status'] };
      const timestamps = result.Timestamps ?? [];
      const values = result.Values ?? [];
      timestamps.forEach((t, i) => {
        series.timestamps.push(new Date(t).toISOString());
        series.values.push(values[i] ?? Number.NaN);
      });
      if (result.StatusCode && result.StatusCode !== 'Complete') series.status = result.StatusCode as MetricSeries['status'];
      into.set(result.Id, series);
    }
    nextToken = out.NextToken || undefined;
  } while (nextToken);
}

function sortSeries(series: MetricSeries): MetricSeries {
  const order = series.timestamps.map((t, i) => i).sort((a, b) => series.timestamps[a]!.localeCompare(series.timestamps[b]!));
  return { ...series, timestamps: order.map((i) => series.timestamps[i]!), values: order.map((i) => series.values[i]!) };
}

/** Reads queries given in groups (see `batches`); `read` of the port takes one group per query. */
export async function readMetricGroups(
  cloudwatch: CloudWatchClient,
  groups: readonly (readonly MetricQuery[])[],
  window: { start: string; end: string },
): Promise<Map<string, MetricSeries>> {
  const found = new Map<string, MetricSeries>();
  for (const batch of batches(groups)) await readBatch(cloudwatch, batch, window, found);
  return new Map([...found].map(([id, series]) => [id, sortSeries(series)]));
}

export function cloudWatchMetricReader(cloudwatch: CloudWatchClient): MetricReader {
  return {
    read: (queries, window) => readMetricGroups(cloudwatch, groupByExpression(queries), window),
  };
}

/** Each expression with the queries it names; the rest on their own. */
function groupByExpression(queries: readonly MetricQuery[]): MetricQuery[][] {
  const byId = new Map(queries.map((q) => [q.id, q]));
  const taken = new Set<string>();
  const groups: MetricQuery[][] = [];
  for (const query of queries) {
    if (query.expression === undefined) continue;
    const named = [...query.expression.matchAll(/\b[a-z][a-zA-Z0-9_]*\b/g)].map((m) => m[0]).filter((id) => byId.has(id) && id !== query.id);
    const group = [...named.filter((id) => !taken.has(id)).map((id) => byId.get(id)!), query];
    for (const q of group) taken.add(q.id);
    groups.push(group);
  }
  for (const query of queries) if (!taken.has(query.id)) groups.push([query]);
  return groups;
}
