/**
 * Soak: many short deployments on one engine in one process (virtual time, AllAtOnce), memory
 * sampled as they go. The engine keeps a bounded history per execution and only the latest ended
 * executions (infra/local/sfn), the newest events and deliveries (infra/local/ways-in), and
 * dynalite's memory to its items (infra/local/dynalite-memory.ts). What still grows is the table:
 * each deployment's record stays, as it would on AWS. So the figure is the heap's growth per
 * 1,000 deployments once the kept executions are full, split into what the table stores (its
 * entries' keys and values, measured by reading the local DynamoDB's store) and the rest.
 * Run alone: `node --import tsx test/bench/soak.ts [count]`.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { startLocalEngine } from '../../infra/local/engine.ts';
import { MAX_ENDED_EXECUTIONS } from '../../infra/local/sfn/runtime.ts';
import { benchOn, createFunction, deploy, type Row } from './support.ts';

const MB = 1024 * 1024;
/** Growth of the heap beyond the table's stored items allowed per 1,000 deployments. */
export const SOAK_OTHER_MB_PER_1000 = 1;

export interface SoakSample {
  rssMb: number;
  heapMb: number;
  arrayBuffersMb: number;
  /** Entries of the local DynamoDB (items and index entries) and their keys' and values' size. */
  storedEntries: number;
  storedMb: number;
}

export interface SoakResult {
  deployments: number;
  wallS: number;
  samples: Record<number, SoakSample>;
  /** Per 1,000 deployments from the base sample to the last: heap, of which stored items, and the rest (MB). */
  per1000: { heapMb: number; storedMb: number; otherMb: number; rssMb: number };
  failed: number;
}

/** A full collection before each sample (the bench runs without --expose-gc). */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export async function soak(count = 10_000): Promise<{ row: Row; result: SoakResult }> {
  const gc = collector();
  const engine = await startLocalEngine({ speed: 'max', logLevel: 'ERROR' });
  const b = benchOn(engine);
  // Steady state starts once the engine's kept ended executions are full.
  const base = count >= 2 * MAX_ENDED_EXECUTIONS ? MAX_ENDED_EXECUTIONS : Math.ceil(count / 10);
  const marks = new Set([base, 1000, 2000, 5000, count].filter((n) => n >= base && n <= count));
  const samples: Record<number, SoakSample> = {};
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
      if (marks.has(i)) {
        const stored = await engine.storedSize();
        gc();
        const m = process.memoryUsage();
        const s: SoakSample = { rssMb: m.rss / MB, heapMb: m.heapUsed / MB, arrayBuffersMb: m.arrayBuffers / MB, storedEntries: stored.entries, storedMb: stored.chars / MB };
        samples[i] = s;
        process.stderr.write(
          `soak: ${i} deployments, RSS ${s.rssMb.toFixed(0)} MB, heap ${s.heapMb.toFixed(1)} MB, array buffers ${s.arrayBuffersMb.toFixed(1)} MB, stored ${s.storedEntries} entries ${s.storedMb.toFixed(1)} MB, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
        );
      }
    }
  } finally {
    await engine.close();
  }
  const wallS = (performance.now() - t0) / 1000;
  const first = samples[base]!;
  const last = samples[count]!;
  const k = (count - base) / 1000;
  const heapMb = (last.heapMb - first.heapMb) / k;
  const storedMb = (last.storedMb - first.storedMb) / k;
  const per1000 = { heapMb, storedMb, otherMb: heapMb - storedMb, rssMb: (last.rssMb - first.rssMb) / k };
  const result: SoakResult = { deployments: count, wallS, samples, per1000, failed };
  const at = Object.entries(samples)
    .map(([n, s]) => `${Number(n).toLocaleString('en')}: RSS ${s.rssMb.toFixed(0)} MB, heap ${s.heapMb.toFixed(0)} MB`)
    .join('; ');
  return {
    row: {
      figure: `soak: ${count.toLocaleString('en')} AllAtOnce deployments on one engine (virtual time); growth per 1,000 after the first ${base.toLocaleString('en')}`,
      measured:
        `${at}. Per 1,000: heap +${heapMb.toFixed(2)} MB, of which the table's stored items +${storedMb.toFixed(2)} MB (records stay, as on AWS), ` +
        `other ${per1000.otherMb >= 0 ? '+' : ''}${per1000.otherMb.toFixed(2)} MB; RSS ${per1000.rssMb >= 0 ? '+' : ''}${per1000.rssMb.toFixed(1)} MB; ${wallS.toFixed(0)} s${failed ? `; ${failed} failed` : ''}`,
      goal: `heap growth beyond the stored items ≤ ${SOAK_OTHER_MB_PER_1000} MB per 1,000 deployments`,
      met: failed === 0 && per1000.otherMb <= SOAK_OTHER_MB_PER_1000,
    },
    result,
  };
}

if (import.meta.filename === process.argv[1]) {
  const { row } = await soak(Number(process.argv[2] ?? 10_000));
  process.stdout.write(`${JSON.stringify(row)}\n`);
}
