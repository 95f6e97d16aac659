/**
 * Rehearsals in virtual time (`--speed max`, infra/local/clock.ts): the wall time of a whole
 * deployment when the clock jumps over every wait during which nothing runs. Linear10PercentEvery10Minutes
 * (90 simulated minutes), a 48-hour TimeBasedLinear, and the demo's two deployments (a good
 * canary; a faulty version behind a BeforeAllowTraffic hook, rolled back by its alarm) with
 * traffic that is itself on the engine clock (one invocation of the alias every 5 simulated seconds).
 */
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { startLocalEngine } from '../../infra/local/engine.ts';
import type { DeploymentRequest } from '../../shared/core/model/request.ts';
import { createFunctionWithVersions, createNodeFunction, publishCode } from '../../shared/aws/sample-app.ts';
import { ordersSource, sampleSource, zipHandler } from '../../cli/demo/samples.ts';
import { benchOn, deploy, type Bench, type Row } from './support.ts';

const ROLE = 'arn:aws:iam::000000000000:role/bench';

function errorAlarm(fn: string, version: string) {
  return new PutMetricAlarmCommand({
    AlarmName: `${fn}-v${version}-errors`,
    Namespace: 'AWS/Lambda',
    MetricName: 'Errors',
    Dimensions: [
      { Name: 'FunctionName', Value: fn },
      { Name: 'Resource', Value: `${fn}:live` },
      { Name: 'ExecutedVersion', Value: version },
    ],
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
  });
}

/** Invokes `fn:live` every `everySeconds` of engine time until stopped. */
function trafficOnTheClock(b: Bench, fn: string, everySeconds: number): { stop(): Promise<void>; count: () => number } {
  let running = true;
  let count = 0;
  const loop = (async () => {
    while (running) {
      await b.clients.lambda.send(new InvokeCommand({ FunctionName: `${fn}:live`, Payload: Buffer.from('{"path":"/orders"}') })).catch(() => undefined);
      count += 1;
      await b.engine.clock.sleep(everySeconds);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
    count: () => count,
  };
}

async function rehearse(b: Bench, name: string, request: DeploymentRequest): Promise<{ name: string; wallMs: number; simulatedS: number; status: string }> {
  const sim0 = b.engine.clock.now();
  const r = await deploy(b, request);
  return { name, wallMs: r.wallMs, simulatedS: (b.engine.clock.now() - sim0) / 1000, status: r.status };
}

export async function virtualTime(): Promise<{ rows: Row[]; runs: unknown[] }> {
  const engine = await startLocalEngine({ speed: 'max', logLevel: 'ERROR' });
  const b = benchOn(engine);
  const runs: { name: string; wallMs: number; simulatedS: number; status: string }[] = [];
  try {
    const zips = ['v1', 'v2'].map((release) => zipHandler(ordersSource({ name: release, faulty: false })));
    await createFunctionWithVersions(b.clients.lambda, { name: 'vt-linear', role: ROLE }, zips, 'live');
    runs.push(await rehearse(b, 'Linear10PercentEvery10Minutes', { functionName: 'vt-linear', alias: 'live', currentVersion: '1', targetVersion: '2', strategy: 'Linear10PercentEvery10Minutes' }));
    runs.push(
      await rehearse(b, 'TimeBasedLinear 10% every 288 min (48 h)', {
        functionName: 'vt-linear', alias: 'live', currentVersion: '2', targetVersion: '1',
        strategy: { type: 'TimeBasedLinear', percentage: 10, intervalMinutes: 288 },
      }),
    );

    // The demo's two deployments, its traffic on the engine clock.
    const fn = 'vt-demo';
    const [v1, v2] = await createFunctionWithVersions(b.clients.lambda, { name: fn, role: ROLE }, zips, 'live');
    await b.clients.cloudwatch.send(errorAlarm(fn, v2!));
    const traffic = trafficOnTheClock(b, fn, 5);
    runs.push(await rehearse(b, 'demo 1: Canary10Percent5Minutes, good version', { functionName: fn, alias: 'live', currentVersion: v1!, targetVersion: v2!, strategy: 'Canary10Percent5Minutes', alarms: [`${fn}-v${v2}-errors`] }));
    const v3 = await publishCode(b.clients.lambda, fn, zipHandler(ordersSource({ name: 'v3', faulty: true })));
    await b.clients.cloudwatch.send(errorAlarm(fn, v3));
    await createNodeFunction(b.clients.lambda, { name: 'vt-demo-hook', role: ROLE, environment: { TARGET_FUNCTION: `${fn}:${v3}` } }, zipHandler(sampleSource('smoke-hook.mjs')));
    runs.push(
      await rehearse(b, 'demo 2: faulty version, hook, alarm rollback', {
        functionName: fn, alias: 'live', currentVersion: v2!, targetVersion: v3, strategy: 'Canary10Percent5Minutes',
        hooks: { beforeAllowTraffic: 'vt-demo-hook' }, alarms: [`${fn}-v${v3}-errors`],
      }),
    );
    await traffic.stop();
  } finally {
    await engine.close();
  }
  const cell = (r: (typeof runs)[number]) => `${(r.wallMs / 1000).toFixed(2)} s for ${(r.simulatedS / 60).toFixed(0)} simulated min (${r.status})`;
  const linear = runs[0]!;
  return {
    runs,
    rows: [
      { figure: 'rehearsal in virtual time: Linear10PercentEvery10Minutes', measured: cell(linear), goal: '≤ 2 s', met: linear.wallMs <= 2000 && linear.status === 'SUCCEEDED' },
      ...runs.slice(1).map((r) => ({ figure: `rehearsal in virtual time: ${r.name}`, measured: cell(r), goal: '—', met: true })),
    ],
  };
}
