/**
 * `npm run bench`: the figures of DESIGN §9 that the local engine can measure, in one table next
 * to their goals, then the AWS cost model per configuration. Not a test: nothing here asserts;
 * it measures and prints (and `--json <file>` writes the numbers).
 *
 * Phases: bundle cold load (builds first if build/ is missing); per-step overhead and AWS API calls
 * per setWeight step (clock ×1, so the record's timestamps are real milliseconds); AllAtOnce end to
 * end; alarm → rollback latency in simulated seconds; the cost model (state transitions counted in
 * the local execution history); 1,000 concurrent deployments in a child process (its peak RSS).
 */
import '../../infra/local/polyfill.ts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateAliasCommand, CreateFunctionCommand, GetAliasCommand, PublishVersionCommand, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { yamlParse } from 'yaml-cfn';
import { startLocalEngine, type LocalEngine } from '../../infra/local/engine.ts';
import { BUNDLE_FILE, listHandlers, measureColdLoad } from '../../infra/build.ts';
import { getDeployment } from '../../shared/aws/deployment-store.ts';
import type { Clients } from '../../shared/aws/clients.ts';
import type { DeploymentRequest } from '../../shared/model/request.ts';
import { buildClients } from '../../cli/target.ts';
import { newDeploymentId } from '../../cli/deployment-id.ts';
import { ordersSource, zipHandler } from '../../cli/demo/samples.ts';
import { planDeployment } from '../../shared/planner.ts';
import { parseRequest } from '../../shared/validate.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const PRICE_PER_TRANSITION = 0.000025;
const PRICE_PER_GB_SECOND_ARM = 0.0000133334;
const PRICE_PER_REQUEST = 0.2 / 1_000_000;
/** Billed duration assumed per controller invocation on AWS (loopback calls are faster than AWS's). */
const ASSUMED_BILLED_MS = 100;

const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const log = (text: string) => process.stderr.write(`bench: ${text}\n`);

// ------------------------------------------------------------------------------------------
// Counting requests at the engine's endpoint: every HTTP request its server receives.
// ------------------------------------------------------------------------------------------
type Counts = Map<string, number>;
let counting: Counts | undefined;
let countedPort = -1;

function operationOf(req: http.IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const [prefix = '', op = ''] = target.split('.');
    const service = prefix.startsWith('DynamoDB') ? 'dynamodb' : prefix.startsWith('Granite') ? 'cloudwatch' : prefix.startsWith('AWSStepFunctions') ? 'sfn' : prefix.startsWith('CodeDeploy') ? 'codedeploy' : prefix;
    return `${service}:${op}`;
  }
  const path = (req.url ?? '').split('?')[0]!;
  const method = req.method ?? 'GET';
  if (/\/aliases\/[^/]+$/.test(path)) return `lambda:${method === 'PUT' ? 'UpdateAlias' : method === 'GET' ? 'GetAlias' : 'DeleteAlias'}`;
  if (/\/invocations$/.test(path)) return 'lambda:Invoke';
  if (/\/versions$/.test(path)) return `lambda:${method === 'POST' ? 'PublishVersion' : 'ListVersions'}`;
  if (/\/configuration$/.test(path)) return 'lambda:GetFunctionConfiguration';
  if (/\/functions\/[^/]+$/.test(path)) return `lambda:${method === 'GET' ? 'GetFunction' : method}`;
  return `other:${method} ${path}`;
}

const originalEmit = http.Server.prototype.emit as (this: http.Server, event: string, ...args: unknown[]) => boolean;
http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
  if (event === 'request' && counting) {
    const address = this.address();
    if (address && typeof address === 'object' && address.port === countedPort) {
      const op = operationOf(args[0] as http.IncomingMessage);
      counting.set(op, (counting.get(op) ?? 0) + 1);
    }
  }
  return originalEmit.call(this, event, ...args);
} as typeof http.Server.prototype.emit;

async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; counts: Counts }> {
  counting = new Map();
  try {
    const value = await fn();
    return { value, counts: counting };
  } finally {
    counting = undefined;
  }
}

// ------------------------------------------------------------------------------------------
// Helpers on the engine
// ------------------------------------------------------------------------------------------
interface Bench {
  engine: LocalEngine;
  clients: Clients;
}

async function createFunction(b: Bench, name: string): Promise<void> {
  const { lambda } = b.clients;
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::000000000000:role/bench',
      Code: { ZipFile: zipHandler(ordersSource({ name: 'v1', faulty: false })) },
    }),
  );
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zipHandler(ordersSource({ name: 'v2', faulty: false })) }));
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }));
}

async function metricAlarm(b: Bench, name: string): Promise<void> {
  await b.clients.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'Bench',
      MetricName: name,
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'ignore',
    }),
  );
  await b.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'OK', StateReason: 'bench start' }));
}

/** Starts a deployment through the Step Functions API and waits for the execution in process. */
async function deploy(b: Bench, request: DeploymentRequest): Promise<{ id: string; arn: string; wallMs: number; status: string }> {
  const id = newDeploymentId();
  const t0 = performance.now();
  const out = await b.clients.sfn.send(new StartExecutionCommand({ stateMachineArn: b.engine.stateMachineArn, name: id, input: JSON.stringify(request) }));
  const execution = b.engine.sfn.describeExecution(out.executionArn!);
  await execution.done;
  return { id, arn: out.executionArn!, wallMs: performance.now() - t0, status: execution.status };
}

async function currentVersion(b: Bench, name: string): Promise<string> {
  return (await b.clients.lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }))).FunctionVersion!;
}

function record(b: Bench, id: string) {
  return getDeployment({ ddb: b.clients.ddb, tableName: b.engine.tableName }, id);
}

// ------------------------------------------------------------------------------------------
// Phases
// ------------------------------------------------------------------------------------------
interface Row {
  figure: string;
  measured: string;
  goal: string;
  met: boolean | undefined;
}

const rows: Row[] = [];
const numbers: Record<string, unknown> = {};

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
  const total = (c: Counts) => [...c.values()].reduce((a, n) => a + n, 0);
  const extra = new Map<string, number>();
  for (const [op, n] of many.counts) extra.set(op, (n - (one.counts.get(op) ?? 0)) / 99);
  const aws = [...extra].filter(([op]) => !op.startsWith('sfn:'));
  const perStepCalls = aws.reduce((a, [, n]) => a + n, 0);
  const byService = (prefix: string) => aws.filter(([op]) => op.startsWith(prefix)).reduce((a, [, n]) => a + n, 0);
  const breakdown = aws.filter(([, n]) => n > 0.005).map(([op, n]) => `${op} ${n.toFixed(2)}`).join(', ');
  numbers.perStep = { medianMs: perStep, p90Ms: pct(gaps, 90), meanMs: (many.wallMs - one.wallMs) / 99, gapsMs: gaps, requests1: Object.fromEntries(one.counts), requests100: Object.fromEntries(many.counts) };
  numbers.apiCallsPerStep = Object.fromEntries(extra);
  rows.push({
    figure: 'engine + handler overhead per step (100 setWeight steps, 0-length waits)',
    measured: `${perStep.toFixed(1)} ms median, ${pct(gaps, 90).toFixed(1)} ms p90 (${((many.wallMs - one.wallMs) / 99).toFixed(1)} ms mean)`,
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

async function alarmRollback(b: Bench): Promise<void> {
  b.engine.clock.speed = 100;
  await createFunction(b, 'bench-rollback');
  await metricAlarm(b, 'bench-rollback-alarm');
  const latencies: number[] = [];
  for (let i = 0; i < 6; i++) {
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
    for (;;) {
      const r = await record(b, id);
      if (r?.stepIndex === 1 && r.weight === 10) break;
      if (execution.status !== 'RUNNING') throw new Error(`rollback bench: execution ended ${execution.status} before the bake`);
      await new Promise((res) => setTimeout(res, 5));
    }
    // Fire at a different point of the check interval each run.
    await b.engine.clock.sleep(2 + i * 1.7);
    const fired = b.engine.clock.now();
    await b.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'bench-rollback-alarm', StateValue: 'ALARM', StateReason: 'bench' }));
    await execution.done;
    const r = await record(b, id);
    const back = r?.weights.at(-1);
    if (!back || back.weight !== 0) throw new Error('rollback bench: the alias did not go back to 0%');
    latencies.push((Date.parse(back.at) - fired) / 1000);
    await b.clients.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'bench-rollback-alarm', StateValue: 'OK', StateReason: 'bench reset' }));
  }
  numbers.alarmRollback = { simulatedSeconds: latencies };
  rows.push({
    figure: 'alarm in ALARM → alias back on current version (default checkIntervalSeconds 10)',
    measured: `${median(latencies).toFixed(1)} s median, ${Math.max(...latencies).toFixed(1)} s max (simulated, 6 runs)`,
    goal: '≤ 11 s (checkIntervalSeconds + 1 s)',
    met: Math.max(...latencies) <= 11,
  });
}

const CONFIGS = [
  'Canary10Percent5Minutes',
  'Canary10Percent10Minutes',
  'Canary10Percent15Minutes',
  'Canary10Percent30Minutes',
  'Linear10PercentEvery1Minute',
  'Linear10PercentEvery2Minutes',
  'Linear10PercentEvery3Minutes',
  'Linear10PercentEvery10Minutes',
  'AllAtOnce',
];

/** Memory (MB) of each controller function by the state names that invoke it, from template.yaml. */
function memoryByState(): (state: string) => number {
  const template = yamlParse(readFileSync(join(ROOT, 'template.yaml'), 'utf8')) as { Globals?: any; Resources: Record<string, any> };
  const globalMb = Number(template.Globals?.Function?.MemorySize ?? 128);
  const machine = Object.values(template.Resources).find((r) => r.Type === 'AWS::Serverless::StateMachine');
  const subs = (machine?.Properties?.DefinitionSubstitutions ?? {}) as Record<string, any>;
  const asl = JSON.parse(readFileSync(join(ROOT, 'infra/statemachine/deployment.asl.json'), 'utf8')) as { States: Record<string, any> };
  const map = new Map<string, number>();
  for (const [name, state] of Object.entries(asl.States)) {
    if (state.Type !== 'Task') continue;
    const ref = String(state.Parameters?.FunctionName ?? state.Resource ?? '');
    const key = /\$\{(\w+)\}/.exec(ref)?.[1];
    const sub = key ? subs[key] : undefined;
    const logical = Array.isArray(sub?.['Fn::GetAtt']) ? sub['Fn::GetAtt'][0] : typeof sub?.['Fn::GetAtt'] === 'string' ? sub['Fn::GetAtt'].split('.')[0] : undefined;
    map.set(name, Number(template.Resources[logical]?.Properties?.MemorySize ?? globalMb));
  }
  return (state) => map.get(state) ?? globalMb;
}

/** CheckHealth calls a plan makes on AWS: each bake of B s checks at 0, I, 2I, … until B has passed. */
function idealChecks(request: DeploymentRequest): number {
  const interval = request.alarmPolicy?.checkIntervalSeconds ?? 10;
  return planDeployment(parseRequest(request)).steps.reduce((sum, step) => sum + ('bake' in step ? Math.ceil(step.bake / interval) + 1 : 0), 0);
}

/** States entered per bake check: BakeWait → CheckHealth → HealthGate (deployment.asl.json). */
const TRANSITIONS_PER_CHECK = 3;

interface CostRun {
  config: string;
  variant: 'alarm' | 'alarm60';
  fn: string;
}

async function costModel(b: Bench): Promise<void> {
  b.engine.clock.speed = 100;
  const memory = memoryByState();
  await metricAlarm(b, 'bench-cost-alarm');
  const runs: CostRun[] = CONFIGS.flatMap((config) =>
    (['alarm', 'alarm60'] as const).map((variant) => ({ config, variant, fn: `bench-cost-${config.toLowerCase()}-${variant}` })),
  );
  await Promise.all(runs.map((r) => createFunction(b, r.fn)));
  const results = await Promise.all(
    runs.map(async (r) => {
      const request: DeploymentRequest = {
        functionName: r.fn,
        alias: 'live',
        currentVersion: '1',
        targetVersion: '2',
        strategy: r.config,
        alarms: ['bench-cost-alarm'],
        ...(r.variant === 'alarm60' ? { alarmPolicy: { checkIntervalSeconds: 60 } } : {}),
      };
      const out = await deploy(b, request);
      const history = b.engine.sfn.describeExecution(out.arn).history;
      const entered = history.filter((e) => e.type.endsWith('StateEntered'));
      const tasks = entered.filter((e) => e.type === 'TaskStateEntered').map((e) => String((e.stateEnteredEventDetails as { name?: string })?.name));
      // The compressed clock lets time pass while a handler runs, so a few checks are skipped
      // locally: add back the ones AWS would make (each a CheckHealth invocation and 3 transitions).
      const checks = tasks.filter((t) => t === 'CheckHealth').length;
      const missing = Math.max(0, idealChecks(request) - checks);
      tasks.push(...Array.from({ length: missing }, () => 'CheckHealth'));
      const transitions = entered.length + missing * TRANSITIONS_PER_CHECK;
      const gbSeconds = tasks.reduce((sum, state) => sum + (memory(state) / 1024) * (ASSUMED_BILLED_MS / 1000), 0);
      const lambdaCost = gbSeconds * PRICE_PER_GB_SECOND_ARM + tasks.length * PRICE_PER_REQUEST;
      const cost = transitions * PRICE_PER_TRANSITION + lambdaCost;
      return { ...r, status: out.status, measuredTransitions: entered.length, transitions, invocations: tasks.length, checksMeasured: checks, checksAdded: missing, lambdaCost, cost };
    }),
  );
  numbers.cost = results;
  const failed = results.filter((r) => r.status !== 'SUCCEEDED');
  if (failed.length > 0) throw new Error(`cost model: ${failed.map((r) => `${r.fn} ${r.status}`).join(', ')}`);
  costTable = CONFIGS.map((config) => {
    const pick = (variant: CostRun['variant']) => results.find((r) => r.config === config && r.variant === variant)!;
    return { config, a: pick('alarm'), s: pick('alarm60') };
  });
  const linear10 = costTable.find((c) => c.config === 'Linear10PercentEvery10Minutes')!;
  rows.push({
    figure: 'cost of a Linear10PercentEvery10Minutes deployment on AWS (transitions + Lambda)',
    measured: `$${linear10.a.cost.toFixed(4)} (${linear10.a.transitions} transitions; checks every 10 s, 1 alarm); $${linear10.s.cost.toFixed(4)} with checkIntervalSeconds 60`,
    goal: '≤ $0.01',
    met: linear10.a.cost <= 0.01,
  });
}

let costTable: { config: string; a: any; s: any }[] = [];

async function concurrency(): Promise<void> {
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
  numbers.concurrency = r;
  rows.push({
    figure: `${r.n.toLocaleString('en')} concurrent Canary10Percent5Minutes deployments, ${r.n.toLocaleString('en')} aliases (clock ×${r.speed})`,
    measured: `${r.succeeded}/${r.n} succeeded, ${r.aliasesOk}/${r.n} aliases on the target with no weights; ${(r.wallMs / 1000).toFixed(1)} s; peak RSS ${r.peakRssMb.toFixed(0)} MiB`,
    goal: 'all finish correctly; peak RSS ≤ 1 GiB',
    met: r.succeeded === r.n && r.aliasesOk === r.n && r.peakRssMb <= 1024,
  });
}

async function concurrencyChild(): Promise<void> {
  const n = Number(process.env.GLIDEPATH_BENCH_CONCURRENCY ?? 1000);
  const speed = 60;
  const engine = await startLocalEngine({ speed, logLevel: 'ERROR' });
  const b: Bench = { engine, clients: buildClients({ region: engine.region, endpoint: engine.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }) };
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

function printTable(): void {
  const head = ['figure (DESIGN §9)', 'measured', 'goal', ''];
  const body = rows.map((r) => [r.figure, r.measured, r.goal, r.met === undefined ? '' : r.met ? 'met' : 'NOT MET']);
  const md = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const lines = [md(head), md(head.map(() => '---')), ...body.map(md)];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  if (costTable.length > 0) {
    const chead = ['configuration', 'transitions (measured + skipped checks)', 'Lambda invocations', 'cost, checks every 10 s', 'transitions, checks every 60 s', 'cost, checks every 60 s'];
    const cbody = costTable.map(({ config, a, s }) => [
      config,
      `${a.transitions} (${a.measuredTransitions} + ${a.checksAdded * TRANSITIONS_PER_CHECK})`,
      String(a.invocations),
      `$${a.cost.toFixed(4)}`,
      String(s.transitions),
      `$${s.cost.toFixed(4)}`,
    ]);
    process.stdout.write(
      `\nAWS cost model per configuration (us-east-1 prices, free tiers ignored): state transitions × $0.000025 + Lambda arm64 ` +
        `invocations × ${ASSUMED_BILLED_MS} ms (assumed billed duration) × the template's MemorySize × $0.0000133334/GB-s + $0.20/M requests. ` +
        `Transitions and invocations are counted in the local execution history (clock ×100), plus the bake checks the compressed clock skipped (3 transitions each). One alarm.\n\n` +
        `${[md(chead), md(chead.map(() => '---')), ...cbody.map(md)].join('\n')}\n`,
    );
  }
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
  countedPort = engine.port;
  const b: Bench = { engine, clients: buildClients({ region: engine.region, endpoint: engine.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }) };
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
      log('cost model (18 deployments at clock ×100, about a minute)');
      await costModel(b);
    }
  } finally {
    await engine.close();
  }
  if (!skip.has('concurrency')) {
    log('1,000 concurrent deployments (child process)');
    await concurrency();
  }
  printTable();
  process.stdout.write(`\nbench took ${((performance.now() - t0) / 1000).toFixed(0)} s on ${(await import('node:os')).cpus().length} cores, Node ${process.version}\n`);
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ rows, numbers }, null, 2)}\n`);
}

await main();
