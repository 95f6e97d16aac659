/**
 * The analysis end to end on the local engine, in virtual time: 20 deployments per scenario, all
 * at once (one function each, 300 requests a simulated minute on its alias, 10 % on the target,
 * a 10-minute bake, default analysis, no alarm), errors drawn per call from a seed per run.
 * A/B: the target fails 5 % of calls against 0.5 %; A/A: both fail 1 %.
 */
import { startLocalEngine } from '../../infra/local/engine.ts';
import { createTrafficApp, startTraffic } from '../e2e/support/traffic.ts';
import { benchOn, deploy, median, record, type Row } from './support.ts';

const RUNS = 20;

interface Run {
  status: string;
  code?: string;
  /** Simulated minutes from the shift to the rollback. */
  minutes?: number;
}

export async function analysisEndToEnd(): Promise<{ rows: Row[]; runs: Record<string, Run[]> }> {
  const engine = await startLocalEngine({ speed: 'max', logLevel: 'ERROR' });
  const b = benchOn(engine);
  const { lambda } = b.clients;
  const runs: Record<string, Run[]> = {};
  try {
    for (const [scenario, current, target] of [['A/B', 0.005, 0.05], ['A/A', 0.01, 0.01]] as const) {
      runs[scenario] = await Promise.all(
        Array.from({ length: RUNS }, async (_, i) => {
          const app = await createTrafficApp(lambda, `bench-analysis-${scenario === 'A/B' ? 'ab' : 'aa'}`, [{ errorRate: current }, { errorRate: target }], { seed: 1000 + i });
          const traffic = startTraffic(lambda, engine.clock, app, 300);
          try {
            const out = await deploy(b, { functionName: app.functionName, alias: app.alias, targetVersion: '2', strategy: { steps: [{ setWeight: 10 }, { bake: '10m' }] } });
            const rec = await record(b, out.id);
            const shifted = rec?.weights.find((w) => w.weight === 10)?.at;
            const back = rec?.error?.code === 'ANALYSIS_FAILED' ? rec.weights.at(-1)?.at : undefined;
            return {
              status: rec?.status ?? out.status,
              ...(rec?.error ? { code: String(rec.error.code) } : {}),
              ...(shifted && back ? { minutes: (Date.parse(back) - Date.parse(shifted)) / 60_000 } : {}),
            };
          } finally {
            await traffic.stop();
          }
        }),
      );
    }
  } finally {
    await engine.close();
  }
  const caught = (runs['A/B'] ?? []).filter((r) => r.code === 'ANALYSIS_FAILED');
  const within3 = caught.filter((r) => (r.minutes ?? Infinity) <= 3).length;
  const falseRollbacks = (runs['A/A'] ?? []).filter((r) => r.code === 'ANALYSIS_FAILED').length;
  return {
    runs,
    rows: [
      {
        figure: `analysis on the engine, A/B 5 % vs 0.5 % at 10 %, 300 req/min (${RUNS} runs)`,
        measured: `${caught.length}/${RUNS} rolled back; ${within3} within 3 min of the shift; median ${median(caught.map((r) => r.minutes!)).toFixed(1)} min`,
        goal: '≥ 95 % within 3 min',
        met: within3 >= 0.95 * RUNS,
      },
      { figure: `analysis on the engine, A/A 1 % vs 1 % (${RUNS} runs)`, measured: `${falseRollbacks}/${RUNS} rolled back`, goal: '≤ 1 %', met: falseRollbacks <= 0.01 * RUNS },
    ],
  };
}
