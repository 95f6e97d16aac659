/**
 * The analysis judge: one closed interval of one check, the target version against the current
 * one, decided Pass, Fail or Inconclusive with a message in a fixed form. Pure: counts and values
 * in, a judgement out (docs/analysis.md, "The judge").
 *
 * Rates use a one-sided exact binomial test: H0 "the target's error rate is at most the allowed
 * rate", allowed = max(current * (1 + relative), current + absolute). The current rate is itself
 * an estimate, so the p-value is maximised over a confidence set for it (Berger & Boos 1994):
 * with gamma = 1/5 of the significance level, the current rate's one-sided upper (1 - gamma)
 * Clopper–Pearson bound gives the largest allowed rate, and
 *   p = P(X >= errors | X ~ Binomial(invocations, allowed at that bound)) + gamma,
 * the binomial tail computed as the regularized incomplete beta function
 * I_allowed(errors, invocations - errors + 1).
 */
import jStat from 'jstat';

export type Outcome = 'Pass' | 'Fail' | 'Inconclusive';

/** relative: fraction of current (0.5 = +50 %); absolute: in the check's unit (rates: fraction, 0.005 = +0.5pp; ms for latency). A target is worse only beyond BOTH current*(1+relative) and current+absolute, i.e. allowed = max(current*(1+relative), current+absolute). */
export interface Tolerance {
  relative: number;
  absolute: number;
}

/** One closed interval of one check for both versions. */
export interface RateSample {
  errors: number;
  invocations: number;
}

export interface ValueSample {
  value: number | undefined;
  samples: number;
}

export interface Judgement {
  check: string;
  outcome: Outcome;
  message: string;
  target?: number;
  current?: number;
  pValue?: number;
}

export interface RateCheck {
  name: string;
  tolerance: Tolerance;
  minSamples: number;
  /** 0.99: a Fail needs a p-value below 0.01. */
  confidence: number;
}

export interface ValueCheck {
  name: string;
  tolerance: Tolerance;
  minSamples: number;
  direction: 'higherIsWorse' | 'lowerIsWorse';
}

/** A percentage with one decimal (two below 1 %), trailing zeros dropped: 0.048 → "4.8%", 0.002 → "0.2%". */
function percent(fraction: number): string {
  const p = fraction * 100;
  return `${Number(p.toFixed(p < 1 ? 2 : 1))}%`;
}

function number(n: number): string {
  return `${Number(n.toFixed(Math.abs(n) < 10 ? 2 : Math.abs(n) < 100 ? 1 : 0))}`;
}

/** The part of the tolerance that binds at this current value, in the check's words. */
function toleranceText(current: number, tolerance: Tolerance, format: (absolute: number) => string, mirrored = false): string {
  const relativeBinds = Math.abs(current) * tolerance.relative >= tolerance.absolute;
  const sign = mirrored ? '-' : '+';
  return relativeBinds ? `${sign}${Number((tolerance.relative * 100).toFixed(2))}%` : `${sign}${format(tolerance.absolute)}`;
}

function suffix(outcome: Outcome, consecutive: number, needed: number): string {
  return `→ ${outcome} (${consecutive}/${needed})`;
}

function checkMinSamples(name: string, minSamples: number): void {
  if (!Number.isFinite(minSamples) || minSamples < 0) throw new Error(`${name}: minSamples must be a number ≥ 0, got ${minSamples}`);
}

function checkCounts(name: string, which: 'target' | 'current', s: RateSample): void {
  if (!Number.isFinite(s.invocations) || s.invocations < 0) throw new Error(`${name}: ${which}.invocations must be a number ≥ 0, got ${s.invocations}`);
  if (!Number.isFinite(s.errors) || s.errors < 0 || s.errors > s.invocations) throw new Error(`${name}: ${which}.errors must be a number from 0 to invocations (${s.invocations}), got ${s.errors}`);
}

function checkTolerance(name: string, t: Tolerance): void {
  if (!(t.relative >= 0) || !(t.absolute >= 0)) throw new Error(`${name}: tolerance.relative and tolerance.absolute must be ≥ 0, got ${t.relative} and ${t.absolute}`);
}

/** The rate the target may have before it is worse: max(current * (1 + relative), current + absolute), at most 1. */
export function allowedRate(current: number, tolerance: Tolerance): number {
  return Math.min(1, Math.max(current * (1 + tolerance.relative), current + tolerance.absolute));
}

/** One-sided exact binomial p-value: P(X >= errors), X ~ Binomial(invocations, allowed). */
export function exceedancePValue(errors: number, invocations: number, allowed: number): number {
  if (errors === 0) return 1;
  if (allowed <= 0) return 0;
  if (allowed >= 1) return 1;
  return Math.min(1, Math.max(0, jStat.beta.cdf(allowed, errors, invocations - errors + 1)));
}

/** The share of the significance level spent on the current rate's confidence set. */
const NUISANCE_SHARE = 0.2;

/** The one-sided upper (1 - gamma) Clopper–Pearson bound of a rate seen as errors / invocations. */
export function upperRateBound(errors: number, invocations: number, gamma: number): number {
  if (errors >= invocations) return 1;
  return jStat.beta.inv(1 - gamma, errors + 1, invocations - errors);
}

/** Berger–Boos p-value of "target rate <= allowed(current rate)", at significance level `alpha`. */
export function ratePValue(target: RateSample, current: RateSample, tolerance: Tolerance, alpha: number): number {
  const gamma = alpha * NUISANCE_SHARE;
  const allowed = allowedRate(upperRateBound(current.errors, current.invocations, gamma), tolerance);
  return Math.min(1, exceedancePValue(target.errors, target.invocations, allowed) + gamma);
}

export function judgeRate(check: RateCheck, target: RateSample, current: RateSample): Judgement {
  checkCounts(check.name, 'target', target);
  checkCounts(check.name, 'current', current);
  checkTolerance(check.name, check.tolerance);
  checkMinSamples(check.name, check.minSamples);
  if (!(check.confidence > 0 && check.confidence < 1)) throw new Error(`${check.name}: confidence must be between 0 and 1 (exclusive), got ${check.confidence}`);
  const least = Math.max(1, check.minSamples);
  const side = (s: RateSample) => (s.invocations < least ? `${s.invocations} invocations (min ${check.minSamples})` : `${percent(s.errors / s.invocations)} (${s.errors}/${s.invocations})`);
  if (target.invocations < least || current.invocations < least) {
    return {
      check: check.name,
      outcome: 'Inconclusive',
      message: `${check.name}: target ${side(target)} vs current ${side(current)} ${suffix('Inconclusive', 0, 1)}`,
      ...(target.invocations > 0 ? { target: target.errors / target.invocations } : {}),
      ...(current.invocations > 0 ? { current: current.errors / current.invocations } : {}),
    };
  }
  const t = target.errors / target.invocations;
  const c = current.errors / current.invocations;
  const allowed = allowedRate(c, check.tolerance);
  const pValue = ratePValue(target, current, check.tolerance, 1 - check.confidence);
  const outcome: Outcome = t > allowed && pValue < 1 - check.confidence ? 'Fail' : 'Pass';
  const tolerance = toleranceText(c, check.tolerance, (a) => `${Number((a * 100).toFixed(3))}pp`);
  return {
    check: check.name,
    outcome,
    message: `${check.name}: target ${side(target)} vs current ${side(current)}, tolerance ${tolerance} ${suffix(outcome, outcome === 'Fail' ? 1 : 0, 1)}`,
    target: t,
    current: c,
    pValue,
  };
}

export function judgeValue(check: ValueCheck, target: ValueSample, current: ValueSample): Judgement {
  checkTolerance(check.name, check.tolerance);
  checkMinSamples(check.name, check.minSamples);
  const unit = check.name === 'p99Duration' ? 'ms' : '';
  const shown = (v: number) => `${number(v)}${unit}`;
  const side = (s: ValueSample) => (s.value === undefined || !Number.isFinite(s.value) ? 'no value' : shown(s.value));
  const counts = `(${target.samples}/${current.samples} samples)`;
  const missing = [target, current].some((s) => s.value === undefined || !Number.isFinite(s.value));
  const few = target.samples < check.minSamples || current.samples < check.minSamples;
  if (missing || few) {
    const why = few ? `, fewer than ${check.minSamples} samples` : '';
    return {
      check: check.name,
      outcome: 'Inconclusive',
      message: `${check.name}: target ${side(target)} vs current ${side(current)} ${counts}${why} ${suffix('Inconclusive', 0, 1)}`,
      ...(target.value !== undefined && Number.isFinite(target.value) ? { target: target.value } : {}),
      ...(current.value !== undefined && Number.isFinite(current.value) ? { current: current.value } : {}),
    };
  }
  const t = target.value as number;
  const c = current.value as number;
  const higherIsWorse = check.direction === 'higherIsWorse';
  const worse = higherIsWorse
    ? t > Math.max(c * (1 + check.tolerance.relative), c + check.tolerance.absolute)
    : t < Math.min(c * (1 - check.tolerance.relative), c - check.tolerance.absolute);
  const outcome: Outcome = worse ? 'Fail' : 'Pass';
  const tolerance = toleranceText(c, check.tolerance, shown, !higherIsWorse);
  return {
    check: check.name,
    outcome,
    message: `${check.name}: target ${shown(t)} vs current ${shown(c)} ${counts}, tolerance ${tolerance} ${suffix(outcome, worse ? 1 : 0, 1)}`,
    target: t,
    current: c,
  };
}

/**
 * The consecutive rule: `recent` are this check's previous outcomes, newest last; Fail only when
 * the last `failures` outcomes (including `latest`) are all Fail. A Fail not yet confirmed comes
 * back Inconclusive (the target looks worse, not yet for long enough) with its message's suffix
 * "→ Fail (k/N)" saying how far the run has got.
 */
export function applyConsecutive(latest: Judgement, recent: readonly Outcome[], failures: number): Judgement {
  if (!Number.isInteger(failures) || failures < 1) throw new Error(`${latest.check}: failures must be a whole number ≥ 1, got ${failures}`);
  let run = 0;
  if (latest.outcome === 'Fail') {
    run = 1;
    for (let i = recent.length - 1; i >= 0 && recent[i] === 'Fail' && run < failures; i--) run++;
  }
  const head = latest.message.replace(/ → \w+ \(\d+\/\d+\)$/, '');
  const outcome: Outcome = latest.outcome === 'Fail' ? (run >= failures ? 'Fail' : 'Inconclusive') : latest.outcome;
  const shown: Outcome = latest.outcome;
  return { ...latest, outcome, message: `${head} ${suffix(shown, run, failures)}` };
}
