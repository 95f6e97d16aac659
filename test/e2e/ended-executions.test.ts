/**
 * An execution that ended without its Finish, and whose reconcile never happened (the Step
 * Functions event lost: the engine's ReconcileExecutionEndRule is taken out of its rules for the
 * test): the watcher's ticks (each engine minute) find the active deployment whose execution is
 * no longer running and end it through reconcile's path — the alias back on the current version,
 * the record Stopped, the lock free, the state change published — and the alias takes the next
 * deployment.
 */
import { describe, expect, it } from 'vitest';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { getLock } from '../../shared/aws/deployment-store.ts';
import { EVENT_SOURCE } from '../../shared/aws/events.ts';
import { IN_FLIGHT_SECONDS } from '../../shared/tasks/reconcile.ts';
import { createApp, readAlias } from './support/app.ts';
import { atWeight, deploy, readRecord, requestFor, startDeployment, waitForEnd, waitForRecord } from './support/deploy.ts';
import { useEngine, withoutRule } from './support/engine.ts';
import { expectSucceeded, expectTerminalInvariant, weightsOf } from './support/expect.ts';
import { until } from './support/until.ts';

const ctx = useEngine({ speed: 10_000 });
const longCanary = { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 720 };

withoutRule(ctx, 'ReconcileExecutionEndRule');


describe('an execution stopped from outside, its status event lost', () => {
  it('the watcher ends the deployment: alias on the current version, Stopped/MANUAL_STOP, lock free; the next deployment succeeds', async () => {
    const app = await createApp(ctx.lambda, 'lost-event');
    const started = await startDeployment(ctx, requestFor(app, { strategy: longCanary }));
    await waitForRecord(ctx, started, 'baking at 10%', atWeight(10));

    const stop = await ctx.sfn.send(new StopExecutionCommand({ executionArn: started.executionArn, error: 'OperatorStop', cause: 'e2e: stopped, event lost' }));
    const outcome = await waitForEnd(ctx, started, app);
    expect(outcome.status).toBe('ABORTED');
    const record = await until('ended by the watcher', () => readRecord(ctx, started.deploymentId), (r) => r?.status === 'Stopped', 30_000);
    // The state change goes out last (after the record's end, the lock and the watches): wait for it.
    const statuses = () =>
      ctx.engine.waysIn.events.events
        .filter((e) => e.source === EVENT_SOURCE && (e.detail as { deploymentId?: string }).deploymentId === started.deploymentId)
        .map((e) => (e.detail as { status?: string }).status);
    expect(await until('the state change published', async () => statuses(), (s) => s.includes('Stopped'))).toContain('Stopped');

    // No reconcile delivery for it: the watcher did it, not before IN_FLIGHT_SECONDS after the stop.
    const delivered = ctx.engine.waysIn.events.deliveries.filter((d) => d.rule === 'ReconcileExecutionEndRule');
    const events = new Set(ctx.engine.waysIn.events.events.filter((e) => (e.detail as { executionArn?: string }).executionArn === started.executionArn).map((e) => e.id));
    expect(delivered.filter((d) => events.has(d.eventId))).toEqual([]);
    expect(Date.parse(record!.endedAt!) - stop.stopDate!.getTime()).toBeGreaterThanOrEqual(IN_FLIGHT_SECONDS * 1000 - 1000);

    expect(record?.error?.code).toBe('MANUAL_STOP');
    expect(record?.error?.message).toBe('the execution was stopped outside Glidepath (StopExecution or the console): OperatorStop: e2e: stopped, event lost');
    expect(weightsOf(record)).toEqual([0, 10, 0]);
    expect(record?.gsi2pk).toBeUndefined();
    expect(record?.waitToken).toBeUndefined();
    const alias = await readAlias(ctx.lambda, app);
    expect(alias.version).toBe(app.versions[0]);
    expect(alias.weights).toEqual({});
    expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
    await expectTerminalInvariant(ctx, app, { ...outcome, record: record!, alias }, 'current');

    const next = await deploy(ctx, app, { strategy: 'AllAtOnce' });
    expectSucceeded(next);
  });

  it('a running deployment is left alone by the ticks', async () => {
    const app = await createApp(ctx.lambda, 'still-running');
    const started = await startDeployment(ctx, requestFor(app, { strategy: longCanary }));
    await waitForRecord(ctx, started, 'baking at 10%', atWeight(10));
    // A few engine minutes of ticks.
    const t0 = ctx.engine.clock.now();
    await until('five ticks later', async () => ctx.engine.clock.now(), (now) => now - t0 > 5 * 60_000);
    const still = await readRecord(ctx, started.deploymentId);
    expect(still?.status).toBe('InProgress');
    expect(still?.weight).toBe(10);
    expect(still?.events.map((e) => e.type)).not.toEqual(expect.arrayContaining(['RolledBack']));
    expect(still?.endedAt).toBeUndefined();
    await ctx.sfn.send(new StopExecutionCommand({ executionArn: started.executionArn }));
    await until('ended by the watcher', () => readRecord(ctx, started.deploymentId), (r) => r?.status === 'Stopped', 30_000);
  });
});
