/**
 * CloudWatch metrics as the analysis reads them: many queries over one time range, answered
 * together. On AWS, GetMetricData (shared/aws/metric-reader.ts).
 */

/** One GetMetricData query: a metric with a statistic, or metric math over other ids of the same read. */
export interface MetricQuery {
  /** GetMetricData's Id rules: `^[a-z][a-zA-Z0-9_]*$`, unique within a read. */
  id: string;
  metric?: {
    namespace: string;
    metricName: string;
    dimensions: { name: string; value: string }[];
    /** Sum, SampleCount, Average, Minimum, Maximum, p99, p99.9, … */
    stat: string;
    periodSeconds: number;
    unit?: string;
  };
  expression?: string;
  /** For expressions. */
  periodSeconds?: number;
  /** Default true; false for a metric only an expression needs. */
  returnData?: boolean;
}

export interface MetricSeries {
  id: string;
  /** ISO times, oldest first, each the start of its period. */
  timestamps: string[];
  values: number[];
  status: 'Complete' | 'PartialData' | 'InternalError' | 'Forbidden';
}

export interface MetricReader {
  /**
   * Answers every query for [start, end) (ISO times). The adapter splits the queries into calls
   * of at most 500, follows NextToken and retries throttling and server errors.
   */
  read(queries: readonly MetricQuery[], window: { start: string; end: string }): Promise<Map<string, MetricSeries>>;
}
