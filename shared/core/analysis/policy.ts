/**
 * The analysis policy a deployment runs with: the request's `analysis` over the defaults. With no
 * `analysis` at all, every deployment judges its target's error rate and p99 duration against
 * the current version's (shared/core/analysis/defaults.ts says why these numbers).
 */
import type { DeploymentRequest } from '../model/request.ts';
import type { AnalysisMetric, BuiltInCheck, CustomCheck, InconclusiveAction } from '../model/analysis.ts';
import { durationToSeconds } from '../model/durations.ts';
import type { Tolerance } from './judge.ts';
import { ANALYSIS_DEFAULTS } from './defaults.ts';

export interface PolicyCheck {
  name: string;
  /** A rate (errors / invocations) is judged with judgeRate; a value with judgeValue. */
  kind: 'rate' | 'value';
  tolerance: Tolerance;
  minSamples: number;
  failures: number;
  direction: 'higherIsWorse' | 'lowerIsWorse';
  /** Where its numbers come from. */
  source: { builtIn: BuiltInCheck } | { metric: AnalysisMetric } | { expression: string; metrics: Record<string, AnalysisMetric> };
}

export interface AnalysisPolicy {
  enabled: boolean;
  lagSeconds: number;
  windowSeconds: number;
  onInconclusive: InconclusiveAction;
  extendUpToSeconds: number;
  checks: PolicyCheck[];
}

function builtIn(name: BuiltInCheck, tuning: NonNullable<NonNullable<DeploymentRequest['analysis']>['checks']>[BuiltInCheck]): PolicyCheck | undefined {
  if (tuning?.enabled === false) return undefined;
  const defaults = ANALYSIS_DEFAULTS.checks[name];
  return {
    name,
    kind: name === 'errorRate' ? 'rate' : 'value',
    tolerance: { relative: tuning?.tolerance?.relative ?? defaults.tolerance.relative, absolute: tuning?.tolerance?.absolute ?? defaults.tolerance.absolute },
    minSamples: tuning?.minSamples ?? defaults.minSamples,
    failures: tuning?.failures ?? defaults.failures,
    direction: 'higherIsWorse',
    source: { builtIn: name },
  };
}

function custom(check: CustomCheck): PolicyCheck | undefined {
  if (check.enabled === false) return undefined;
  const defaults = ANALYSIS_DEFAULTS.custom;
  return {
    name: check.name,
    kind: 'value',
    tolerance: { relative: check.tolerance?.relative ?? defaults.tolerance.relative, absolute: check.tolerance?.absolute ?? defaults.tolerance.absolute },
    minSamples: check.minSamples ?? defaults.minSamples,
    failures: check.failures ?? defaults.failures,
    direction: check.direction,
    source: check.metric ? { metric: check.metric } : { expression: check.expression!, metrics: check.metrics ?? {} },
  };
}

export function analysisPolicy(request: Pick<DeploymentRequest, 'analysis'>): AnalysisPolicy {
  const analysis = request.analysis;
  const checks = [
    builtIn('errorRate', analysis?.checks?.errorRate),
    builtIn('p99Duration', analysis?.checks?.p99Duration),
    ...(analysis?.custom ?? []).map(custom),
  ].filter((c): c is PolicyCheck => c !== undefined);
  return {
    enabled: (analysis?.enabled ?? true) && checks.length > 0,
    lagSeconds: analysis?.lag === undefined ? ANALYSIS_DEFAULTS.lagSeconds : durationToSeconds(analysis.lag),
    windowSeconds: analysis?.window === undefined ? ANALYSIS_DEFAULTS.windowSeconds : durationToSeconds(analysis.window),
    onInconclusive: analysis?.onInconclusive ?? ANALYSIS_DEFAULTS.onInconclusive,
    extendUpToSeconds: analysis?.extendUpTo === undefined ? ANALYSIS_DEFAULTS.extendUpToSeconds : durationToSeconds(analysis.extendUpTo),
    checks,
  };
}
