/**
 * `npm start` (= `glidepath demo`) on a fresh engine: both deployments, the live view's plain
 * lines, the timelines, exit 0, in under a minute.
 */
import { describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../cli/harness.ts';

describe('glidepath demo', () => {
  it('deploys v2 (succeeds), then faulty v3 (hook passes, alarm trips, rolled back), prints the timelines, exits 0', async () => {
    const t0 = Date.now();
    const result = await runCli(['demo'], cleanEnv(), { timeoutMs: 90_000 });
    const seconds = (Date.now() - t0) / 1000;
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(seconds).toBeLessThan(60);
    const out = result.stdout;
    expect(out).toContain('Created demo-orders (versions 1 and 2), alias live → 1');
    expect(out).toMatch(/1\. Deploy version 2 with Canary10Percent5Minutes\nStarted gp-[0-9a-z]{20}: demo-orders:live version 1 → version 2/);
    expect(out).toMatch(/InProgress {2}weight 10% {2}step 2\/3 bake 5m/);
    expect(out).toMatch(/Succeeded in \S+: live serves version 2/);
    expect(out).toMatch(/2\. Deploy faulty version 3 .*\nStarted gp-[0-9a-z]{20}: demo-orders:live version 2 → version 3/);
    expect(out).toMatch(/hooks BeforeAllowTraffic=Succeeded/);
    expect(out).toMatch(/alarms demo-orders-v3-errors=ALARM/);
    expect(out).toMatch(/Failed after \S+ \(ALARM_ACTIVE\)/);
    // Two timelines, each with its axis and a legend.
    expect(out).toMatch(/3\. Deploy version 4 at 20% for 10 minutes, no alarm: the analysis judges it against version 2\nStarted gp-[0-9a-z]{20}: demo-orders:live version 2 → version 4/);
    expect(out).toMatch(/Failed after \S+ \(ANALYSIS_FAILED\): errorRate: target \d+(\.\d+)?% \(\d+\/\d+\) vs current 0% \(0\/\d+\), tolerance \+0\.5pp → Fail \(1\/1\)/);
    expect(out.match(/^100% ┤/gm)).toHaveLength(3);
    expect(out.match(/^ {5}└─+$/gm)).toHaveLength(3);
    expect(out).toMatch(/BeforeAllowTraffic hook demo-smoke-hook: Succeeded/);
    expect(out).toMatch(/Alias live serves version 2\. traffic: \d+ requests — v1 \d+, v2 \d+, v3 \d+ \(\d+ errors?\), v4 \d+ \(\d+ errors?\)/);
    expect(out).toMatch(/Demo finished in \d+\.\d s\./);
  }, 120_000);
});
