/**
 * The analysis defaults: what every deployment is judged with when its request says nothing
 * (docs/analysis.md, "Defaults", gives the reasons and the bench figures behind them).
 */
export const ANALYSIS_DEFAULTS = {
  /** Lambda publishes a minute's datapoints up to about a minute after it closes. */
  lagSeconds: 60,
  /** Each verdict judges the step's last 10 closed minutes (all of them while the step is younger). */
  windowSeconds: 600,
  onInconclusive: 'proceed',
  extendUpToSeconds: 600,
  checks: {
    /**
     * Worse only beyond max(current × 1.5, current + 0.5pp): the absolute half point keeps a
     * near-zero current rate from making one error a regression. 30 invocations a side before any
     * verdict. One failing verdict rolls back: each verdict already tests the whole window so far,
     * and a second confirmation costs a minute of detection for little (bench: A/A 0.5 % false
     * rollbacks with 1, 0.2 % with 2; 5 %-vs-0.5 % caught within 3 min 56 % with 1, 33 % with 2).
     */
    errorRate: { tolerance: { relative: 0.5, absolute: 0.005 }, minSamples: 30, failures: 1 },
    /**
     * Worse only beyond max(current × 1.25, current + 50 ms); 30 samples a side. A p99 has no
     * significance test here (a ratio with a tolerance), so two failing verdicts in a row are needed.
     */
    p99Duration: { tolerance: { relative: 0.25, absolute: 50 }, minSamples: 30, failures: 2 },
  },
  /** A custom metric: 10 % worse than the current version, twice in a row. */
  custom: { tolerance: { relative: 0.1, absolute: 0 }, minSamples: 1, failures: 2 },
  /** A rate Fails only with a one-sided p-value below 1 - confidence (10 %; the test is conservative, see docs/analysis.md). */
  confidence: 0.9,
} as const;
