/** Alarms for end-to-end tests. */
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { uniqueName } from './app.ts';
import type { E2E } from './engine.ts';

/** A metric alarm on a metric nobody writes: only SetAlarmState moves it ('ignore' keeps the state). */
export async function manualAlarm(c: E2E, state: 'OK' | 'ALARM' = 'OK', prefix = 'manual-alarm'): Promise<string> {
  const name = uniqueName(prefix);
  await c.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'Glidepath/E2E',
      MetricName: 'Unused',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
    }),
  );
  await c.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: `e2e: ${state}` }));
  return name;
}
