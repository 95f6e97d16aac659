/**
 * CloudWatch through the query protocol (AWS CLI 2.9, boto3 from Debian: form-encoded requests,
 * XML answers and errors) and through JSON (AWS SDK v3), against the same alarms and metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchClient, DescribeAlarmHistoryCommand } from '@aws-sdk/client-cloudwatch';
import { startLocalEngine, type LocalEngine } from '../../infra/local/engine.ts';
import { CLOUDWATCH_MAPS, CLOUDWATCH_QUERY_SHAPES, CLOUDWATCH_TIMESTAMPS } from '../../infra/local/endpoint/cloudwatch/query-shapes.ts';
import { aws, boto3, botocoreModel, cliErrorCode, clientsPresent, modelErrors } from './clients.ts';

const present = clientsPresent();
const model = present ? botocoreModel('cloudwatch') : undefined;
const SERVED = ['PutMetricAlarm', 'DescribeAlarms', 'DescribeAlarmHistory', 'DeleteAlarms', 'SetAlarmState', 'PutMetricData', 'GetMetricData', 'GetMetricStatistics', 'ListMetrics'];

describe.skipIf(!present)('CloudWatch as Debian’s AWS CLI and boto3 see it (query protocol)', { timeout: 120_000 }, () => {
  let engine: LocalEngine;
  const cw = (...args: string[]) => aws(engine.url, engine.region, ['cloudwatch', ...args]);
  beforeAll(async () => {
    // Real time: no evaluation moves the alarms between the CLI's calls.
    engine = await startLocalEngine({ speed: 1, logLevel: 'SILENT', metricLagSeconds: 0 });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('knows every number, boolean, list, map and timestamp member of the served operations, by the model', () => {
    const found = { numbers: new Set<string>(), booleans: new Set<string>(), lists: new Set<string>(), timestamps: new Set<string>(), maps: new Set<string>() };
    const walk = (shapeName: string, member: string, seen: Set<string>, input: boolean) => {
      const shape = model.shapes[shapeName];
      if (['integer', 'long', 'double', 'float'].includes(shape.type)) found.numbers.add(member);
      if (shape.type === 'boolean') found.booleans.add(member);
      if (shape.type === 'timestamp') found.timestamps.add(member);
      if (shape.type === 'map' && !input) found.maps.add(member);
      if (shape.type === 'list') {
        if (input) found.lists.add(member);
        walk(shape.member.shape, member, seen, input);
      }
      if (shape.type === 'structure' && !seen.has(shapeName)) {
        for (const [name, m] of Object.entries<any>(shape.members)) walk(m.shape, name, new Set([...seen, shapeName]), input);
      }
    };
    for (const op of SERVED) {
      const o = model.operations[op];
      expect(o, op).toBeDefined();
      if (o.input) walk(o.input.shape, '', new Set(), true);
      if (o.output) walk(o.output.shape, '', new Set(), false);
    }
    for (const n of found.numbers) expect(CLOUDWATCH_QUERY_SHAPES.numbers.has(n), n).toBe(true);
    for (const b of found.booleans) expect(CLOUDWATCH_QUERY_SHAPES.booleans.has(b), b).toBe(true);
    for (const l of found.lists) expect(CLOUDWATCH_QUERY_SHAPES.lists.has(l), l).toBe(true);
    for (const t of found.timestamps) expect(CLOUDWATCH_TIMESTAMPS.has(t), t).toBe(true);
    expect([...found.maps]).toEqual([...CLOUDWATCH_MAPS]);
    // A dimension's Value is a string in the model, though a datum's Value is a double.
    expect(model.shapes[model.shapes.Dimension.members.Value.shape].type).toBe('string');
    expect(CLOUDWATCH_QUERY_SHAPES.texts.has('Dimensions.Value')).toBe(true);
  });

  it('creates, describes, sets and lists the history of an alarm through the CLI', async () => {
    const put = await cw(
      'put-metric-alarm', '--alarm-name', 'cli-errors', '--namespace', 'AWS/Lambda', '--metric-name', 'Errors', '--statistic', 'Sum',
      '--period', '60', '--evaluation-periods', '2', '--datapoints-to-alarm', '1', '--threshold', '1.5',
      '--comparison-operator', 'GreaterThanOrEqualToThreshold', '--dimensions', 'Name=FunctionName,Value=orders', '--treat-missing-data', 'notBreaching',
    );
    expect(put.stderr).toBe('');
    expect(put.code).toBe(0);
    const described = await cw('describe-alarms', '--alarm-names', 'cli-errors');
    expect(described.code).toBe(0);
    const [alarm] = described.json.MetricAlarms;
    // StateTransitionedTimestamp came to the model after Debian's botocore 1.29 (the CLI's own model has it).
    const members = [...Object.keys(model.shapes.MetricAlarm.members), 'StateTransitionedTimestamp'];
    for (const key of Object.keys(alarm)) expect(members, key).toContain(key);
    expect(alarm).toMatchObject({ AlarmName: 'cli-errors', Period: 60, EvaluationPeriods: 2, DatapointsToAlarm: 1, Threshold: 1.5, Dimensions: [{ Name: 'FunctionName', Value: 'orders' }] });
    expect(alarm.StateUpdatedTimestamp).toMatch(/^\d{4}-\d\d-\d\dT/);

    expect((await cw('set-alarm-state', '--alarm-name', 'cli-errors', '--state-value', 'ALARM', '--state-reason', 'drill')).code).toBe(0);
    const history = await cw('describe-alarm-history', '--alarm-name', 'cli-errors', '--history-item-type', 'StateUpdate');
    expect(history.code).toBe(0);
    // Newest first: the drill's change to ALARM (from OK: with notBreaching the first evaluation said OK).
    const [item] = history.json.AlarmHistoryItems;
    expect(item).toMatchObject({ AlarmName: 'cli-errors', AlarmType: 'MetricAlarm', HistoryItemType: 'StateUpdate', HistorySummary: 'Alarm updated from OK to ALARM' });
    expect(JSON.parse(item.HistoryData)).toMatchObject({ oldState: { stateValue: 'OK' }, newState: { stateValue: 'ALARM', stateReason: 'drill' } });
    for (const key of Object.keys(item)) expect(Object.keys(model.shapes.AlarmHistoryItem.members)).toContain(key);
  });

  it('puts and reads metric data through the CLI', async () => {
    const data = JSON.stringify([{ MetricName: 'Latency', Value: 42, Unit: 'Milliseconds', Dimensions: [{ Name: 'Service', Value: '7' }] }]);
    expect((await cw('put-metric-data', '--namespace', 'Conformance', '--metric-data', data)).code).toBe(0);
    const listed = await cw('list-metrics', '--namespace', 'Conformance');
    expect(listed.json.Metrics).toEqual([{ Namespace: 'Conformance', MetricName: 'Latency', Dimensions: [{ Name: 'Service', Value: '7' }] }]);
    const now = engine.clock.now();
    const range = ['--start-time', new Date(now - 600_000).toISOString(), '--end-time', new Date(now + 60_000).toISOString()];
    const stats = await cw('get-metric-statistics', '--namespace', 'Conformance', '--metric-name', 'Latency', '--dimensions', 'Name=Service,Value=7', '--period', '3600', '--statistics', 'Maximum', 'SampleCount', ...range);
    expect(stats.code).toBe(0);
    expect(stats.json.Datapoints).toHaveLength(1);
    expect(stats.json.Datapoints[0]).toMatchObject({ Maximum: 42, SampleCount: 1, Unit: 'Milliseconds' });
    const queries = JSON.stringify([{ Id: 'm1', MetricStat: { Metric: { Namespace: 'Conformance', MetricName: 'Latency', Dimensions: [{ Name: 'Service', Value: '7' }] }, Period: 3600, Stat: 'Sum' }, ReturnData: true }]);
    const got = await cw('get-metric-data', '--metric-data-queries', queries, ...range);
    expect(got.code).toBe(0);
    expect(got.json.MetricDataResults[0]).toMatchObject({ Id: 'm1', StatusCode: 'Complete', Values: [42] });
    expect(got.json.MetricDataResults[0].Timestamps[0]).toMatch(/^\d{4}-/);
  });

  it('answers errors as XML the CLI reads, with the codes of the model', async () => {
    const missing = await cw('delete-alarms', '--alarm-names', 'no-such-alarm');
    expect(missing.code).not.toBe(0);
    expect(cliErrorCode(missing)).toBe('ResourceNotFound');
    expect(modelErrors(model, 'DeleteAlarms')).toContain('ResourceNotFound');
    const invalid = await cw('describe-alarms', '--state-value', 'ALARM', '--max-records', '101');
    expect(cliErrorCode(invalid)).toBe('ValidationError');
  });

  it('serves boto3 over the query protocol, errors with Type Sender', async () => {
    const out = await boto3(engine.url, engine.region, `
cw = client('cloudwatch')
cw.put_metric_alarm(AlarmName='boto-alarm', Namespace='AWS/Lambda', MetricName='Errors', Statistic='Sum', Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator='GreaterThanOrEqualToThreshold', ActionsEnabled=False, Dimensions=[{'Name': 'FunctionName', 'Value': '1'}])
alarms = cw.describe_alarms(AlarmNamePrefix='boto-')['MetricAlarms']
pages = [len(p['MetricAlarms']) for p in cw.get_paginator('describe_alarms').paginate(PaginationConfig={'PageSize': 1})]
err = error_of(lambda: cw.set_alarm_state(AlarmName='nope', StateValue='OK', StateReason='x'))
bad = error_of(lambda: cw.set_alarm_state(AlarmName='boto-alarm', StateValue='OK', StateReason='x', StateReasonData='not json'))
emit({'alarms': alarms, 'pages': pages, 'err': err, 'bad': bad})
`);
    expect(out.alarms).toHaveLength(1);
    expect(out.alarms[0]).toMatchObject({ AlarmName: 'boto-alarm', ActionsEnabled: false, Threshold: 1, Dimensions: [{ Name: 'FunctionName', Value: '1' }] });
    expect(out.pages.every((n: number) => n === 1)).toBe(true);
    expect(out.pages.length).toBeGreaterThanOrEqual(2);
    expect(out.err).toMatchObject({ Code: 'ResourceNotFound', Type: 'Sender', Status: 404, Class: 'ResourceNotFound' });
    expect(modelErrors(model, 'SetAlarmState')).toEqual(expect.arrayContaining(['ResourceNotFound', 'InvalidFormat']));
    expect(out.bad).toMatchObject({ Code: 'InvalidFormat', Type: 'Sender' });
  });

  it('still serves the same alarms over JSON to the AWS SDK v3', async () => {
    const client = new CloudWatchClient({ endpoint: engine.url, region: engine.region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const out = await client.send(new DescribeAlarmHistoryCommand({ AlarmName: 'cli-errors', ScanBy: 'TimestampAscending' }));
    expect(out.AlarmHistoryItems?.map((i) => i.HistorySummary)).toEqual(['Alarm "cli-errors" created', 'Alarm updated from INSUFFICIENT_DATA to OK', 'Alarm updated from OK to ALARM']);
    expect(out.AlarmHistoryItems?.[0]?.Timestamp).toBeInstanceOf(Date);
  });
});
