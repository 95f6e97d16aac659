import { startLocalEngine } from '../../infra/local/engine.ts';
import { benchOn, createFunction, deploy } from './support.ts';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
const count = Number(process.argv[2] ?? 2000);
const engine = await startLocalEngine({ speed: 'max', logLevel: 'ERROR' });
const b = benchOn(engine);
await createFunction(b, 'soak-app');
let from = '1';
const MB = 1024 * 1024;
const t0 = performance.now();
const cw: any = (engine.endpoint as any).cloudwatch;
for (let i = 1; i <= count; i++) {
  const to = from === '1' ? '2' : '1';
  const r = await deploy(b, { functionName: 'soak-app', alias: 'live', currentVersion: from, targetVersion: to, strategy: 'AllAtOnce' });
  if (r.status === 'SUCCEEDED') from = to;
  if (process.env.SNAP && (i === 1000 || i === 2000)) { (globalThis as any).gc?.(); (await import('node:v8')).writeHeapSnapshot(`/tmp/h12/s${i}.heapsnapshot`); }
  if (i % 250 === 0) {
    (globalThis as any).gc?.();
    const m = process.memoryUsage();
    let items = 0, bytes = 0; let key: any;
    do { const out = await b.clients.ddb.send(new ScanCommand({ TableName: engine.tableName, ExclusiveStartKey: key })); items += out.Count ?? 0; bytes += JSON.stringify(out.Items).length; key = out.LastEvaluatedKey; } while (key);
    const ids = cw.metrics.list({}); let cells = 0, vals = 0; for (const id of ids) for (const c of cw.metrics.cells(id, 0, Infinity)) { cells++; vals += c.values.length; }
    const w: any = engine.waysIn;
    process.stderr.write(`${i} rss ${(m.rss/MB).toFixed(0)} heap ${(m.heapUsed/MB).toFixed(1)} ext ${(m.external/MB).toFixed(1)} ab ${(m.arrayBuffers/MB).toFixed(1)} | exec ${engine.sfn.keptExecutions()} ddb ${items} items ${(bytes/1024).toFixed(0)} KB | metrics ${ids.length} cells ${cells} vals ${vals} | ev ${w.events?.events?.length} del ${w.events?.deliveries?.length} fir ${w.scheduler?.firings?.length} sched ${w.scheduler?.schedules?.size} | clock ${new Date(engine.clock.now()).toISOString()} ${((performance.now()-t0)/1000).toFixed(0)}s\n`);
  }
}
if (process.argv[3]) { const v8 = await import('node:v8'); (globalThis as any).gc?.(); v8.writeHeapSnapshot(process.argv[3]); }
await engine.close();
