/**
 * The watcher's look for executions that ended without reconcile ending their deployment
 * (shared/tasks/ended-executions.ts), over the Step Functions adapter on a mocked SFN client
 * (to count the calls a tick makes) and an in-memory store that says the deployment has ended
 * when reconcile reads it again (the full path is test/e2e/ended-executions.test.ts).
 */
import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, type ListExecutionsCommandInput } from '@aws-sdk/client-sfn';
import { sfnExecutionReader } from '../../../shared/aws/execution-reader.ts';
import type { DeploymentRecord } from '../../../shared/core/model/record.ts';
import { reconcileEndedExecutions, type EndedExecutionPorts } from '../../../shared/tasks/ended-executions.ts';
import { IN_FLIGHT_SECONDS } from '../../../shared/tasks/reconcile.ts';
import { deploymentRecord, T0 } from '../handlers/harness.ts';

const STATE_MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:glidepath-deployment';
const arnOf = (id: string) => `arn:aws:states:us-east-1:123456789012:execution:glidepath-deployment:${id}`;

function setup(count: number, options: { ended?: string[]; stoppedAgoSeconds?: number; createdAgoSeconds?: number } = {}) {
  const now = T0 + 3600_000;
  const ended = new Set(options.ended ?? []);
  const records = Array.from({ length: count }, (_, i) =>
    deploymentRecord({ id: `gp-${i}`, executionArn: arnOf(`gp-${i}`), status: 'InProgress', createdAt: new Date(now - (options.createdAgoSeconds ?? 600) * 1000).toISOString() }),
  );
  const running = records.filter((r) => !ended.has(r.id)).map((r) => ({ executionArn: r.executionArn!, stateMachineArn: STATE_MACHINE, name: r.id, status: 'RUNNING' as const, startDate: new Date(T0) }));
  const sfn = mockClient(SFNClient);
  sfn.on(ListExecutionsCommand).callsFake((input: ListExecutionsCommandInput) => {
    const start = Number(input.nextToken ?? 0);
    const max = input.maxResults ?? 100;
    const page = input.statusFilter === 'RUNNING' ? running : [];
    return { executions: page.slice(start, start + max), ...(start + max < page.length ? { nextToken: String(start + max) } : {}) };
  });
  sfn.on(DescribeExecutionCommand).callsFake(({ executionArn }: { executionArn: string }) => ({
    executionArn,
    stateMachineArn: STATE_MACHINE,
    name: executionArn.split(':').pop(),
    status: 'ABORTED',
    startDate: new Date(T0),
    stopDate: new Date(now - (options.stoppedAgoSeconds ?? 120) * 1000),
  }));
  const reads: string[] = [];
  const ports = {
    executions: sfnExecutionReader(new SFNClient({ region: 'us-east-1' }), STATE_MACHINE),
    // Reconcile reads the record again: its Finish has run meanwhile, so reconcile changes nothing.
    store: {
      get: async (id: string) => {
        reads.push(id);
        return { ...records.find((r) => r.id === id)!, status: 'Stopped' } as DeploymentRecord;
      },
      update: async () => undefined,
      releaseLock: async () => 'notHeld' as const,
      unwatchAlarms: async () => undefined,
    },
    clock: { now: () => now, sleep: async () => undefined },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
  } as unknown as EndedExecutionPorts;
  return { sfn, ports, records, reads };
}

describe('the calls of a tick', () => {
  it.each([
    { active: 1, lists: 1 },
    { active: 100, lists: 1 },
    { active: 1000, lists: 1 },
    { active: 2500, lists: 3 },
  ])('$active active deployments, all running: $lists ListExecutions (RUNNING, 1,000 a page), no DescribeExecution', async ({ active, lists }) => {
    const { sfn, ports, records, reads } = setup(active);
    const result = await reconcileEndedExecutions(records, ports);
    expect(result).toEqual({ reconciled: [], errors: 0 });
    expect(sfn).toHaveReceivedCommandTimes(ListExecutionsCommand, lists);
    expect(sfn.commandCalls(ListExecutionsCommand).every((c) => c.args[0].input.statusFilter === 'RUNNING' && c.args[0].input.maxResults === 1000)).toBe(true);
    expect(sfn).toHaveReceivedCommandTimes(DescribeExecutionCommand, 0);
    expect(reads).toEqual([]);
    sfn.restore();
  });

  it('no active deployment: no call at all', async () => {
    const { sfn, ports } = setup(0);
    expect(await reconcileEndedExecutions([], ports)).toEqual({ reconciled: [], errors: 0 });
    expect(sfn).toHaveReceivedCommandTimes(ListExecutionsCommand, 0);
    sfn.restore();
  });

  it('1,000 active, 3 ended: one listing, a DescribeExecution for each of the 3 and reconcile for each', async () => {
    const { sfn, ports, records, reads } = setup(1000, { ended: ['gp-5', 'gp-500', 'gp-999'] });
    await reconcileEndedExecutions(records, ports);
    expect(sfn).toHaveReceivedCommandTimes(ListExecutionsCommand, 1);
    expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input.executionArn).sort()).toEqual([arnOf('gp-5'), arnOf('gp-500'), arnOf('gp-999')].sort());
    expect(reads.sort()).toEqual(['gp-5', 'gp-500', 'gp-999'].sort());
    sfn.restore();
  });
});

describe('IN_FLIGHT_SECONDS', () => {
  it('an execution stopped less than IN_FLIGHT_SECONDS ago is the next tick\'s', async () => {
    const { sfn, ports, records, reads } = setup(1, { ended: ['gp-0'], stoppedAgoSeconds: IN_FLIGHT_SECONDS - 1 });
    await reconcileEndedExecutions(records, ports);
    expect(sfn).toHaveReceivedCommandTimes(DescribeExecutionCommand, 1);
    expect(reads).toEqual([]);
    sfn.restore();
  });

  it('a deployment created less than IN_FLIGHT_SECONDS ago is not looked at (its execution may not be listed yet)', async () => {
    const { sfn, ports, records, reads } = setup(1, { ended: ['gp-0'], createdAgoSeconds: IN_FLIGHT_SECONDS - 1 });
    await reconcileEndedExecutions(records, ports);
    expect(sfn).toHaveReceivedCommandTimes(ListExecutionsCommand, 0);
    expect(sfn).toHaveReceivedCommandTimes(DescribeExecutionCommand, 0);
    expect(reads).toEqual([]);
    sfn.restore();
  });

  it('ended deployments in the index (a repair marker) are not looked at', async () => {
    const { sfn, ports, records } = setup(2, { ended: ['gp-0', 'gp-1'] });
    const ended = records.map((r) => ({ ...r, status: 'Stopped' as const, repair: { since: r.createdAt, attempts: 0, nextAt: r.createdAt } }));
    await reconcileEndedExecutions(ended, ports);
    expect(sfn).toHaveReceivedCommandTimes(ListExecutionsCommand, 0);
    sfn.restore();
  });
});
