/**
 * CloudWatch alarm states: DescribeAlarms with up to 100 names a call (the API's limit), metric
 * and composite alarms, following NextToken. A name CloudWatch does not return is reported as
 * missing: an unknown alarm is never taken for "OK".
 */
import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { toGlidepathError } from './sdk-errors.ts';
import type { AlarmReader, AlarmReading, AlarmState } from '../core/ports/alarm-reader.ts';

export const ALARM_NAMES_PER_CALL = 100;

/** Reads the state of every named alarm. Throws a GlidepathError (THROTTLED / INTERNAL_ERROR) when CloudWatch cannot be read. */
export async function readAlarms(cloudwatch: CloudWatchClient, names: readonly string[]): Promise<AlarmReading> {
  const unique = [...new Set(names)];
  const found = new Map<string, AlarmState>();
  for (let i = 0; i < unique.length; i += ALARM_NAMES_PER_CALL) {
    const batch = unique.slice(i, i + ALARM_NAMES_PER_CALL);
    let nextToken: string | undefined;
    do {
      let out;
      try {
        out = await cloudwatch.send(
          new DescribeAlarmsCommand({
            AlarmNames: batch,
            AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
            MaxRecords: ALARM_NAMES_PER_CALL,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
      } catch (error) {
        throw toGlidepathError(error, `cloudwatch:DescribeAlarms (${batch.length} alarms)`);
      }
      for (const alarm of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
        if (!alarm.AlarmName || !batch.includes(alarm.AlarmName)) continue;
        found.set(alarm.AlarmName, {
          name: alarm.AlarmName,
          state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
          ...(alarm.StateReason ? { reason: alarm.StateReason } : {}),
        });
      }
      nextToken = out.NextToken || undefined;
    } while (nextToken);
  }
  return {
    alarms: unique.flatMap((name) => found.get(name) ?? []),
    missing: unique.filter((name) => !found.has(name)),
  };
}

/** The AlarmReader port on CloudWatch DescribeAlarms. */
export function cloudWatchAlarmReader(cloudwatch: CloudWatchClient): AlarmReader {
  return { read: (names) => readAlarms(cloudwatch, names) };
}
