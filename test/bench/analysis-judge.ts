/**
 * The analysis judge on simulated traffic: 10,000 deployments per scenario, each a 10-minute bake
 * in which every minute brings rpm × weight invocations to the target and rpm × (1 - weight) to the
 * current version, errors drawn binomially from a seeded generator. After each minute the error
 * rate is judged over the step's window so far (the watcher's span: the last `windowMinutes`
 * closed minutes) with the defaults, then the consecutive rule. No engine, no clock: the judge is pure.
 *
 * Figures: the A/A false-rollback rate, the A/B share caught within 3 minutes, and a grid of
 * minutes until 95 % of A/B deployments are caught. Minutes count closed minutes of data; on AWS
 * the verdict comes `lag` (60 s) later.
 */
import { ANALYSIS_DEFAULTS } from '../../shared/core/analysis/defaults.ts';
import { applyConsecutive, judgeRate, type Outcome, type Tolerance } from '../../shared/core/analysis/judge.ts';
import { markdownTable, median, type Row } from './support.ts';

export interface JudgeConfig {
  confidence: number;
  tolerance: Tolerance;
  minSamples: number;
  failures: number;
  windowMinutes: number;
}

export const DEFAULT_CONFIG: JudgeConfig = {
  confidence: ANALYSIS_DEFAULTS.confidence,
  tolerance: ANALYSIS_DEFAULTS.checks.errorRate.tolerance,
  minSamples: ANALYSIS_DEFAULTS.checks.errorRate.minSamples,
  failures: ANALYSIS_DEFAULTS.checks.errorRate.failures,
  windowMinutes: ANALYSIS_DEFAULTS.windowSeconds / 60,
};

const BAKE_MINUTES = 10;
const DEPLOYMENTS = 10_000;

/** A seeded 32-bit generator (mulberry32): the same seed, the same deployments. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Binomial(n, p) draw by inversion: walk the probability mass from 0 until it passes a uniform draw. */
function binomial(random: () => number, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const u = random();
  const ratio = p / (1 - p);
  let mass = Math.pow(1 - p, n);
  let cumulative = mass;
  let k = 0;
  while (cumulative < u && k < n) {
    mass *= ((n - k) / (k + 1)) * ratio;
    k++;
    cumulative += mass;
  }
  return k;
}

export interface Scenario {
  rpm: number;
  weight: number;
  targetRate: number;
  currentRate: number;
}

/** Per deployment, the minute (1-10) of data at which the consecutive rule confirmed a Fail, or undefined. */
export function simulate(scenario: Scenario, config: JudgeConfig = DEFAULT_CONFIG, deployments = DEPLOYMENTS, seed = 1): (number | undefined)[] {
  const random = generator(seed);
  const nTarget = Math.round(scenario.rpm * scenario.weight);
  const nCurrent = Math.round(scenario.rpm * (1 - scenario.weight));
  const check = { name: 'errorRate', tolerance: config.tolerance, minSamples: config.minSamples, confidence: config.confidence };
  const detected: (number | undefined)[] = [];
  for (let d = 0; d < deployments; d++) {
    const target: number[] = [];
    const current: number[] = [];
    const recent: Outcome[] = [];
    let at: number | undefined;
    for (let minute = 1; minute <= BAKE_MINUTES && at === undefined; minute++) {
      target.push(binomial(random, nTarget, scenario.targetRate));
      current.push(binomial(random, nCurrent, scenario.currentRate));
      const from = Math.max(0, minute - config.windowMinutes);
      const errors = (xs: number[]) => xs.slice(from).reduce((a, b) => a + b, 0);
      const span = minute - from;
      const raw = judgeRate(check, { errors: errors(target), invocations: nTarget * span }, { errors: errors(current), invocations: nCurrent * span });
      if (applyConsecutive(raw, recent, config.failures).outcome === 'Fail') at = minute;
      recent.push(raw.outcome);
    }
    detected.push(at);
  }
  return detected;
}

const share = (xs: (number | undefined)[], within = BAKE_MINUTES) => xs.filter((m) => m !== undefined && m <= within).length / xs.length;

/** The minute by which 95 % of deployments were caught, or '>10'. */
function minutesTo95(xs: (number | undefined)[]): string {
  for (let m = 1; m <= BAKE_MINUTES; m++) if (share(xs, m) >= 0.95) return String(m);
  return `>${BAKE_MINUTES}`;
}

export function analysisJudge(config: JudgeConfig = DEFAULT_CONFIG): { rows: Row[]; grid: string; runs: Record<string, unknown> } {
  const aa = simulate({ rpm: 300, weight: 0.1, targetRate: 0.01, currentRate: 0.01 }, config);
  const ab = simulate({ rpm: 300, weight: 0.1, targetRate: 0.05, currentRate: 0.005 }, config, DEPLOYMENTS, 2);
  const caught = ab.filter((m): m is number => m !== undefined);
  const falseRate = share(aa);
  const within3 = share(ab, 3);
  const weights = [0.05, 0.1, 0.25, 0.5];
  const rpms = [60, 300, 1000, 5000];
  const cells = weights.map((w) => rpms.map((rpm, i) => minutesTo95(simulate({ rpm, weight: w, targetRate: 0.05, currentRate: 0.005 }, config, DEPLOYMENTS, 10 + i + w * 100))));
  const aaCells = weights.flatMap((w) => rpms.map((rpm, i) => ({ w, rpm, rate: share(simulate({ rpm, weight: w, targetRate: 0.01, currentRate: 0.01 }, config, DEPLOYMENTS, 50 + i + w * 100)) })));
  const worst = aaCells.reduce((a, c) => (c.rate > a.rate ? c : a));
  const grid = markdownTable(['weight \\ req/min', ...rpms.map(String)], weights.map((w, i) => [`${w * 100} %`, ...cells[i]!]));
  const setting = `confidence ${config.confidence}, tolerance +${config.tolerance.relative * 100}% / +${config.tolerance.absolute * 100}pp, min ${config.minSamples}, ${config.failures} consecutive, window ${config.windowMinutes} min`;
  return {
    rows: [
      {
        figure: `analysis judge A/A, 1 % errors both, 300 req/min at 10 % (${DEPLOYMENTS} simulated 10-min bakes; ${setting})`,
        measured: `${(falseRate * 100).toFixed(2)} % rolled back`,
        goal: '≤ 1 %',
        met: falseRate <= 0.01,
      },
      {
        figure: 'analysis judge A/A, 1 % errors both, worst of weights 5/10/25/50 % × 60/300/1000/5000 req/min',
        measured: `${(worst.rate * 100).toFixed(2)} % rolled back (${worst.w * 100} % at ${worst.rpm} req/min)`,
        goal: '≤ 1 %',
        met: worst.rate <= 0.01,
      },
      {
        figure: 'analysis judge A/B, target 5 % vs current 0.5 % errors, 300 req/min at 10 %',
        measured: `${(within3 * 100).toFixed(1)} % caught within 3 min, ${(share(ab) * 100).toFixed(1)} % within 10; median ${median(caught)} min`,
        goal: '≥ 95 % within 3 min',
        met: within3 >= 0.95,
      },
    ],
    grid: `Minutes of data until 95 % of A/B deployments (5 % vs 0.5 % errors) are rolled back:\n${grid}\n`,
    runs: { config, aaFalseRollback: falseRate, aaGrid: aaCells, abWithin3: within3, abMedianMinutes: median(caught), grid: cells },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows, grid } = analysisJudge();
  process.stdout.write(`${markdownTable(['figure', 'measured', 'goal', ''], rows.map((r) => [r.figure, r.measured, r.goal, r.met ? 'met' : 'NOT MET']))}\n\n${grid}`);
}
