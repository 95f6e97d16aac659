/**
 * One round of analysis for one deployment: the series CloudWatch returned, summed over the
 * span, judged check by check (shared/core/analysis/judge.ts), the consecutive rule applied, and
 * the deployment's analysis state after it. Pure: the watcher reads and writes.
 */
import type { AnalysisState, DeploymentRecord, Verdict } from '../model/record.ts';
import type { MetricQuery, MetricSeries } from '../ports/metric-reader.ts';
import { applyConsecutive, judgeRate, judgeValue, type Judgement, type Outcome, type RateSample, type ValueSample } from './judge.ts';
import type { AnalysisPolicy, PolicyCheck } from './policy.ts';
import { checkQueries, type CheckSeriesIds, type Side } from './queries.ts';
import type { AnalysisSpan, Interval } from './span.ts';
import { ANALYSIS_DEFAULTS } from './defaults.ts';

export interface PlannedAnalysis {
  span: AnalysisSpan;
  queries: MetricQuery[];
  ids: { check: PolicyCheck; target: CheckSeriesIds; current: CheckSeriesIds }[];
}

/** The queries for a deployment's span; `prefix` keeps its ids apart from other deployments' in one read. */
export function planAnalysis(record: Pick<DeploymentRecord, 'functionName' | 'alias' | 'targetVersion' | 'currentVersion'>, policy: AnalysisPolicy, span: AnalysisSpan, prefix: string): PlannedAnalysis {
  const queries: MetricQuery[] = [];
  const ids = policy.checks.map((check, index) => {
    const side = (which: Side) => {
      const built = checkQueries(check, { functionName: record.functionName, alias: record.alias, version: which === 'target' ? record.targetVersion : record.currentVersion }, `${prefix}c${index}${which === 'target' ? 't' : 'c'}`);
      queries.push(...built.queries);
      return built.ids;
    };
    return { check, target: side('target'), current: side('current') };
  });
  return { span, queries, ids };
}

function within(series: MetricSeries | undefined, interval: Interval): { timestamp: number; value: number }[] {
  if (!series) return [];
  const start = Date.parse(interval.start);
  const end = Date.parse(interval.end);
  return series.timestamps.flatMap((t, i) => {
    const at = Date.parse(t);
    const value = series.values[i]!;
    return at >= start && at < end && Number.isFinite(value) ? [{ timestamp: at, value }] : [];
  });
}

const sum = (points: { value: number }[]) => points.reduce((total, p) => total + p.value, 0);

function rateSample(ids: CheckSeriesIds, series: Map<string, MetricSeries>, interval: Interval): RateSample {
  return { errors: sum(within(series.get(ids.errors!), interval)), invocations: sum(within(series.get(ids.invocations!), interval)) };
}

/**
 * A value over several minutes: a sum for Sum and SampleCount; otherwise each minute's value
 * weighted by its samples (a p99 of the span is not known from per-minute p99s: the weighted
 * mean is the usual estimate, and both versions get the same). An expression's minutes weigh the same.
 */
function valueSample(check: PolicyCheck, ids: CheckSeriesIds, series: Map<string, MetricSeries>, interval: Interval): ValueSample {
  const values = within(series.get(ids.value!), interval);
  if (ids.expression) {
    return { value: values.length === 0 ? undefined : sum(values) / values.length, samples: values.length };
  }
  const samples = new Map(within(series.get(ids.samples!), interval).map((p) => [p.timestamp, p.value]));
  const total = [...samples.values()].reduce((a, b) => a + b, 0);
  const stat = 'metric' in check.source ? check.source.metric.stat : 'p99';
  if (stat === 'Sum' || stat === 'SampleCount') return { value: values.length === 0 ? undefined : sum(values), samples: total };
  let weighted = 0;
  let weight = 0;
  for (const point of values) {
    const n = samples.get(point.timestamp) ?? 0;
    weighted += point.value * n;
    weight += n;
  }
  return { value: weight === 0 ? undefined : weighted / weight, samples: total };
}

function judge(check: PolicyCheck, target: CheckSeriesIds, current: CheckSeriesIds, series: Map<string, MetricSeries>, span: AnalysisSpan): Judgement {
  if (check.kind === 'rate') {
    return judgeRate({ name: check.name, tolerance: check.tolerance, minSamples: check.minSamples, confidence: ANALYSIS_DEFAULTS.confidence }, rateSample(target, series, span.target), rateSample(current, series, span.current));
  }
  return judgeValue(
    { name: check.name, tolerance: check.tolerance, minSamples: check.minSamples, direction: check.direction },
    valueSample(check, target, series, span.target),
    valueSample(check, current, series, span.current),
  );
}

export interface AnalysisRound {
  state: AnalysisState;
  verdicts: Verdict[];
  /** The judgement that fails the deployment (its check reached its consecutive failures). */
  failed?: Judgement;
}

/** Judges the span from `series` and moves the deployment's analysis state on. */
export function evaluateAnalysis(
  previous: AnalysisState | undefined,
  planned: PlannedAnalysis,
  series: Map<string, MetricSeries>,
  at: string,
): AnalysisRound {
  const { span } = planned;
  const same = previous?.stepIndex === span.stepIndex ? previous : undefined;
  const recent: Record<string, Outcome[]> = {};
  const verdicts: Verdict[] = [];
  let failed: Judgement | undefined;
  for (const { check, target, current } of planned.ids) {
    const before = same?.recent[check.name] ?? [];
    const raw = judge(check, target, current, series, span);
    const judged = applyConsecutive(raw, before, check.failures);
    // The rule counts the intervals' own outcomes, not what the rule made of them.
    recent[check.name] = [...before, raw.outcome].slice(-Math.max(1, check.failures - 1));
    const { check: name, outcome, message, ...numbers } = judged;
    verdicts.push({ at, check: name, outcome, message, interval: { start: span.target.start, end: span.target.end }, stepIndex: span.stepIndex, ...numbers });
    if (outcome === 'Fail' && !failed) failed = judged;
  }
  const allPass = verdicts.length > 0 && verdicts.every((v) => v.outcome === 'Pass');
  const passingSince = allPass ? (same?.passingSince ?? span.target.start) : undefined;
  const state: AnalysisState = {
    stepIndex: span.stepIndex,
    judgedUntil: span.target.end,
    recent,
    ...(passingSince ? { passingSince } : {}),
    ...(failed ? { failure: { check: failed.check, message: failed.message, at } } : same?.failure ? { failure: same.failure } : {}),
    lastVerdicts: verdicts,
  };
  return { state, verdicts, ...(failed ? { failed } : {}) };
}
