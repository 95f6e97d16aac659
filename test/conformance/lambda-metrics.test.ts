/**
 * Lambda's per-version metrics read by Debian's AWS CLI 2.9 and boto3 (query protocol): traffic
 * through a weighted alias, then get-metric-data (sums per ExecutedVersion, p99, metric math,
 * the 500-query limit, the arrival lag), get-metric-statistics with p99, boto3's paginator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaClient, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { startLocalEngine, type LocalEngine } from '../../infra/local/engine.ts';
import { invokeAlias } from '../../shared/aws/sample-app.ts';
import { createTrafficApp } from '../e2e/support/traffic.ts';
import type { App } from '../e2e/support/app.ts';
import { aws, boto3, cliErrorCode, clientsPresent } from './clients.ts';

const present = clientsPresent();

describe.skipIf(!present)('per-version Lambda metrics as Debian’s AWS CLI and boto3 read them', { timeout: 180_000 }, () => {
  let engine: LocalEngine;
  let lambda: LambdaClient;
  let app: App;
  const counts: Record<string, { requests: number; errors: number }> = {};
  let range: string[];
  const cw = (...args: string[]) => aws(engine.url, engine.region, ['cloudwatch', ...args]);
  const dims = (version: string) => [
    { Name: 'FunctionName', Value: app.functionName },
    { Name: 'Resource', Value: `${app.functionName}:${app.alias}` },
    { Name: 'ExecutedVersion', Value: version },
  ];
  const q = (id: string, version: string, metric: string, stat: string) => ({ Id: id, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: dims(version) }, Period: 60, Stat: stat } });
  const sum = (values: number[] | undefined) => (values ?? []).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    engine = await startLocalEngine({ speed: 1, logLevel: 'SILENT', metricLagSeconds: 0 });
    lambda = new LambdaClient({ endpoint: engine.url, region: engine.region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    app = await createTrafficApp(lambda, 'conformance-metrics', [{ errorRate: 0 }, { errorRate: 1, latencyMs: 5 }]);
    await lambda.send(new UpdateAliasCommand({ FunctionName: app.functionName, Name: app.alias, FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } } }));
    for (let seq = 1; seq <= 30; seq += 1) {
      const { executedVersion, failed } = await invokeAlias(lambda, app.functionName, app.alias, { seq });
      const slot = (counts[executedVersion] ??= { requests: 0, errors: 0 });
      slot.requests += 1;
      if (failed) slot.errors += 1;
    }
    const now = engine.clock.now();
    range = ['--start-time', new Date(now - 600_000).toISOString(), '--end-time', new Date(now + 120_000).toISOString()];
  });
  afterAll(async () => {
    lambda?.destroy();
    await engine?.close();
  });

  it('answers get-metric-data per executed version, with p99 and metric math, through the CLI', async () => {
    expect(counts['1']?.requests).toBeGreaterThan(0);
    expect(counts['2']?.requests).toBeGreaterThan(0);
    const queries = [
      q('inv1', '1', 'Invocations', 'Sum'),
      q('err1', '1', 'Errors', 'Sum'),
      q('inv2', '2', 'Invocations', 'Sum'),
      q('err2', '2', 'Errors', 'Sum'),
      q('p99b', '2', 'Duration', 'p99'),
      { Id: 'rate2', Expression: 'FILL(err2, 0) / inv2', Label: 'v2 error rate' },
    ];
    const got = await cw('get-metric-data', '--metric-data-queries', JSON.stringify(queries), '--scan-by', 'TimestampAscending', ...range);
    expect(got.stderr).toBe('');
    const byId = new Map<string, any>(got.json.MetricDataResults.map((r: any) => [r.Id, r]));
    expect([...byId.keys()]).toEqual(['inv1', 'err1', 'inv2', 'err2', 'p99b', 'rate2']);
    expect(sum(byId.get('inv1').Values)).toBe(counts['1']!.requests);
    expect(sum(byId.get('err1').Values)).toBe(0);
    expect(sum(byId.get('inv2').Values)).toBe(counts['2']!.requests);
    expect(sum(byId.get('err2').Values)).toBe(counts['2']!.errors);
    expect(counts['2']!.errors).toBe(counts['2']!.requests);
    expect(byId.get('p99b').Values.every((v: number) => v >= 5)).toBe(true);
    expect(byId.get('rate2')).toMatchObject({ Label: 'v2 error rate', StatusCode: 'Complete' });
    expect(byId.get('rate2').Values.every((v: number) => v === 1)).toBe(true);
    expect(byId.get('inv2').Timestamps.every((t: string) => new Date(t).getTime() % 60_000 === 0)).toBe(true);
  });

  it('answers get-metric-statistics with p99 as an extended statistic', async () => {
    const stats = await cw(
      'get-metric-statistics', '--namespace', 'AWS/Lambda', '--metric-name', 'Duration', '--period', '3600', '--extended-statistics', 'p99', 'p50',
      // JSON: the CLI's shorthand trips over the colon in Resource's value.
      '--dimensions', JSON.stringify(dims('2')), ...range,
    );
    expect(stats.stderr, stats.stderr).toBe('');
    const points = stats.json.Datapoints as Array<{ ExtendedStatistics: Record<string, number>; Unit: string }>;
    expect(points.length).toBeGreaterThanOrEqual(1);
    for (const p of points) {
      expect(p.Unit).toBe('Milliseconds');
      expect(p.ExtendedStatistics.p99).toBeGreaterThanOrEqual(p.ExtendedStatistics.p50!);
      expect(p.ExtendedStatistics.p50).toBeGreaterThanOrEqual(5);
    }
  });

  it('refuses 501 queries and a bad Id with ValidationError, as CloudWatch does', async () => {
    const many = Array.from({ length: 501 }, (_, i) => ({ Id: `m${i}`, MetricStat: { Metric: { Namespace: 'N', MetricName: 'M' }, Period: 60, Stat: 'Sum' } }));
    const tooMany = await cw('get-metric-data', '--metric-data-queries', JSON.stringify(many), ...range);
    expect(tooMany.code).not.toBe(0);
    expect(cliErrorCode(tooMany)).toBe('ValidationError');
    expect(tooMany.stderr).toContain('must not have a size greater than 500');
    const fine = await cw('get-metric-data', '--metric-data-queries', JSON.stringify(many.slice(0, 500)), ...range);
    expect(fine.json.MetricDataResults).toHaveLength(500);
    const badId = await cw('get-metric-data', '--metric-data-queries', JSON.stringify([{ ...many[0], Id: '1st' }]), ...range);
    expect(cliErrorCode(badId)).toBe('ValidationError');
  });

  it('hides datapoints until the arrival lag has passed', async () => {
    const queries = JSON.stringify([q('inv1', '1', 'Invocations', 'Sum')]);
    engine.endpoint.cloudwatch.metricLagSeconds = 3600;
    try {
      const hidden = await cw('get-metric-data', '--metric-data-queries', queries, ...range);
      expect(hidden.json.MetricDataResults[0].Values).toEqual([]);
    } finally {
      engine.endpoint.cloudwatch.metricLagSeconds = 0;
    }
    const shown = await cw('get-metric-data', '--metric-data-queries', queries, ...range);
    expect(sum(shown.json.MetricDataResults[0].Values)).toBe(counts['1']!.requests);
  });

  it('pages get-metric-data for boto3’s paginator, and answers pNN.N', async () => {
    const [start, end] = [range[1]!, range[3]!];
    const out = await boto3(engine.url, engine.region, `
cw = client('cloudwatch')
queries = ${JSON.stringify([q('inv1', '1', 'Invocations', 'Sum'), q('inv2', '2', 'Invocations', 'Sum'), q('p999', '2', 'Duration', 'p99.9'), q('n2', '2', 'Duration', 'SampleCount')])}
start = datetime.datetime.fromisoformat('${start}'.replace('Z', '+00:00'))
end = datetime.datetime.fromisoformat('${end}'.replace('Z', '+00:00'))
whole = cw.get_metric_data(MetricDataQueries=queries, StartTime=start, EndTime=end)
paged, pages = {}, 0
for page in cw.get_paginator('get_metric_data').paginate(MetricDataQueries=queries, StartTime=start, EndTime=end, PaginationConfig={'PageSize': 1}):
    pages += 1
    for r in page['MetricDataResults']:
        paged.setdefault(r['Id'], []).extend(r['Values'])
bad = error_of(lambda: cw.get_metric_data(MetricDataQueries=[dict(queries[0], Id='Bad')], StartTime=start, EndTime=end))
emit({'whole': {r['Id']: r['Values'] for r in whole['MetricDataResults']}, 'paged': paged, 'pages': pages, 'bad': bad})
`);
    expect(out.paged).toEqual(out.whole);
    const points = Object.values<number[]>(out.whole).reduce((n, v) => n + v.length, 0);
    expect(out.pages).toBe(points);
    expect(sum(out.whole.n2)).toBe(counts['2']!.requests);
    expect(out.whole.p999.every((v: number) => v >= 5)).toBe(true);
    expect(out.bad).toMatchObject({ Code: 'ValidationError', Type: 'Sender' });
  });
});
