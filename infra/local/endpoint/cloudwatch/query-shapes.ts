/**
 * What the query protocol needs to know of CloudWatch's shapes (botocore's cloudwatch/2010-08-01
 * model): form values arrive as text, so these name the members that are numbers, booleans,
 * lists and timestamps across the operations the engine serves. test/conformance checks them
 * against the model.
 */
import type { QueryShapes } from '../query/form.ts';

export const CLOUDWATCH_XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
export const CLOUDWATCH_VERSION = '2010-08-01';

export const CLOUDWATCH_QUERY_SHAPES: QueryShapes = {
  numbers: new Set([
    'ActionsSuppressorExtensionPeriod', 'ActionsSuppressorWaitPeriod', 'Average', 'Counts', 'DatapointsToAlarm',
    'EvaluationPeriods', 'MaxDatapoints', 'MaxRecords', 'Maximum', 'Minimum', 'Period', 'SampleCount',
    'StorageResolution', 'Sum', 'Threshold', 'Value', 'Values',
  ]),
  booleans: new Set(['ActionsEnabled', 'IncludeLinkedAccounts', 'ReturnData']),
  lists: new Set([
    'AlarmActions', 'AlarmNames', 'AlarmTypes', 'Counts', 'Dimensions', 'ExtendedStatistics', 'InsufficientDataActions',
    'MetricData', 'MetricDataQueries', 'OKActions', 'Statistics', 'Tags', 'Values', 'Metrics',
  ]),
  // A dimension's (and a dimension filter's) Value is text; a datum's Value a number.
  texts: new Set(['Dimensions.Value', 'Tags.Value']),
};

export const CLOUDWATCH_TIMESTAMPS: ReadonlySet<string> = new Set([
  'AlarmConfigurationUpdatedTimestamp', 'EndDate', 'EndTime', 'StartDate', 'StartTime', 'StateTransitionedTimestamp',
  'StateUpdatedTimestamp', 'Timestamp', 'Timestamps',
]);

/** Output members that are maps (DatapointValueMap). */
export const CLOUDWATCH_MAPS: ReadonlySet<string> = new Set(['ExtendedStatistics']);
