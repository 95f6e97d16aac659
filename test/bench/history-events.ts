/**
 * Execution history events of long deployments: a 48-hour TimeBasedLinear and a 7-day bake, run on
 * the engine in virtual time (one alarm watched), counted as GetExecutionHistory returns them
 * (paged through the Step Functions API). Waits are woken, not polled, so a bake is one wait however
 * long it lasts; the core's worst case for the same plan (shared/core/history-budget.ts: retries
 * and operator actions included) is shown next to it.
 */
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { startLocalEngine } from '../../infra/local/engine.ts';
import type { DeploymentRequest } from '../../shared/core/model/request.ts';
import { planDeployment } from '../../shared/core/planner.ts';
import { parseRequest } from '../../shared/core/validate.ts';
import { worstCaseHistoryEvents } from '../../shared/core/history-budget.ts';
import { benchOn, createFunction, deploy, metricAlarm, type Bench, type Row } from './support.ts';

/** The goal: a long deployment stays far below Step Functions' 25,000 events. */
export const HISTORY_EVENTS_GOAL = 2000;

export interface HistoryRun {
  name: string;
  status: string;
  events: number;
  worstCase: number;
  simulatedHours: number;
}

async function countEvents(b: Bench, executionArn: string): Promise<number> {
  let count = 0;
  let nextToken: string | undefined;
  do {
    const out = await b.clients.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }));
    count += out.events?.length ?? 0;
    nextToken = out.nextToken;
  } while (nextToken);
  return count;
}

export async function historyEvents(): Promise<{ rows: Row[]; runs: HistoryRun[] }> {
  const engine = await startLocalEngine({ speed: 'max', logLevel: 'ERROR' });
  const b = benchOn(engine);
  const cases: { name: string; fn: string; strategy: DeploymentRequest['strategy'] }[] = [
    { name: 'TimeBasedLinear 10% every 320 min (48 h)', fn: 'bench-history-linear', strategy: { type: 'TimeBasedLinear', percentage: 10, intervalMinutes: 320 } },
    { name: '7-day bake (10%, bake 168h, 100%)', fn: 'bench-history-bake', strategy: { steps: [{ setWeight: 10 }, { bake: '168h' }, { setWeight: 100 }] } },
  ];
  const runs: HistoryRun[] = [];
  try {
    await metricAlarm(b, 'bench-history-alarm');
    // Side by side on one engine: the watcher's ticks of the longer one cover the shorter one's.
    const ran = await Promise.all(
      cases.map(async (c): Promise<HistoryRun> => {
        await createFunction(b, c.fn);
        const request: DeploymentRequest = { functionName: c.fn, alias: 'live', currentVersion: '1', targetVersion: '2', strategy: c.strategy, alarms: ['bench-history-alarm'] };
        const sim0 = engine.clock.now();
        const r = await deploy(b, request);
        const simulatedHours = (engine.clock.now() - sim0) / 3_600_000;
        const plan = planDeployment(parseRequest(request));
        const worstCase = worstCaseHistoryEvents({ steps: plan.steps, beforeAllowTraffic: false, afterAllowTraffic: false, finalBake: false, windows: false });
        return { name: c.name, status: r.status, events: await countEvents(b, r.arn), worstCase, simulatedHours };
      }),
    );
    runs.push(...ran);
  } finally {
    await engine.close();
  }
  const rows = runs.map((run) => ({
    figure: `execution history events: ${run.name}, 1 alarm`,
    measured: `${run.events} events (GetExecutionHistory on the engine, virtual time, ${run.simulatedHours.toFixed(1)} simulated h, ${run.status}); the core's worst case for the plan ${run.worstCase}`,
    goal: `≤ ${HISTORY_EVENTS_GOAL.toLocaleString('en')}`,
    met: run.status === 'SUCCEEDED' && run.events <= HISTORY_EVENTS_GOAL,
  }));
  return { rows, runs };
}
