/**
 * Metric alarm evaluation, a pure function of (rule, datapoints, current state) → verdict:
 * the last EvaluationPeriods periods are compared to the threshold; DatapointsToAlarm of them
 * breaching means ALARM; missing datapoints are treated per TreatMissingData (`missing`: only an
 * all-missing window gives INSUFFICIENT_DATA; `ignore`: the state is kept; `breaching` /
 * `notBreaching`: counted as such). Reasons follow CloudWatch's wording.
 */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';

export const COMPARISONS: Record<string, { words: string; test: (v: number, t: number) => boolean }> = {
  GreaterThanOrEqualToThreshold: { words: 'greater than or equal to', test: (v, t) => v >= t },
  GreaterThanThreshold: { words: 'greater than', test: (v, t) => v > t },
  LessThanThreshold: { words: 'less than', test: (v, t) => v < t },
  LessThanOrEqualToThreshold: { words: 'less than or equal to', test: (v, t) => v <= t },
};

export interface AlarmRule {
  statistic: string;
  periodS: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: string;
  treatMissingData: TreatMissingData;
}

/** One period's value, most recent first; `value` undefined when the period had no data. */
export interface Datapoint {
  t: number;
  value: number | undefined;
}

export interface Verdict {
  /** The new state, or undefined to keep the current one. */
  state: AlarmState | undefined;
  reason: string;
  reasonData: Record<string, unknown>;
}

function stamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const shown = (points: Datapoint[]) => points.filter((p) => p.value !== undefined).map((p) => `${formatNumber(p.value!)} (${stamp(p.t)})`).join(', ');

function formatNumber(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

export function evaluate(rule: AlarmRule, points: Datapoint[], now: number): Verdict {
  const cmp = COMPARISONS[rule.comparison]!;
  const present = points.filter((p) => p.value !== undefined);
  const missing = points.length - present.length;
  let breaching = present.filter((p) => cmp.test(p.value!, rule.threshold)).length;
  let considered = present.length;
  if (rule.treatMissingData === 'breaching') {
    breaching += missing;
    considered += missing;
  } else if (rule.treatMissingData === 'notBreaching') {
    considered += missing;
  }
  const reasonData: Record<string, unknown> = {
    version: '1.0',
    queryDate: new Date(now).toISOString(),
    startDate: new Date(now - rule.evaluationPeriods * rule.periodS * 1000).toISOString(),
    statistic: rule.statistic,
    period: rule.periodS,
    recentDatapoints: present.map((p) => p.value),
    threshold: rule.threshold,
    evaluatedDatapoints: points.map((p) => ({ timestamp: new Date(p.t).toISOString(), ...(p.value === undefined ? {} : { value: p.value }) })),
  };
  const m = rule.datapointsToAlarm;
  const minimum = `(minimum ${plural(m, 'datapoint')} for OK -> ALARM transition)`;

  if (breaching >= m) {
    return {
      state: 'ALARM',
      reason: `Threshold Crossed: ${breaching} out of the last ${plural(points.length, 'datapoint')} [${shown(points)}] ${breaching === 1 ? 'was' : 'were'} ${cmp.words} the threshold (${formatNumber(rule.threshold)}) ${minimum}.`,
      reasonData,
    };
  }
  if (considered === 0) {
    if (rule.treatMissingData === 'ignore') {
      return { state: undefined, reason: `No datapoints in the last ${plural(points.length, 'period')}: state kept (TreatMissingData ignore).`, reasonData };
    }
    return { state: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${plural(points.length, 'datapoint')} ${points.length === 1 ? 'was' : 'were'} unknown.`, reasonData };
  }
  const okCount = considered - breaching;
  if (present.length === 0) {
    return {
      state: 'OK',
      reason: `Threshold Crossed: no datapoints were received for ${plural(points.length, 'period')} and ${plural(missing, 'missing datapoint')} ${missing === 1 ? 'was' : 'were'} treated as [NonBreaching].`,
      reasonData,
    };
  }
  return {
    state: 'OK',
    reason: `Threshold Crossed: ${plural(okCount, 'datapoint')} [${shown(points)}] ${okCount === 1 ? 'was' : 'were'} not ${cmp.words} the threshold (${formatNumber(rule.threshold)}).`,
    reasonData,
  };
}
