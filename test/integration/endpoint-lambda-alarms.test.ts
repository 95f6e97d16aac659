/**
 * Local invocations feed the AWS/Lambda metrics (Invocations, Errors, Duration by FunctionName,
 * Resource and ExecutedVersion), and metric alarms on them move ALARM → OK on the engine clock —
 * all observed through the real SDK clients.
 */
import { DescribeAlarmsCommand, GetMetricDataCommand, PutMetricAlarmCommand, type Dimension } from '@aws-sdk/client-cloudwatch';
import { CreateAliasCommand, InvokeCommand, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createFunction, functionReady, startTestEndpoint, taggedHandler, type TestEndpoint } from './endpoint-helpers.ts';

let t: TestEndpoint | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function canary(endpoint: TestEndpoint): Promise<void> {
  await createFunction(endpoint.lambda, 'checkout', taggedHandler('v1'), { Publish: true }, endpoint.clock);
  await endpoint.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'checkout', ZipFile: taggedHandler('v2'), Publish: true }));
  await functionReady(endpoint.lambda, 'checkout', endpoint.clock);
  await endpoint.lambda.send(
    new CreateAliasCommand({ FunctionName: 'checkout', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } } }),
  );
}

const targetErrors: Dimension[] = [
  { Name: 'FunctionName', Value: 'checkout' },
  { Name: 'Resource', Value: 'checkout:live' },
  { Name: 'ExecutedVersion', Value: '2' },
];

async function stateOf(endpoint: TestEndpoint, name: string) {
  return (await endpoint.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms![0]!;
}

describe('AWS/Lambda metrics and alarms from local invocations', () => {
  it('records Invocations, Errors and Duration under the dimension sets Lambda publishes', async () => {
    t = await startTestEndpoint({ speed: Infinity });
    await canary(t);
    const executed: Record<string, number> = { '1': 0, '2': 0 };
    for (let i = 0; i < 40; i++) {
      const out = await t.lambda.send(new InvokeCommand({ FunctionName: 'checkout', Qualifier: 'live', Payload: JSON.stringify({ fail: i % 4 === 0 }) }));
      executed[out.ExecutedVersion!]! += 1;
    }
    const now = t.clock.now();
    const sum = (Id: string, MetricName: string, Dimensions: Dimension[]) => ({
      Id,
      MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName, Dimensions }, Period: 60, Stat: 'Sum' },
    });
    const fn = [{ Name: 'FunctionName', Value: 'checkout' }];
    const alias = [...fn, { Name: 'Resource', Value: 'checkout:live' }];
    const out = await t.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 300_000),
        EndTime: new Date(now + 60_000),
        MetricDataQueries: [
          sum('byfn', 'Invocations', fn),
          sum('byalias', 'Invocations', alias),
          sum('v1', 'Invocations', [...alias, { Name: 'ExecutedVersion', Value: '1' }]),
          sum('v2', 'Invocations', [...alias, { Name: 'ExecutedVersion', Value: '2' }]),
          sum('errors', 'Errors', alias),
          { Id: 'duration', MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Duration', Dimensions: fn }, Period: 60, Stat: 'SampleCount' } },
        ],
      }),
    );
    const total = Object.fromEntries(out.MetricDataResults!.map((r) => [r.Id, r.Values!.reduce((a, b) => a + b, 0)]));
    expect(total).toEqual({ byfn: 40, byalias: 40, v1: executed['1'], v2: executed['2'], errors: 10, duration: 40 });
  });

  it('moves an alarm on the target version’s errors to ALARM after failures and back to OK when the window passes', async () => {
    t = await startTestEndpoint({ speed: Infinity, random: (() => { let i = 0; return () => (i++ % 2 === 0 ? 0.1 : 0.9); })() });
    await canary(t);
    await t.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'checkout-v2-errors',
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: targetErrors,
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    expect((await stateOf(t, 'checkout-v2-errors')).StateValue).toBe('OK');

    // Healthy traffic keeps it OK; the injected draw sends every other call to version 2.
    for (let i = 0; i < 4; i++) await t.lambda.send(new InvokeCommand({ FunctionName: 'checkout', Qualifier: 'live', Payload: '{}' }));
    expect((await stateOf(t, 'checkout-v2-errors')).StateValue).toBe('OK');

    t.clock.advance(10);
    const failing = await t.lambda.send(new InvokeCommand({ FunctionName: 'checkout', Qualifier: 'live', Payload: '{"fail":true}' }));
    expect(failing).toMatchObject({ FunctionError: 'Unhandled', ExecutedVersion: '2' });
    const alarmed = await stateOf(t, 'checkout-v2-errors');
    expect(alarmed.StateValue).toBe('ALARM');
    expect(alarmed.StateReason).toMatch(/^Threshold Crossed: 1 out of the last 2 datapoints \[1\.0 .*\] was greater than or equal to the threshold \(1\.0\)/);
    expect(alarmed.StateUpdatedTimestamp).toEqual(new Date(t.clock.now()));
    const alarmedAt = t.clock.now();

    // Evaluations come every minute; the failure stays inside the 2 × 60 s window at the next one
    // (100 s later) and has left it at the one after (160 s later).
    t.clock.advance(100);
    expect((await stateOf(t, 'checkout-v2-errors')).StateValue).toBe('ALARM');
    t.clock.advance(30);
    expect((await stateOf(t, 'checkout-v2-errors')).StateValue).toBe('ALARM');
    t.clock.advance(30);
    const recovered = await stateOf(t, 'checkout-v2-errors');
    expect(recovered.StateValue).toBe('OK');
    expect(recovered.StateReason).toBe('Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [NonBreaching].');
    expect(recovered.StateUpdatedTimestamp!.getTime() - alarmedAt).toBe(160_000);
  });

  it('evaluates alarms on the clock without being asked, and p99 Duration alarms on ExtendedStatistic', async () => {
    t = await startTestEndpoint({ speed: 600 });
    await createFunction(t.lambda, 'slowish', taggedHandler('s'));
    await t.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'slowish-p99',
        Namespace: 'AWS/Lambda',
        MetricName: 'Duration',
        Dimensions: [{ Name: 'FunctionName', Value: 'slowish' }],
        ExtendedStatistic: 'p99',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    expect((await stateOf(t, 'slowish-p99')).StateValue).toBe('OK');
    await t.lambda.send(new InvokeCommand({ FunctionName: 'slowish', Payload: '{}' }));
    // No API call from here on: the endpoint's own timer evaluates on the clock (a 60 s period is 100 ms real at speed 600).
    const alarms = t.endpoint.cloudwatch.alarms;
    await expect.poll(() => alarms.get('slowish-p99')!.state, { timeout: 2000, interval: 5 }).toBe('ALARM');
    await expect.poll(() => alarms.get('slowish-p99')!.state, { timeout: 2000, interval: 5 }).toBe('OK');
  });
});
