/**
 * `npm run bench`: the figures Glidepath holds itself to that the local engine can measure, in one table next
 * to their goals, then the AWS cost model per configuration. Not a test: nothing here asserts;
 * it measures and prints (and `--json <file>` writes the numbers).
 *
 * Phases: bundle cold load (builds first if build/ is missing); per-step overhead and AWS API calls
 * per setWeight step (clock ×1, so the record's timestamps are real milliseconds); AllAtOnce end to
 * end; alarm state change → alias back (clock ×1, real seconds); the cost model (state transitions counted in
 * the local execution history); rehearsals in virtual time (virtual-time.ts); execution history
 * events of long deployments (history-events.ts); 1,000 concurrent
 * deployments in a child process (its peak RSS); the analysis judge on simulated traffic
 * (analysis-judge.ts), the GetMetricData calls its watcher makes (analysis-calls.ts) and the
 * analysis end to end (analysis-e2e.ts); fault schedules held to the terminal invariant
 * (fault-schedules.ts, `--schedules=N`, default 200); a soak of short deployments on one engine (soak.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startLocalEngine } from '../../infra/local/engine.ts';
import { BUNDLE_FILE, listHandlers, measureColdLoad } from '../../infra/build.ts';
import type { DeploymentRequest } from '../../shared/core/model/request.ts';
import { newDeploymentId } from '../../cli/deployment-id.ts';
import { analysisJudge } from './analysis-judge.ts';
import { analysisCalls } from './analysis-calls.ts';
import { analysisEndToEnd } from './analysis-e2e.ts';
import { concurrency, concurrencyChild } from './concurrency.ts';
import { costModel, renderCostTable, type CostResult } from './cost.ts';
import { virtualTime } from './virtual-time.ts';
import { historyEvents } from './history-events.ts';
import { soak } from './soak.ts';
import { faultSchedules } from './fault-schedules.ts';
import {
  benchOn,
  countRequestsOn,
  counted,
  createFunction,
  currentVersion,
  deploy,
  log,
  markdownTable,
  median,
  metricAlarm,
  pct,
  record,
  ROOT,
  type Bench,
  type Counts,
  type Row,
} from './support.ts';

const rows: Row[] = [];
const numbers: Record<string, unknown> = {};
let costTable: CostResult['table'] = [];
let judgeGrid = '';

function coldLoad(): void {
  const buildDir = join(ROOT, 'build');
  // The bundles `npm run build` writes: build/<handler>/index.mjs for every handler folder.
  const bundles = () => listHandlers(ROOT).map((h) => join(buildDir, h.name, BUNDLE_FILE)).filter((f) => existsSync(f));
  const newestSource = (dir: string): number =>
    readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .reduce((t, f) => Math.max(t, statSync(join(ROOT, dir, f)).mtimeMs), 0);
  const found = bundles();
  const stale = found.length < listHandlers(ROOT).length || Math.min(...found.map((f) => statSync(f).mtimeMs)) < Math.max(newestSource('functions'), newestSource('shared'));
  if (stale || process.argv.includes('--build')) {
    log(found.length === 0 ? 'build/ has no bundles: running npm run build' : 'bundles older than their sources: running npm run build');
    const run = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (run.status !== 0) throw new Error('npm run build failed');
  }
  const env = { ...process.env, AWS_REGION: 'us-east-1' };
  const time = (script: string) => {
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['-e', script], { env, stdio: 'ignore' });
      if (r.status !== 0) return NaN;
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  const bare = time('0');
  const results = bundles().map((file) => ({ file: file.slice(buildDir.length + 1), ms: time(`import(${JSON.stringify(`file://${file}`)})`), net: measureColdLoad(file) }));
  const worst = results.reduce((a, r) => (r.ms > a.ms ? r : a), { file: '', ms: 0, net: 0 });
  numbers.coldLoad = { bareNodeMs: bare, bundles: results };
  rows.push({
    figure: 'handler bundle cold load (node -e "import(bundle)")',
    measured: `${worst.ms.toFixed(0)} ms worst (${worst.file}); ${(worst.ms - bare).toFixed(0)} ms over bare node (${bare.toFixed(0)} ms); ${results.length} bundles`,
    goal: '≤ 150 ms',
    met: worst.ms <= 150,
  });
}

async function stepOverhead(b: Bench): Promise<void> {
  b.engine.clock.speed = 1;
  await createFunction(b, 'bench-steps');
  await metricAlarm(b, 'bench-steps-alarm');
  const weights = Array.from({ length: 99 }, (_, i) => ({ setWeight: i + 1 }));
  let from = '1';
  const run = async (steps: { setWeight: number }[]) => {
    const to = from === '1' ? '2' : '1';
    const request: DeploymentRequest = { functionName: 'bench-steps', alias: 'live', currentVersion: from, targetVersion: to, strategy: { steps: [...steps, { setWeight: 100 }] }, alarms: ['bench-steps-alarm'] };
    const { value, counts } = await counted(() => deploy(b, request));
    if (value.status !== 'SUCCEEDED') throw new Error(`step bench deployment ended ${value.status}`);
    from = to;
    return { ...value, counts };
  };
  await run([]); // warm-up: handlers loaded, clients built
  const one = await run([]);
  const many = await run(weights);
  const rec = await record(b, many.id);
  const times = (rec?.weights ?? []).slice(1).map((w) => Date.parse(w.at));
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const perStep = median(gaps);
  // Of that, the SetWeight handler itself (Task entered → exited, real ms at clock ×1).
  const history = b.engine.sfn.describeExecution(many.arn).history;
  const handlerMs: number[] = [];
  let entered: number | undefined;
  for (const event of history) {
    const name = (event.stateEnteredEventDetails ?? event.stateExitedEventDetails) as { name?: string } | undefined;
    if (name?.name !== 'SetWeight') continue;
    if (event.type === 'TaskStateEntered') entered = event.timestamp;
    else if (event.type === 'TaskStateExited' && entered !== undefined) handlerMs.push(event.timestamp - entered);
  }
  const total = (c: Counts) => [...c.values()].reduce((a, n) => a + n, 0);
  const extra = new Map<string, number>();
  for (const [op, n] of many.counts) extra.set(op, (n - (one.counts.get(op) ?? 0)) / 99);
  const aws = [...extra].filter(([op]) => !op.startsWith('sfn:'));
  const perStepCalls = aws.reduce((a, [, n]) => a + n, 0);
  const byService = (prefix: string) => aws.filter(([op]) => op.startsWith(prefix)).reduce((a, [, n]) => a + n, 0);
  const breakdown = aws.filter(([, n]) => n > 0.005).map(([op, n]) => `${op} ${n.toFixed(2)}`).join(', ');
  numbers.perStep = { medianMs: perStep, p90Ms: pct(gaps, 90), setWeightHandlerMedianMs: median(handlerMs), meanMs: (many.wallMs - one.wallMs) / 99, gapsMs: gaps, requests1: Object.fromEntries(one.counts), requests100: Object.fromEntries(many.counts) };
  numbers.apiCallsPerStep = Object.fromEntries(extra);
  rows.push({
    figure: 'engine + handler overhead per step (100 setWeight steps, 0-length waits)',
    measured: `${perStep.toFixed(1)} ms median, ${pct(gaps, 90).toFixed(1)} ms p90 (${((many.wallMs - one.wallMs) / 99).toFixed(1)} ms mean); of which the SetWeight handler ${median(handlerMs).toFixed(1)} ms median`,
    goal: '≤ 5 ms median',
    met: perStep <= 5,
  });
  rows.push({
    figure: 'AWS API calls per setWeight step (1 alarm)',
    measured: `${perStepCalls.toFixed(2)}: Lambda ${byService('lambda:').toFixed(2)}, CloudWatch ${byService('cloudwatch:').toFixed(2)}, DynamoDB ${byService('dynamodb:').toFixed(2)} (${breakdown}); deployment of 1 step: ${total(one.counts)} requests`,
    goal: '≤ 3',
    met: perStepCalls <= 3,
  });
}

async function allAtOnce(b: Bench): Promise<void> {
  b.engine.clock.speed = 1;
  await createFunction(b, 'bench-aao');
  let from = await currentVersion(b, 'bench-aao');
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const to = from === '1' ? '2' : '1';
    const r = await deploy(b, { functionName: 'bench-aao', alias: 'live', currentVersion: from, targetVersion: to, strategy: 'AllAtOnce' });
    if (r.status !== 'SUCCEEDED') throw new Error(`AllAtOnce ended ${r.status}`);
    if (i > 0) times.push(r.wallMs);
    from = to;
  }
  numbers.allAtOnce = { medianMs: median(times), p90Ms: pct(times, 90), runs: times };
  rows.push({
    figure: 'AllAtOnce deployment end to end (StartExecution → execution ended, no hooks)',
    measured: `${median(times).toFixed(1)} ms median, ${pct(times, 90).toFixed(1)} ms p90 (20 runs)`,
    goal: '≤ 50 ms',
    met: median(times) <= 50,
  });
}

/**
 * An alarm's state change ends a bake through events, not polling: SetAlarmState (a real
 * CloudWatch client) → the engine's alarm state-change event on EventBridge → the reconcile rule
 * → the wait failed with ALARM_ACTIVE → Rollback. Clock ×1: timed from the SetAlarmState call to
 * the moment GetAlias first shows the alias whole on the current version again.
 */
async function alarmRollback(b: Bench): Promise<void> {
  b.engine.clock.speed = 1;
  await createFunction(b, 'bench-rollback');
  await metricAlarm(b, 'bench-rollback-alarm');
  const latencies: number[] = [];
  const runs = 20;
  for (let i = 0; i < runs + 1; i++) {
    const id = newDeploymentId();
    const request: DeploymentRequest = {
      functionName: 'bench-rollback',
      alias: 'live',
      currentVersion: '1',
      targetVersion: '2',
      strategy: { steps: [{ setWeight: 10 }, { bake: '1h' }, { setWeight: 100 }] },
      alarms: ['bench-rollback-alarm'],
    };
    const out = await b.clients.sfn.send(new StartExecutionCommand({ stateMachineArn: b.engine.stateMachineArn, name: id, input: JSON.stringify(request) }));
    const execution = b.engine.sfn.describeExecution(out.executionArn!);
    // The bake's wait is registered (its task token on the record) before the alarm fires.
    for (;;) {
      const r = await record(b, id);
      if (r?.waitToken?.kind === 'timed' && r.weight === 10) break;
      if (execution.status !== 'RUNNING') throw new Error(`rollback bench: execution ended ${execution.status} before the bake`);
      await new Promise((res) => setTimeout(res, 5));
    }
    // Fire at a different point of the watcher's minute each run.
    await new Promise((res) => setTimeout(res, 50 + ((i * 137) % 400)));
    const fired = performance.now();
    await b.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'bench-rollback-alarm', StateValue: 'ALARM', StateReason: 'bench' }));
    let back: number | undefined;
    while (back === undefined) {
      const alias = await b.clients.lambda.send(new GetAliasCommand({ FunctionName: 'bench-rollback', Name: 'live' }));
      const shifted = Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).length > 0;
      if (alias.FunctionVersion === '1' && !shifted) back = performance.now();
      else if (performance.now() - fired > 120_000) throw new Error('rollback bench: the alias was not back on version 1 within 2 minutes');
      else await new Promise((res) => setTimeout(res, 2));
    }
    await execution.done;
    if (execution.status === 'SUCCEEDED') throw new Error('rollback bench: the deployment succeeded');
    if (i > 0) latencies.push((back - fired) / 1000); // the first run loads the handlers
    await b.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'bench-rollback-alarm', StateValue: 'OK', StateReason: 'bench reset' }));
  }
  numbers.alarmRollback = { seconds: latencies };
  const p95 = pct(latencies, 95);
  rows.push({
    figure: 'alarm state change → alias back on the current version (SetAlarmState during a bake → event → reconcile → rollback; clock ×1)',
    measured: `${p95.toFixed(3)} s p95, ${median(latencies).toFixed(3)} s median, ${Math.max(...latencies).toFixed(3)} s max (${runs} runs, GetAlias polled every 2 ms)`,
    goal: '≤ 2 s p95, independent of any check interval',
    met: p95 <= 2,
  });
}

function printTable(): void {
  const body = rows.map((r) => [r.figure, r.measured, r.goal, r.met === undefined ? '' : r.met ? 'met' : 'NOT MET']);
  process.stdout.write(`\n${markdownTable(['figure', 'measured', 'goal', ''], body)}\n`);
  if (costTable.length > 0) process.stdout.write(`\n${renderCostTable(costTable)}`);
  if (judgeGrid) process.stdout.write(`\n${judgeGrid}`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--concurrency-child')) {
    await concurrencyChild();
    return;
  }
  const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : undefined;
  const skip = new Set(process.argv.filter((a) => a.startsWith('--skip=')).flatMap((a) => a.slice(7).split(',')));
  const t0 = performance.now();
  if (!skip.has('cold')) {
    log('bundle cold load');
    coldLoad();
  }
  const engine = await startLocalEngine({ speed: 1, logLevel: 'ERROR' });
  Object.assign(process.env, engine.env);
  countRequestsOn(engine.port);
  const b: Bench = benchOn(engine);
  try {
    if (!skip.has('steps')) {
      log('per-step overhead and API calls per step');
      await stepOverhead(b);
    }
    if (!skip.has('aao')) {
      log('AllAtOnce end to end');
      await allAtOnce(b);
    }
    if (!skip.has('rollback')) {
      log('alarm → rollback latency');
      await alarmRollback(b);
    }
    if (!skip.has('cost')) {
      log('cost model (9 deployments in virtual time, their own engine)');
      const cost = await costModel();
      rows.push(cost.row);
      numbers.cost = cost.runs;
      costTable = cost.table;
    }
  } finally {
    await engine.close();
  }
  if (!skip.has('virtual')) {
    log('rehearsals in virtual time (--speed max), its own engine');
    const vt = await virtualTime();
    rows.push(...vt.rows);
    numbers.virtualTime = vt.runs;
  }
  if (!skip.has('history')) {
    log('execution history events of a 48-hour linear and a 7-day bake, virtual time, its own engine');
    const history = await historyEvents();
    rows.push(...history.rows);
    numbers.historyEvents = history.runs;
  }
  if (!skip.has('judge')) {
    log('analysis judge on simulated traffic (10,000 deployments per scenario)');
    const judge = analysisJudge();
    rows.push(...judge.rows);
    numbers.analysisJudge = judge.runs;
    judgeGrid = judge.grid;
    const calls = await analysisCalls();
    rows.push(...calls.rows);
    numbers.analysisCalls = calls.runs;
  }
  if (!skip.has('analysis')) {
    log('analysis end to end on the engine (20 deployments per scenario, virtual time)');
    const e2e = await analysisEndToEnd();
    rows.push(...e2e.rows);
    numbers.analysisEndToEnd = e2e.runs;
  }
  if (!skip.has('concurrency')) {
    log('1,000 concurrent deployments (child process)');
    const { row, result } = await concurrency();
    rows.push(row);
    numbers.concurrency = result;
  }
  if (!skip.has('faults')) {
    const count = Number(process.argv.find((a) => a.startsWith('--schedules='))?.slice(12) ?? 200);
    log(`fault schedules: ${count} schedules on one engine (virtual time), then malformed requests`);
    const { row, result } = await faultSchedules(count);
    rows.push(row);
    numbers.faultSchedules = result;
  }
  if (!skip.has('soak')) {
    // 10,000 take about 40 minutes on 2 cores: `--soak=10000` for the full figure.
    const count = Number(process.argv.find((a) => a.startsWith('--soak='))?.slice(7) ?? 2000);
    log(`soak: ${count} AllAtOnce deployments on one engine, RSS sampled`);
    const { row, result } = await soak(count);
    rows.push(row);
    numbers.soak = result;
  }
  printTable();
  process.stdout.write(`\nbench took ${((performance.now() - t0) / 1000).toFixed(0)} s on ${(await import('node:os')).cpus().length} cores, Node ${process.version}\n`);
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ rows, numbers }, null, 2)}\n`);
}

await main();
