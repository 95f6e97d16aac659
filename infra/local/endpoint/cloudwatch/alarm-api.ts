/**
 * CloudWatch's alarm operations on the wire: PutMetricAlarm, DescribeAlarms, DeleteAlarms,
 * SetAlarmState — inputs checked against the model's limits (e.g. at most 100 AlarmNames).
 */
import { alarmFromInput } from './alarm-input.ts';
import type { AlarmStore } from './alarms.ts';
import { cwError, validateCw } from './errors.ts';
import type { AlarmState } from './evaluate.ts';

type Body = Record<string, unknown>;
const STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

function alarmNameChecks(names: unknown, required: boolean) {
  const list = Array.isArray(names) ? names : [];
  return [
    ['alarmNames', names, { required, type: 'list', maxLength: 100 }] as const,
    ...list.map((n, i) => [`alarmNames.${i + 1}.member`, n, { required: true, type: 'string', minLength: 1, maxLength: 255 }] as const),
  ];
}

function readToken(token: unknown): number {
  if (token === undefined) return 0;
  const text = typeof token === 'string' ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const match = /^alarms:(\d+)$/.exec(text);
  if (!match) throw cwError.invalidNextToken('The service cannot process the NextToken.');
  return Number(match[1]);
}

export function putMetricAlarm(alarms: AlarmStore, body: Body): Body {
  alarms.put(alarmFromInput(body));
  return {};
}

export function describeAlarms(alarms: AlarmStore, body: Body): Body {
  validateCw([
    ...alarmNameChecks(body.AlarmNames, false),
    ['alarmNamePrefix', body.AlarmNamePrefix, { type: 'string', minLength: 1, maxLength: 255 }],
    ['alarmTypes', body.AlarmTypes, { type: 'list' }],
    ['childrenOfAlarmName', body.ChildrenOfAlarmName, { type: 'string', minLength: 1, maxLength: 255 }],
    ['parentsOfAlarmName', body.ParentsOfAlarmName, { type: 'string', minLength: 1, maxLength: 255 }],
    ['stateValue', body.StateValue, { type: 'string', enum: STATES }],
    ['actionPrefix', body.ActionPrefix, { type: 'string', minLength: 1, maxLength: 1024 }],
    ['maxRecords', body.MaxRecords, { type: 'integer', min: 1, max: 100 }],
    ['nextToken', body.NextToken, { type: 'string' }],
    ...((body.AlarmTypes as unknown[] | undefined) ?? []).map(
      (t, i) => [`alarmTypes.${i + 1}.member`, t, { type: 'string', enum: ['CompositeAlarm', 'MetricAlarm'] }] as const,
    ),
  ]);
  if (body.AlarmNames !== undefined && body.AlarmNamePrefix !== undefined) {
    throw cwError.invalidParameterCombination('AlarmNamePrefix and AlarmNames cannot be specified together.');
  }
  const types = (body.AlarmTypes as string[] | undefined) ?? ['MetricAlarm'];
  const start = readToken(body.NextToken);
  const max = (body.MaxRecords as number | undefined) ?? 50;
  // Composite alarms are not kept locally, and a parent/child query names only composite relations.
  const related = body.ChildrenOfAlarmName !== undefined || body.ParentsOfAlarmName !== undefined;
  const matching =
    types.includes('MetricAlarm') && !related
      ? alarms.describe({
          ...(body.AlarmNames === undefined ? {} : { names: body.AlarmNames as string[] }),
          ...(body.AlarmNamePrefix === undefined ? {} : { prefix: body.AlarmNamePrefix as string }),
          ...(body.StateValue === undefined ? {} : { state: body.StateValue as AlarmState }),
          ...(body.ActionPrefix === undefined ? {} : { actionPrefix: body.ActionPrefix as string }),
        })
      : [];
  const pageOf = matching.slice(start, start + max);
  const next = start + max < matching.length ? Buffer.from(`alarms:${start + max}`).toString('base64url') : undefined;
  return {
    ...(types.includes('MetricAlarm') ? { MetricAlarms: pageOf.map((a) => alarms.render(a)) } : {}),
    ...(types.includes('CompositeAlarm') ? { CompositeAlarms: [] } : {}),
    ...(next ? { NextToken: next } : {}),
  };
}

export function deleteAlarms(alarms: AlarmStore, body: Body): Body {
  validateCw(alarmNameChecks(body.AlarmNames, true));
  alarms.delete(body.AlarmNames as string[]);
  return {};
}

export function setAlarmState(alarms: AlarmStore, body: Body): Body {
  validateCw([
    ['alarmName', body.AlarmName, { required: true, type: 'string', minLength: 1, maxLength: 255 }],
    ['stateValue', body.StateValue, { required: true, type: 'string', enum: STATES }],
    ['stateReason', body.StateReason, { required: true, type: 'string', minLength: 0, maxLength: 1023 }],
    ['stateReasonData', body.StateReasonData, { type: 'string', minLength: 0, maxLength: 4000 }],
  ]);
  const data = body.StateReasonData as string | undefined;
  if (data !== undefined) {
    try {
      JSON.parse(data);
    } catch {
      throw cwError.invalidFormat('Invalid JSON in StateReasonData');
    }
  }
  alarms.setState(body.AlarmName as string, body.StateValue as AlarmState, body.StateReason as string, data);
  return {};
}
