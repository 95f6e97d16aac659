/**
 * 1,000 concurrent deployments on 1,000 functions and aliases, in a child process of
 * its own so that its peak RSS is its own.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { startLocalEngine } from '../../infra/local/engine.ts';
import { benchOn, createFunction, deploy, ROOT, type Row } from './support.ts';

export async function concurrency(): Promise<{ row: Row; result: unknown }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'run.ts'), '--concurrency-child'], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`concurrency child exited ${code}`);
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as { n: number; succeeded: number; aliasesOk: number; wallMs: number; setupMs: number; peakRssMb: number; speed: number };
  const row: Row = {
    figure: `${r.n.toLocaleString('en')} concurrent Canary10Percent5Minutes deployments, ${r.n.toLocaleString('en')} aliases (clock ×${r.speed})`,
    measured: `${r.succeeded}/${r.n} succeeded, ${r.aliasesOk}/${r.n} aliases on the target with no weights; ${(r.wallMs / 1000).toFixed(1)} s; peak RSS ${r.peakRssMb.toFixed(0)} MiB`,
    goal: 'all finish correctly; peak RSS ≤ 1 GiB',
    met: r.succeeded === r.n && r.aliasesOk === r.n && r.peakRssMb <= 1024,
  };
  return { row, result: r };
}

export async function concurrencyChild(): Promise<void> {
  const n = Number(process.env.GLIDEPATH_BENCH_CONCURRENCY ?? 1000);
  const speed = 60;
  const engine = await startLocalEngine({ speed, logLevel: 'ERROR' });
  Object.assign(process.env, engine.env);
  const b = benchOn(engine);
  const t0 = performance.now();
  const names = Array.from({ length: n }, (_, i) => `bench-c-${String(i).padStart(4, '0')}`);
  for (let i = 0; i < names.length; i += 25) await Promise.all(names.slice(i, i + 25).map((name) => createFunction(b, name)));
  const setupMs = performance.now() - t0;
  const t1 = performance.now();
  const results = await Promise.all(
    names.map((name) => deploy(b, { functionName: name, alias: 'live', currentVersion: '1', targetVersion: '2', strategy: 'Canary10Percent5Minutes' })),
  );
  const wallMs = performance.now() - t1;
  let aliasesOk = 0;
  for (let i = 0; i < names.length; i += 50) {
    const batch = await Promise.all(names.slice(i, i + 50).map((name) => b.clients.lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }))));
    aliasesOk += batch.filter((a) => a.FunctionVersion === '2' && Object.keys(a.RoutingConfig?.AdditionalVersionWeights ?? {}).length === 0).length;
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  await engine.close();
  process.stdout.write(`${JSON.stringify({ n, speed, succeeded: results.filter((r) => r.status === 'SUCCEEDED').length, aliasesOk, wallMs, setupMs, peakRssMb })}\n`);
}

