/**
 * GetMetricData calls per watcher tick for 1, 100 and 1,000 deployments in a bake: the analysis's
 * own query planning (span, queries per check and version) read through the CloudWatch adapter,
 * whose client counts the calls it is asked to send (each answered with no data).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { analysisPolicy } from '../../shared/core/analysis/policy.ts';
import { analysisSpan } from '../../shared/core/analysis/span.ts';
import { planAnalysis } from '../../shared/core/analysis/evaluate.ts';
import { cloudWatchMetricReader, METRIC_QUERIES_PER_CALL } from '../../shared/aws/metric-reader.ts';
import type { DeploymentRecord } from '../../shared/core/model/record.ts';
import type { Row } from './support.ts';

function baking(i: number, now: number): DeploymentRecord {
  return {
    id: `gp-${i}`,
    functionName: `fn-${i}`,
    alias: 'live',
    currentVersion: '1',
    targetVersion: '2',
    request: { functionName: `fn-${i}`, alias: 'live', targetVersion: '2', strategy: 'Canary10Percent15Minutes' },
    plan: { steps: [{ setWeight: 10 }, { bake: 900 }, { setWeight: 100 }] },
    stepIndex: 1,
    stepStartedAt: new Date(now - 10 * 60_000).toISOString(),
    weight: 10,
    createdAt: new Date(now - 11 * 60_000).toISOString(),
  } as unknown as DeploymentRecord;
}

export async function analysisCalls(): Promise<{ rows: Row[]; runs: Record<string, number> }> {
  const runs: Record<string, number> = {};
  const now = Date.parse('2026-01-01T12:00:00Z');
  for (const n of [1, 100, 1000]) {
    let calls = 0;
    let largest = 0;
    const client = {
      send: async (command: { input: { MetricDataQueries?: unknown[] } }) => {
        calls += 1;
        largest = Math.max(largest, command.input.MetricDataQueries?.length ?? 0);
        return { MetricDataResults: [] };
      },
    } as unknown as CloudWatchClient;
    const planned = Array.from({ length: n }, (_, i) => {
      const record = baking(i, now);
      const policy = analysisPolicy(record.request);
      return planAnalysis(record, policy, analysisSpan(record, policy, now)!, `d${i}`);
    });
    const queries = planned.flatMap((p) => p.queries);
    await cloudWatchMetricReader(client).read(queries, { start: planned[0]!.span.target.start, end: planned[0]!.span.target.end });
    runs[`deployments${n}`] = calls;
    runs[`queries${n}`] = queries.length;
    runs[`largestCall${n}`] = largest;
  }
  const perCall = (n: number) => Math.ceil(runs[`queries${n}`]! / METRIC_QUERIES_PER_CALL);
  const rows: Row[] = [
    {
      figure: 'GetMetricData calls per watcher tick, 1 / 100 / 1,000 deployments baking',
      measured: `${runs.deployments1} / ${runs.deployments100} / ${runs.deployments1000} (${runs.queries1000} queries for 1,000, ≤ ${METRIC_QUERIES_PER_CALL} a call)`,
      goal: `the fewest the 500-query limit allows: ${perCall(1)} / ${perCall(100)} / ${perCall(1000)}`,
      met: [1, 100, 1000].every((n) => runs[`deployments${n}`] === perCall(n)),
    },
  ];
  return { rows, runs };
}
