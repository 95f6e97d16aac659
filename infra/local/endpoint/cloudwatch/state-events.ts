/**
 * CloudWatch's `CloudWatch Alarm State Change` event, as CloudWatch sends it to EventBridge's
 * default bus when a metric alarm changes state: `detail` names the alarm, its new `state` and
 * its `previousState` (value, reason, reasonData, timestamp as `2019-10-02T17:04:40.989+0000`) and
 * its `configuration` (description and the metric it watches); `resources` holds the alarm's ARN.
 */
import { randomUUID } from 'node:crypto';
import type { ServiceEvent } from '../../ways-in/eventbridge.ts';
import type { AlarmStateChange } from './alarms.ts';

export const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function alarmStateChange({ alarm, previous }: AlarmStateChange): ServiceEvent {
  return {
    source: 'aws.cloudwatch',
    detailType: ALARM_STATE_CHANGE,
    resources: [alarm.arn],
    time: alarm.stateUpdated,
    detail: {
      alarmName: alarm.name,
      state: {
        value: alarm.state,
        reason: alarm.stateReason,
        ...(alarm.stateReasonData === undefined ? {} : { reasonData: alarm.stateReasonData }),
        timestamp: timestamp(alarm.stateUpdated),
      },
      previousState: {
        value: previous.value,
        reason: previous.reason,
        ...(previous.reasonData === undefined ? {} : { reasonData: previous.reasonData }),
        timestamp: timestamp(previous.timestamp),
      },
      configuration: {
        ...(alarm.description === undefined ? {} : { description: alarm.description }),
        metrics: [
          {
            id: randomUUID(),
            metricStat: {
              metric: {
                dimensions: Object.fromEntries(alarm.dimensions.map((d) => [d.Name, d.Value])),
                name: alarm.metricName,
                namespace: alarm.namespace,
              },
              period: alarm.periodS,
              stat: alarm.statistic ?? alarm.extendedStatistic,
            },
            returnData: true,
          },
        ],
      },
    },
  };
}
