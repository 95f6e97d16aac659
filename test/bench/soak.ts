/**
 * Soak: many short deployments on one engine in one process (virtual time, AllAtOnce), RSS sampled
 * as they go. The engine keeps a bounded history per execution and only the latest ended
 * executions (infra/local/sfn), so its memory levels off: RSS after the last deployment should be
 * within a small margin of RSS after the first thousand. Run alone: `node test/bench/soak.ts [count]`.
 */
import { startLocalEngine } from '../../infra/local/engine.ts';
import { benchOn, createFunction, deploy, type Row } from './support.ts';

const MB = 1024 * 1024;
/** How much RSS may grow from the first thousand deployments to the last. */
export const SOAK_MARGIN_MB = 64;

export interface SoakResult {
  deployments: number;
  wallS: number;
  /** RSS (MB) after each sampled count of deployments. */
  rssMb: Record<number, number>;
  heapMb: Record<number, number>;
  failed: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

export async function soak(count = 10_000): Promise<{ row: Row; result: SoakResult }> {
  const engine = await startLocalEngine({ speed: 'max', logLevel: 'ERROR' });
  const b = benchOn(engine);
  const samples = new Set([Math.min(1000, Math.ceil(count / 10)), 1000, 5000, count].filter((n) => n <= count));
  const rssMb: Record<number, number> = {};
  const heapMb: Record<number, number> = {};
  let failed = 0;
  const t0 = performance.now();
  try {
    await createFunction(b, 'soak-app');
    let from = '1';
    for (let i = 1; i <= count; i++) {
      const to = from === '1' ? '2' : '1';
      const r = await deploy(b, { functionName: 'soak-app', alias: 'live', currentVersion: from, targetVersion: to, strategy: 'AllAtOnce' });
      if (r.status === 'SUCCEEDED') from = to;
      else failed += 1;
      if (samples.has(i)) {
        gc?.();
        const m = process.memoryUsage();
        rssMb[i] = Math.round(m.rss / MB);
        heapMb[i] = Math.round(m.heapUsed / MB);
        process.stderr.write(`soak: ${i} deployments, RSS ${rssMb[i]} MB, heap ${heapMb[i]} MB, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
      }
    }
  } finally {
    await engine.close();
  }
  const wallS = (performance.now() - t0) / 1000;
  // Steady state starts once the engine's 1,000 kept ended executions are reached.
  const base = count >= 1000 ? 1000 : Math.ceil(count / 10);
  const first = rssMb[base]!;
  const last = rssMb[count]!;
  const result: SoakResult = { deployments: count, wallS, rssMb, heapMb, failed };
  const sampled = Object.entries(rssMb).map(([n, mb]) => `${Number(n).toLocaleString('en')}: ${mb} MB`).join(', ');
  return {
    row: {
      figure: `soak: ${count.toLocaleString('en')} AllAtOnce deployments on one engine (virtual time), RSS after`,
      measured: `${sampled}; ${wallS.toFixed(0)} s${failed ? `; ${failed} failed` : ''}`,
      goal: `RSS at ${count.toLocaleString('en')} ≤ RSS at ${base.toLocaleString('en')} + ${SOAK_MARGIN_MB} MB`,
      met: failed === 0 && last <= first + SOAK_MARGIN_MB,
    },
    result,
  };
}

if (import.meta.filename === process.argv[1]) {
  const { row } = await soak(Number(process.argv[2] ?? 10_000));
  process.stdout.write(`${JSON.stringify(row)}\n`);
}
