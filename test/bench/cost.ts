/**
 * The AWS cost model per configuration: each CodeDeploy configuration is deployed on
 * the local engine; its state transitions and Lambda invocations are counted in the execution
 * history and priced at AWS's list prices.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yamlParse } from 'yaml-cfn';
import type { DeploymentRequest } from '../../shared/core/model/request.ts';
import { planDeployment } from '../../shared/core/planner.ts';
import { parseRequest } from '../../shared/core/validate.ts';
import { createFunction, deploy, markdownTable, metricAlarm, ROOT, type Bench, type Row } from './support.ts';

/** Step Functions Standard, us-east-1: $0.025 per 1,000 state transitions. */
const PRICE_PER_TRANSITION = 0.000025;
/** Lambda arm64, us-east-1. */
const PRICE_PER_GB_SECOND_ARM = 0.0000133334;
const PRICE_PER_REQUEST = 0.2 / 1_000_000;
/** Billed duration assumed per controller invocation on AWS (loopback calls are faster than AWS's). */
export const ASSUMED_BILLED_MS = 100;

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

export interface CostRunResult extends CostRun {
  status: string;
  measuredTransitions: number;
  /** Measured plus the skipped bake checks. */
  transitions: number;
  invocations: number;
  checksMeasured: number;
  checksAdded: number;
  lambdaCost: number;
  cost: number;
}

export interface CostResult {
  row: Row;
  /** Per configuration: with checks every 10 s (`a`) and every 60 s (`s`). */
  table: { config: string; a: CostRunResult; s: CostRunResult }[];
  runs: CostRunResult[];
}

export async function costModel(b: Bench): Promise<CostResult> {
  b.engine.clock.speed = 100;
  const memory = memoryByState();
  await metricAlarm(b, 'bench-cost-alarm');
  const runs: CostRun[] = CONFIGS.flatMap((config) =>
    (['alarm', 'alarm60'] as const).map((variant) => ({ config, variant, fn: `bench-cost-${config.toLowerCase()}-${variant}` })),
  );
  await Promise.all(runs.map((r) => createFunction(b, r.fn)));
  const results = await Promise.all(
    runs.map(async (r): Promise<CostRunResult> => {
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
  const failed = results.filter((r) => r.status !== 'SUCCEEDED');
  if (failed.length > 0) throw new Error(`cost model: ${failed.map((r) => `${r.fn} ${r.status}`).join(', ')}`);
  const table = CONFIGS.map((config) => {
    const pick = (variant: CostRun['variant']) => results.find((r) => r.config === config && r.variant === variant)!;
    return { config, a: pick('alarm'), s: pick('alarm60') };
  });
  const linear10 = table.find((c) => c.config === 'Linear10PercentEvery10Minutes')!;
  const row: Row = {
    figure: 'cost of a Linear10PercentEvery10Minutes deployment on AWS (transitions + Lambda)',
    measured: `$${linear10.a.cost.toFixed(4)} (${linear10.a.transitions} transitions; checks every 10 s, 1 alarm); $${linear10.s.cost.toFixed(4)} with checkIntervalSeconds 60`,
    goal: '≤ $0.01',
    met: linear10.a.cost <= 0.01,
  };
  return { row, table, runs: results };
}

export function renderCostTable(table: CostResult['table']): string {
  const chead = ['configuration', 'transitions (measured + skipped checks)', 'Lambda invocations', 'cost, checks every 10 s', 'transitions, checks every 60 s', 'cost, checks every 60 s'];
  const cbody = table.map(({ config, a, s }) => [
    config,
    `${a.transitions} (${a.measuredTransitions} + ${a.checksAdded * TRANSITIONS_PER_CHECK})`,
    String(a.invocations),
    `$${a.cost.toFixed(4)}`,
    String(s.transitions),
    `$${s.cost.toFixed(4)}`,
  ]);
  return (
    `AWS cost model per configuration (us-east-1 prices, free tiers ignored): state transitions × $0.000025 + Lambda arm64 ` +
      `invocations × ${ASSUMED_BILLED_MS} ms (assumed billed duration) × the template's MemorySize × $0.0000133334/GB-s + $0.20/M requests. ` +
      `Transitions and invocations are counted in the local execution history (clock ×100), plus the bake checks the compressed clock skipped (3 transitions each). One alarm.\n\n` +
      `${markdownTable(chead, cbody)}\n`
  );
}
