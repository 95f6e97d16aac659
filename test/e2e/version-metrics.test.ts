/**
 * Lambda's per-version metrics as the analysis reads them: traffic through a weighted alias in
 * virtual time, then GetMetricData (SDK v3, JSON) on AWS/Lambda by FunctionName, Resource and
 * ExecutedVersion — sums per version, p99 and SampleCount, metric math, the minute's arrival lag,
 * paging and the 500-query limit.
 */
import { describe, expect, it } from 'vitest';
import { GetMetricDataCommand, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { useEngine } from './support/engine.ts';
import { createTrafficApp, startTraffic } from './support/traffic.ts';
import { invokeAlias } from '../../shared/aws/sample-app.ts';

const ctx = useEngine({ speed: 'max' });

const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;

function stat(id: string, functionName: string, resource: string, version: string | undefined, metricName: string, statName: string): MetricDataQuery {
  const dimensions = [
    { Name: 'FunctionName', Value: functionName },
    { Name: 'Resource', Value: resource },
    ...(version === undefined ? [] : [{ Name: 'ExecutedVersion', Value: version }]),
  ];
  return { Id: id, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: metricName, Dimensions: dimensions }, Period: 60, Stat: statName } };
}

const total = (r: MetricDataResult | undefined) => (r?.Values ?? []).reduce((a, b) => a + b, 0);

describe('per-version Lambda metrics through GetMetricData', { timeout: 120_000 }, () => {
  it('counts invocations and errors per executed version, with p99 Duration and metric math', async () => {
    const { engine, lambda, cloudwatch } = ctx;
    const app = await createTrafficApp(lambda, 'metrics', [{ errorRate: 0.02 }, { errorRate: 0.3, latencyMs: 25 }], { seed: 7 });
    await lambda.send(new UpdateAliasCommand({ FunctionName: app.functionName, Name: app.alias, FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.3 } } }));
    const started = engine.clock.now();
    const traffic = startTraffic(lambda, engine.clock, app, 120, { durationSeconds: 300 });
    await traffic.done;
    const { counts } = traffic;
    expect(counts.requests).toBe(600);
    expect(counts.byVersion['2']!.requests).toBeGreaterThan(100);
    expect(counts.byVersion['2']!.errors).toBeGreaterThan(counts.byVersion['1']!.errors);
    await engine.clock.sleep(61);

    const resource = `${app.functionName}:${app.alias}`;
    const q = (id: string, v: string | undefined, m: string, s: string) => stat(id, app.functionName, resource, v, m, s);
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(minute(started)),
        EndTime: new Date(engine.clock.now()),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          q('inv1', '1', 'Invocations', 'Sum'),
          q('err1', '1', 'Errors', 'Sum'),
          q('inv2', '2', 'Invocations', 'Sum'),
          q('err2', '2', 'Errors', 'Sum'),
          q('p99b', '2', 'Duration', 'p99'),
          q('n2', '2', 'Duration', 'SampleCount'),
          { ...q('all', undefined, 'Invocations', 'Sum'), ReturnData: false },
          { Id: 'rate2', Expression: '100 * FILL(err2, 0) / inv2', Label: 'v2 error %' },
          { Id: 'both', Expression: 'SUM([inv1, inv2]) - all' },
        ],
      }),
    );
    const byId = new Map(out.MetricDataResults!.map((r) => [r.Id!, r]));
    expect(out.MetricDataResults!.map((r) => r.Id)).toEqual(['inv1', 'err1', 'inv2', 'err2', 'p99b', 'n2', 'rate2', 'both']);
    expect(total(byId.get('inv1'))).toBe(counts.byVersion['1']!.requests);
    expect(total(byId.get('err1'))).toBe(counts.byVersion['1']!.errors);
    expect(total(byId.get('inv2'))).toBe(counts.byVersion['2']!.requests);
    expect(total(byId.get('err2'))).toBe(counts.byVersion['2']!.errors);
    expect(total(byId.get('n2'))).toBe(counts.byVersion['2']!.requests);
    // Five minutes of traffic, a datapoint a minute, stamped on the minute.
    const inv2 = byId.get('inv2')!;
    expect(inv2.Timestamps!.length).toBeGreaterThanOrEqual(5);
    for (const t of inv2.Timestamps!) expect(t.getTime() % 60_000).toBe(0);
    expect(byId.get('p99b')!.Values!.every((v) => v >= 25)).toBe(true);
    const rate = byId.get('rate2')!;
    expect(rate.Label).toBe('v2 error %');
    rate.Timestamps!.forEach((t, i) => {
      const at = inv2.Timestamps!.findIndex((x) => x.getTime() === t.getTime());
      const err = byId.get('err2')!.Values![byId.get('err2')!.Timestamps!.findIndex((x) => x.getTime() === t.getTime())] ?? 0;
      expect(rate.Values![i]).toBeCloseTo((100 * err) / inv2.Values![at]!, 9);
    });
    expect(byId.get('both')!.Values!.every((v) => v === 0)).toBe(true);
    expect(byId.get('both')!.StatusCode).toBe('Complete');
  });

  it('shows a datapoint only once the arrival lag has passed on the engine clock', async () => {
    const { engine, lambda, cloudwatch } = ctx;
    const cw = engine.endpoint.cloudwatch;
    // The engine's default: Lambda's metrics arrive about a minute late on AWS.
    expect(cw.metricLagSeconds).toBe(60);
    // Virtual time leaps between calls (to the next scheduled-rule tick, up to a minute): a lag
    // longer than that leaves room to see the datapoint missing first.
    cw.metricLagSeconds = 300;
    try {
      const app = await createTrafficApp(lambda, 'lag', [{ errorRate: 0 }]);
      const resource = `${app.functionName}:${app.alias}`;
      const before = engine.clock.now();
      expect((await invokeAlias(lambda, app.functionName, app.alias, { seq: 1 })).executedVersion).toBe('1');
      const after = engine.clock.now();
      const read = async () => {
        const out = await cloudwatch.send(
          new GetMetricDataCommand({
            StartTime: new Date(minute(before)),
            EndTime: new Date(minute(before) + 3_600_000),
            MetricDataQueries: [stat('inv', app.functionName, resource, '1', 'Invocations', 'Sum')],
          }),
        );
        return total(out.MetricDataResults![0]);
      };
      const seen: Array<{ from: number; to: number; count: number }> = [];
      for (let i = 0; i < 30 && seen.at(-1)?.count !== 1; i += 1) {
        const from = engine.clock.now();
        const count = await read();
        seen.push({ from, to: engine.clock.now(), count });
        await engine.clock.sleep(30);
      }
      // The datapoint's timestamp lies in [before, after] (to the second): invisible while the
      // read ended before it plus the lag, visible once the read began after that.
      const lagMs = 300_000;
      for (const o of seen) {
        if (o.to < Math.floor(before / 1000) * 1000 + lagMs) expect(o.count, JSON.stringify(o)).toBe(0);
        if (o.from >= after + lagMs) expect(o.count, JSON.stringify(o)).toBe(1);
      }
      expect(seen[0]!.count).toBe(0);
      expect(seen.at(-1)!.count).toBe(1);
    } finally {
      cw.metricLagSeconds = 60;
    }
  });

  it('pages by MaxDatapoints with NextToken, and refuses more than 500 queries and a bad Id', async () => {
    const { engine, lambda, cloudwatch } = ctx;
    const app = await createTrafficApp(lambda, 'paging', [{ errorRate: 0 }]);
    const started = engine.clock.now();
    await startTraffic(lambda, engine.clock, app, 2, { durationSeconds: 300 }).done;
    await engine.clock.sleep(61);
    const resource = `${app.functionName}:${app.alias}`;
    const input = {
      StartTime: new Date(minute(started)),
      EndTime: new Date(engine.clock.now()),
      MaxDatapoints: 2,
      MetricDataQueries: [stat('inv', app.functionName, resource, '1', 'Invocations', 'Sum'), stat('dur', app.functionName, resource, '1', 'Duration', 'SampleCount')],
    };
    const whole = await cloudwatch.send(new GetMetricDataCommand({ ...input, MaxDatapoints: 1000 }));
    const points = whole.MetricDataResults!.reduce((n, r) => n + r.Values!.length, 0);
    expect(points).toBeGreaterThanOrEqual(10);
    const seen = new Map<string, number[]>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await cloudwatch.send(new GetMetricDataCommand({ ...input, ...(token ? { NextToken: token } : {}) }));
      pages += 1;
      expect(page.MetricDataResults!.reduce((n, r) => n + r.Values!.length, 0)).toBeLessThanOrEqual(2);
      for (const r of page.MetricDataResults!) seen.set(r.Id!, [...(seen.get(r.Id!) ?? []), ...r.Values!]);
      token = page.NextToken;
    } while (token);
    expect(pages).toBe(Math.ceil(points / 2));
    expect(seen.get('inv')).toEqual(whole.MetricDataResults![0]!.Values);
    expect(seen.get('dur')).toEqual(whole.MetricDataResults![1]!.Values);

    const many = Array.from({ length: 501 }, (_, i) => stat(`m${i}`, app.functionName, resource, '1', 'Invocations', 'Sum'));
    const tooMany = await cloudwatch.send(new GetMetricDataCommand({ ...input, MetricDataQueries: many })).catch((e: Error) => e);
    expect(tooMany).toMatchObject({ name: 'ValidationException', message: 'The collection MetricDataQueries must not have a size greater than 500.' });
    expect((await cloudwatch.send(new GetMetricDataCommand({ ...input, MetricDataQueries: many.slice(0, 500) }))).MetricDataResults).toHaveLength(500);
    const badId = await cloudwatch.send(new GetMetricDataCommand({ ...input, MetricDataQueries: [{ ...many[0]!, Id: 'Inv' }] })).catch((e: Error) => e);
    expect(badId).toMatchObject({ name: 'ValidationException' });
    expect((badId as Error).message).toContain('[a-z][a-zA-Z0-9_]*');
  });
});
