/**
 * The loopback CloudWatch API through the real @aws-sdk/client-cloudwatch (awsJson1_0, query
 * compatible): metric data and statistics, alarm definitions and their limits, and SetAlarmState.
 * The clock runs at Infinity speed here: time moves only when a test advances it.
 */
import {
  DeleteAlarmsCommand, DescribeAlarmsCommand, GetMetricDataCommand, GetMetricStatisticsCommand, InvalidFormatFault, InvalidNextToken,
  InvalidParameterCombinationException, InvalidParameterValueException, ListMetricsCommand, PutMetricAlarmCommand, PutMetricDataCommand,
  ResourceNotFound, SetAlarmStateCommand, ValidationException, type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf, startTestEndpoint, type TestEndpoint } from './endpoint-helpers.ts';

let t: TestEndpoint;
beforeAll(async () => {
  t = await startTestEndpoint({ speed: Infinity });
});
afterAll(async () => {
  await t.close();
});

const at = (secondsFromStart: number) => new Date(Date.parse('2026-03-01T12:00:00Z') + secondsFromStart * 1000);

function alarm(name: string, extra: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommand {
  return new PutMetricAlarmCommand({
    AlarmName: name,
    Namespace: 'Shop',
    MetricName: 'Failures',
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
    ...extra,
  });
}

describe('metric data', () => {
  it('stores PutMetricData and answers GetMetricData by period, statistic and scan order', async () => {
    const dims = [{ Name: 'Service', Value: 'cart' }];
    await t.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'Shop',
        MetricData: [
          { MetricName: 'Latency', Dimensions: dims, Timestamp: at(-110), Values: [10, 20, 30], Counts: [1, 1, 2], Unit: 'Milliseconds' },
          { MetricName: 'Latency', Dimensions: dims, Timestamp: at(-50), Value: 100, Unit: 'Milliseconds' },
          { MetricName: 'Latency', Dimensions: [{ Name: 'Service', Value: 'other' }], Timestamp: at(-50), Value: 9999 },
        ],
      }),
    );
    const query = (Id: string, Stat: string) => ({ Id, MetricStat: { Metric: { Namespace: 'Shop', MetricName: 'Latency', Dimensions: dims }, Period: 60, Stat } });
    const out = await t.cloudwatch.send(
      new GetMetricDataCommand({ StartTime: at(-120), EndTime: at(0), MetricDataQueries: [query('sum', 'Sum'), query('avg', 'Average'), query('p99', 'p99'), query('n', 'SampleCount')] }),
    );
    const byId = Object.fromEntries(out.MetricDataResults!.map((r) => [r.Id, r]));
    expect(byId.sum!.Timestamps).toEqual([at(-60), at(-120)]);
    expect(byId.sum!.Values).toEqual([100, 90]);
    expect(byId.avg!.Values).toEqual([100, 22.5]);
    expect(byId.p99!.Values).toEqual([100, 30]);
    expect(byId.n!.Values).toEqual([1, 4]);
    const ascending = await t.cloudwatch.send(new GetMetricDataCommand({ StartTime: at(-120), EndTime: at(0), ScanBy: 'TimestampAscending', MetricDataQueries: [query('sum', 'Sum')] }));
    expect(ascending.MetricDataResults![0]!.Values).toEqual([90, 100]);

    const stats = await t.cloudwatch.send(
      new GetMetricStatisticsCommand({ Namespace: 'Shop', MetricName: 'Latency', Dimensions: dims, StartTime: at(-120), EndTime: at(0), Period: 120, Statistics: ['Maximum', 'Sum'] }),
    );
    expect(stats.Datapoints).toEqual([{ Timestamp: at(-120), Maximum: 100, Sum: 190, Unit: 'Milliseconds' }]);
    const listed = await t.cloudwatch.send(new ListMetricsCommand({ Namespace: 'Shop', MetricName: 'Latency' }));
    expect(listed.Metrics).toHaveLength(2);
  });

  it('refuses AWS/ namespaces, mixed Value/Values and bad time ranges', async () => {
    const aws = await rejectionOf(() => t.cloudwatch.send(new PutMetricDataCommand({ Namespace: 'AWS/Lambda', MetricData: [{ MetricName: 'Errors', Value: 1 }] })));
    expect(aws).toBeInstanceOf(InvalidParameterValueException);
    const both = await rejectionOf(() => t.cloudwatch.send(new PutMetricDataCommand({ Namespace: 'Shop', MetricData: [{ MetricName: 'X', Value: 1, Values: [1] }] })));
    expect(both).toBeInstanceOf(InvalidParameterCombinationException);
    const backwards = await rejectionOf(() =>
      t.cloudwatch.send(new GetMetricDataCommand({ StartTime: at(0), EndTime: at(-60), MetricDataQueries: [{ Id: 'q', MetricStat: { Metric: { Namespace: 'Shop', MetricName: 'X' }, Period: 60, Stat: 'Sum' } }] })),
    );
    expect(backwards).toBeInstanceOf(ValidationException);
  });
});

describe('alarm definitions', () => {
  it('rejects definitions the service rejects', async () => {
    const cases: Array<[Partial<PutMetricAlarmCommandInput>, unknown]> = [
      [{ DatapointsToAlarm: 3, EvaluationPeriods: 2 }, ValidationException],
      [{ Period: 45 }, ValidationException],
      [{ ExtendedStatistic: 'p99' }, InvalidParameterCombinationException],
      [{ TreatMissingData: 'sometimes' }, ValidationException],
      [{ Period: 60, EvaluationPeriods: 1441 }, ValidationException],
      [{ AlarmName: '' }, ValidationException],
    ];
    for (const [extra, type] of cases) {
      const error = await rejectionOf(() => t.cloudwatch.send(alarm('bad', extra)));
      expect(error).toBeInstanceOf(type);
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
  });

  it('holds DescribeAlarms to the model: at most 100 names, MaxRecords ≤ 100, paging, prefix and state filters', async () => {
    for (const name of ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']) await t.cloudwatch.send(alarm(name));
    const names101 = Array.from({ length: 101 }, (_, i) => `n${i}`);
    const tooMany = await rejectionOf(() => t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names101 })));
    expect(tooMany).toBeInstanceOf(ValidationException);
    expect(tooMany.message).toContain("at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to 100");
    const hundred = await t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [...names101.slice(0, 99), 'page-c'] }));
    expect(hundred.MetricAlarms!.map((a) => a.AlarmName)).toEqual(['page-c']);
    expect(await rejectionOf(() => t.cloudwatch.send(new DescribeAlarmsCommand({ MaxRecords: 101 })))).toBeInstanceOf(ValidationException);

    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'page-', MaxRecords: 2, NextToken: token }));
      expect(page.MetricAlarms!.length).toBeLessThanOrEqual(2);
      seen.push(...page.MetricAlarms!.map((a) => a.AlarmName!));
      token = page.NextToken;
    } while (token);
    expect(seen).toEqual(['page-a', 'page-b', 'page-c', 'page-d', 'page-e']);

    const ok = await t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'page-', StateValue: 'OK' }));
    expect(ok.MetricAlarms).toHaveLength(5);
    const together = await rejectionOf(() => t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['page-a'], AlarmNamePrefix: 'page-' })));
    expect(together).toBeInstanceOf(InvalidParameterCombinationException);
    expect(await rejectionOf(() => t.cloudwatch.send(new DescribeAlarmsCommand({ NextToken: 'garbage' })))).toBeInstanceOf(InvalidNextToken);
  });

  it('deletes alarms all or nothing', async () => {
    const error = await rejectionOf(() => t.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['page-a', 'does-not-exist'] })));
    expect(error).toBeInstanceOf(ResourceNotFound);
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect((await t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['page-a'] }))).MetricAlarms).toHaveLength(1);
    await t.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ['page-a', 'page-b'] }));
    expect((await t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['page-a', 'page-b', 'page-c'] }))).MetricAlarms!.map((a) => a.AlarmName)).toEqual(['page-c']);
  });
});

describe('SetAlarmState', () => {
  it('holds a set state until the next evaluation on the clock, then returns to the actual state', async () => {
    await t.cloudwatch.send(alarm('forced'));
    const initial = (await t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['forced'] }))).MetricAlarms![0]!;
    expect(initial.StateValue).toBe('OK');
    await t.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'forced', StateValue: 'ALARM', StateReason: 'drill', StateReasonData: '{"by":"test"}' }));
    const set = (await t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['forced'] }))).MetricAlarms![0]!;
    expect(set).toMatchObject({ StateValue: 'ALARM', StateReason: 'drill', StateReasonData: '{"by":"test"}' });
    expect(set.StateUpdatedTimestamp).toEqual(new Date(t.clock.now()));

    t.clock.advance(30);
    expect((await t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['forced'] }))).MetricAlarms![0]!.StateValue).toBe('ALARM');
    t.clock.advance(31);
    const back = (await t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['forced'] }))).MetricAlarms![0]!;
    expect(back.StateValue).toBe('OK');
    expect(back.StateUpdatedTimestamp).toEqual(new Date(t.clock.now()));
  });

  it('refuses unknown alarms (ResourceNotFound) and reason data that is not JSON (InvalidFormatFault)', async () => {
    expect(await rejectionOf(() => t.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'ghost', StateValue: 'OK', StateReason: 'x' })))).toBeInstanceOf(ResourceNotFound);
    const format = await rejectionOf(() => t.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'forced', StateValue: 'OK', StateReason: 'x', StateReasonData: '{' })));
    expect(format).toBeInstanceOf(InvalidFormatFault);
  });
});

describe('throttling by fault injection', () => {
  it('throttles a JSON-protocol call with the query-compatible Throttling code, which the SDK retries', async () => {
    t.endpoint.faults.add({ service: 'cloudwatch', operation: 'DescribeAlarms', count: 1 });
    const out = await t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'page-' }));
    expect(out.$metadata.attempts).toBe(2);
    t.endpoint.faults.add({ service: 'cloudwatch', operation: 'DescribeAlarms', count: 5 });
    const error = await rejectionOf(() => t.cloudwatch.send(new DescribeAlarmsCommand({})));
    expect(error.name).toBe('Throttling');
    expect(error.$metadata.attempts).toBe(3);
    t.endpoint.faults.clear();
  });
});
