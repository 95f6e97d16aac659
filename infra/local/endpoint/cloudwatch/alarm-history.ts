/**
 * CloudWatch's alarm history (DescribeAlarmHistory): a ConfigurationUpdate item for each
 * PutMetricAlarm and a StateUpdate item for each change of state, with HistoryData in the JSON
 * form CloudWatch writes (`{"version":"1.0","oldState":…,"newState":…}`). CloudWatch keeps 30
 * days; the engine keeps the newest items up to a bound so a long rehearsal cannot grow it without end.
 */
import type { Clock } from '../../../../shared/core/ports/clock.ts';
import { cwError, readTimestamp, seconds, validateCw } from './errors.ts';

export type HistoryItemType = 'ConfigurationUpdate' | 'StateUpdate' | 'Action';

export interface HistoryItem {
  alarmName: string;
  timestamp: number;
  type: HistoryItemType;
  summary: string;
  data: string;
}

const MAX_ITEMS = 10_000;
const RETENTION_MS = 30 * 24 * 3600 * 1000;

export class AlarmHistory {
  readonly #items: HistoryItem[] = [];

  constructor(readonly clock: Clock) {}

  add(item: HistoryItem): void {
    this.#items.push(item);
    if (this.#items.length > MAX_ITEMS) this.#items.splice(0, this.#items.length - MAX_ITEMS);
  }

  /** DescribeAlarmHistory on the wire. */
  describe(body: Record<string, unknown>): Record<string, unknown> {
    validateCw([
      ['alarmName', body.AlarmName, { type: 'string', minLength: 1, maxLength: 255 }],
      ['alarmTypes', body.AlarmTypes, { type: 'list' }],
      ['historyItemType', body.HistoryItemType, { type: 'string', enum: ['ConfigurationUpdate', 'StateUpdate', 'Action'] }],
      ['maxRecords', body.MaxRecords, { type: 'integer', min: 1, max: 100 }],
      ['nextToken', body.NextToken, { type: 'string' }],
      ['scanBy', body.ScanBy, { type: 'string', enum: ['TimestampDescending', 'TimestampAscending'] }],
    ]);
    const from = body.StartDate === undefined ? -Infinity : readTimestamp(body.StartDate, 'startDate');
    const to = body.EndDate === undefined ? Infinity : readTimestamp(body.EndDate, 'endDate');
    const types = (body.AlarmTypes as string[] | undefined) ?? ['MetricAlarm'];
    const oldest = this.clock.now() - RETENTION_MS;
    const matching = types.includes('MetricAlarm')
      ? this.#items.filter(
          (i) =>
            i.timestamp >= oldest &&
            i.timestamp >= from &&
            i.timestamp <= to &&
            (body.AlarmName === undefined || i.alarmName === body.AlarmName) &&
            (body.HistoryItemType === undefined || i.type === body.HistoryItemType),
        )
      : [];
    if (body.ScanBy !== 'TimestampAscending') matching.reverse();
    let start = 0;
    if (body.NextToken !== undefined) {
      const match = /^history:(\d+)$/.exec(Buffer.from(String(body.NextToken), 'base64url').toString('utf8'));
      if (!match) throw cwError.invalidNextToken('The service cannot process the NextToken.');
      start = Number(match[1]);
    }
    const max = (body.MaxRecords as number | undefined) ?? 100;
    const page = matching.slice(start, start + max);
    return {
      AlarmHistoryItems: page.map((i) => ({
        AlarmName: i.alarmName,
        AlarmType: 'MetricAlarm',
        Timestamp: seconds(i.timestamp),
        HistoryItemType: i.type,
        HistorySummary: i.summary,
        HistoryData: i.data,
      })),
      ...(start + max < matching.length ? { NextToken: Buffer.from(`history:${start + max}`).toString('base64url') } : {}),
    };
  }
}
