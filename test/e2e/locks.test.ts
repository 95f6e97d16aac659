/**
 * The alias's lock never outlives its deployment. Prepare writes the record and the lock in one
 * transaction; a Prepare that fails after it (here: DynamoDB refusing the alarm watches' write, at
 * each of Prepare's 7 attempts)
 * goes to Reject, whose Finish ends the recorded deployment as failed and releases the lock —
 * by the time the execution has ended, with no reconcile (its rule is taken out for the test).
 * The next deployment of the alias starts and succeeds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getLock } from '../../shared/aws/deployment-store.ts';
import { deploymentsWatching } from '../../shared/aws/alarm-watches.ts';
import { createApp } from './support/app.ts';
import { manualAlarm } from './support/alarms.ts';
import { deploy, readRecord, requestFor, startDeployment, waitForEnd } from './support/deploy.ts';
import { useEngine, withoutRule } from './support/engine.ts';
import { expectSucceeded, expectTerminalInvariant } from './support/expect.ts';

const ctx = useEngine({ speed: 10_000 });

withoutRule(ctx, 'ReconcileExecutionEndRule');
afterEach(() => {
  ctx.engine.endpoint.faults.clear();
});

describe('a Prepare that fails after recording the deployment', () => {
  it('DynamoDB refuses the alarm watches: Reject ends the deployment Failed and releases the lock; the next deployment succeeds', async () => {
    const app = await createApp(ctx.lambda, 'prepare-fault');
    const alarm = await manualAlarm(ctx, 'OK', 'prepare-fault');
    ctx.engine.endpoint.faults.add({ service: 'dynamodb', operation: 'BatchWriteItem', count: 7, error: 'ValidationException', status: 400, message: 'e2e: refused', pathIncludes: alarm });
    const started = await startDeployment(ctx, requestFor(app, { strategy: { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 5 }, alarms: [alarm] }));
    const outcome = await waitForEnd(ctx, started, app);
    expect(ctx.engine.endpoint.faults.list()).toEqual([]);
    expect(outcome.status).toBe('FAILED');
    const record = await readRecord(ctx, started.deploymentId);
    expect(record?.status).toBe('Failed');
    expect(record?.error?.message).toContain('e2e: refused');
    expect(record?.gsi2pk).toBeUndefined();
    expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
    expect(await deploymentsWatching(ctx.store, alarm)).toEqual([]);
    await expectTerminalInvariant(ctx, app, { ...outcome, record }, 'current');

    const next = await deploy(ctx, app, { strategy: 'AllAtOnce' });
    expectSucceeded(next);
  });
});
