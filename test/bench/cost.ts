/**
 * The AWS cost model per configuration: each CodeDeploy configuration is deployed on the local
 * engine in virtual time (one alarm watched); its state transitions and Lambda invocations are
 * counted in the execution history and priced at AWS's list prices. Waits are woken (a bake is
 * one `.waitForTaskToken` wait, ended by its timeout or by an event), so nothing polls within a
 * deployment: what a deployment costs besides its own states is its share of the watcher, one
 * invocation a minute (template.yaml's `rate(1 minute)`) for all active deployments together.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlParse } from 'yaml-cfn';
import type { DeploymentRequest } from '../../shared/core/model/request.ts';
import { startLocalEngine } from '../../infra/local/engine.ts';
import { benchOn, createFunction, deploy, markdownTable, metricAlarm, ROOT, type Row } from './support.ts';

/** Step Functions Standard, us-east-1: $0.025 per 1,000 state transitions (https://aws.amazon.com/step-functions/pricing/). */
const PRICE_PER_TRANSITION = 0.025 / 1000;
/** Lambda arm64, us-east-1: $0.0000133334 per GB-s and $0.20 per 1M requests (https://aws.amazon.com/lambda/pricing/). */
const PRICE_PER_GB_SECOND_ARM = 0.0000133334;
const PRICE_PER_REQUEST = 0.2 / 1_000_000;
/** Billed duration assumed per controller invocation on AWS (loopback calls are faster than AWS's), the watcher's too. */
export const ASSUMED_BILLED_MS = 100;
/** Concurrent deployments sharing the watcher in the second figure. */
export const SHARED_BY = 100;
const WATCHER_STATE = 'WatchFunction';

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

/** Memory (MB) of each controller function by the state names that invoke it (and of the watcher by its logical id), from template.yaml. */
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
  map.set(WATCHER_STATE, Number(template.Resources[WATCHER_STATE]?.Properties?.MemorySize ?? globalMb));
  return (state) => map.get(state) ?? globalMb;
}

const lambdaCost = (memoryMb: number, invocations: number) => invocations * ((memoryMb / 1024) * (ASSUMED_BILLED_MS / 1000) * PRICE_PER_GB_SECOND_ARM + PRICE_PER_REQUEST);

export interface CostRunResult {
  config: string;
  status: string;
  /** States entered (each one state transition). */
  transitions: number;
  /** Lambda invocations of the state machine (its Task states, the waits' Control call included). */
  invocations: number;
  /** Engine minutes from StartExecution to the end: the watcher's ticks while it is active. */
  minutes: number;
  stateMachineCost: number;
  /** The watcher's cost over the deployment: all of it (the only deployment), or a 1/SHARED_BY share. */
  watcherAlone: number;
  watcherShared: number;
  costAlone: number;
  costShared: number;
}

export interface CostResult {
  row: Row;
  table: CostRunResult[];
  runs: CostRunResult[];
}

export async function costModel(): Promise<CostResult> {
  const engine = await startLocalEngine({ speed: 'max', logLevel: 'ERROR' });
  const b = benchOn(engine);
  const memory = memoryByState();
  let results: CostRunResult[];
  try {
    await metricAlarm(b, 'bench-cost-alarm');
    results = await Promise.all(
      CONFIGS.map(async (config): Promise<CostRunResult> => {
        const fn = `bench-cost-${config.toLowerCase()}`;
        await createFunction(b, fn);
        const request: DeploymentRequest = { functionName: fn, alias: 'live', currentVersion: '1', targetVersion: '2', strategy: config, alarms: ['bench-cost-alarm'] };
        const sim0 = engine.clock.now();
        const out = await deploy(b, request);
        const minutes = (engine.clock.now() - sim0) / 60_000;
        const history = engine.sfn.describeExecution(out.arn).history;
        const entered = history.filter((e) => e.type.endsWith('StateEntered'));
        const tasks = entered.filter((e) => e.type === 'TaskStateEntered').map((e) => String((e.stateEnteredEventDetails as { name?: string })?.name));
        const stateMachineCost = entered.length * PRICE_PER_TRANSITION + tasks.reduce((sum, state) => sum + lambdaCost(memory(state), 1), 0);
        // One watcher tick per minute the deployment is active.
        const watcherAlone = lambdaCost(memory(WATCHER_STATE), Math.ceil(minutes));
        const watcherShared = watcherAlone / SHARED_BY;
        return {
          config,
          status: out.status,
          transitions: entered.length,
          invocations: tasks.length,
          minutes,
          stateMachineCost,
          watcherAlone,
          watcherShared,
          costAlone: stateMachineCost + watcherAlone,
          costShared: stateMachineCost + watcherShared,
        };
      }),
    );
  } finally {
    await engine.close();
  }
  const failed = results.filter((r) => r.status !== 'SUCCEEDED');
  if (failed.length > 0) throw new Error(`cost model: ${failed.map((r) => `${r.config} ${r.status}`).join(', ')}`);
  const linear10 = results.find((r) => r.config === 'Linear10PercentEvery10Minutes')!;
  const row: Row = {
    figure: 'cost on AWS of Linear10PercentEvery10Minutes (transitions + Lambda, watcher share included; 1 alarm)',
    measured:
      `$${linear10.costAlone.toFixed(5)} as the only active deployment (the watcher's ${Math.ceil(linear10.minutes)} ticks all its own), ` +
      `$${linear10.costShared.toFixed(5)} with ${SHARED_BY} concurrent; ${linear10.transitions} transitions, ${linear10.invocations} Lambda invocations (measured, virtual time)`,
    goal: '≤ $0.003',
    met: linear10.costAlone <= 0.003,
  };
  return { row, table: results, runs: results };
}

export function renderCostTable(table: CostResult['table']): string {
  const head = ['configuration', 'state transitions', 'Lambda invocations', 'minutes (watcher ticks)', 'state machine', 'watcher alone', 'total alone', `total, ${SHARED_BY} concurrent`];
  const usd = (n: number) => `$${n.toFixed(5)}`;
  const body = table.map((r) => [r.config, String(r.transitions), String(r.invocations), `${r.minutes.toFixed(1)} (${Math.ceil(r.minutes)})`, usd(r.stateMachineCost), usd(r.watcherAlone), usd(r.costAlone), usd(r.costShared)]);
  return (
    `AWS cost model per configuration (us-east-1 list prices, free tiers ignored; https://aws.amazon.com/step-functions/pricing/, https://aws.amazon.com/lambda/pricing/): ` +
      `state transitions × $0.025/1,000 + Lambda arm64 invocations × ${ASSUMED_BILLED_MS} ms (assumed billed duration) × the template's MemorySize × $0.0000133334/GB-s + $0.20/1M requests. ` +
      `Transitions and invocations counted in the engine's execution history (virtual time, one alarm; waits are woken, nothing polls). ` +
      `The watcher runs once a minute for all active deployments: "alone" charges every tick of the deployment's minutes to it, "${SHARED_BY} concurrent" a 1/${SHARED_BY} share ` +
      `(assuming a tick's billed duration stays ${ASSUMED_BILLED_MS} ms). CloudWatch and DynamoDB requests are not priced here.\n\n` +
      `${markdownTable(head, body)}\n`
  );
}
