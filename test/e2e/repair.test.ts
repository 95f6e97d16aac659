/**
 * Repair of an unfinished rollback: an outage longer than the state machine's retries (Lambda
 * answering UpdateAlias 5xx or throttling 42 times in a row, the table failing every read of the
 * rollback) leaves the deployment ended with its alias still weighted. Once the outage is over,
 * the watcher's next ticks put the alias back on the current version, the record says so, and
 * the alias takes the next deployment.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getLock } from '../../shared/aws/deployment-store.ts';
import { REPAIR_FIRST_DELAY_SECONDS } from '../../shared/core/deployment/repair.ts';
import type { FaultSpec } from '../../infra/local/endpoint/faults.ts';
import { createApp, readAlias } from './support/app.ts';
import { control, deploy, readRecord, requestFor, startDeployment, waitForEnd } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { expectSucceeded, weightsOf } from './support/expect.ts';
import { until } from './support/until.ts';

const SPEED = 10_000;
const ctx = useEngine({ speed: SPEED });

afterEach(() => {
  ctx.engine.endpoint.faults.clear();
});


describe('an outage longer than the retries during a rollback', () => {
  it.each([
    { outage: '42 UpdateAlias 5xx', fault: (fn: string, _id: string): FaultSpec => ({ service: 'lambda', operation: 'UpdateAlias', count: 42, error: 'ServiceException', status: 500, pathIncludes: fn }) },
    { outage: '42 UpdateAlias throttles', fault: (fn: string, _id: string): FaultSpec => ({ service: 'lambda', operation: 'UpdateAlias', count: 42, error: 'TooManyRequestsException', status: 429, pathIncludes: fn }) },
    // Every try of the rollback moves the alias (or finds it moved) and cannot record it (its change and its RolledBack event: one transaction).
    { outage: 'DynamoDB 5xx on every write of the rollback', fault: (): FaultSpec => ({ service: 'dynamodb', operation: 'TransactWriteItems', count: 60, error: 'InternalServerError', status: 500, pathIncludes: 'RolledBack' }), endsWithTheExecution: true },
  ])('$outage: the deployment ends with the rollback unfinished, the watcher repairs it', async ({ fault, endsWithTheExecution }) => {
    const app = await createApp(ctx.lambda, 'repair');
    const started = await startDeployment(ctx, requestFor(app, { strategy: { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 720 } }));
    await until('baking at 10%', () => readRecord(ctx, started.deploymentId), (r) => r?.weight === 10 && r.waitToken?.kind === 'timed');
    ctx.engine.endpoint.faults.add(fault(app.functionName, started.deploymentId));
    await control(ctx, started.deploymentId, 'abort');

    const outcome = await waitForEnd(ctx, started, app, 60_000);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('MANUAL_STOP');
    expect(outcome.cause).toContain('rollback failed');

    // The outage ends (the Lambda ones outlast the execution: the repair's first tries meet them too);
    // the watcher's ticks (each engine minute) repair.
    if (endsWithTheExecution) ctx.engine.endpoint.faults.clear();
    const repaired = await until('repaired', () => readRecord(ctx, started.deploymentId), (r) => r !== undefined && r.repair === undefined);
    const alias = await readAlias(ctx.lambda, app);
    expect(alias.version).toBe(app.versions[0]);
    expect(alias.weights).toEqual({});
    expect(repaired).toMatchObject({ status: 'Stopped', weight: 0, revisionId: alias.revisionId });
    expect(repaired?.error?.code).toBe('MANUAL_STOP');
    expect(repaired?.error?.message).toMatch(/rollback failed .*; repaired after \d+ tr(y|ies): version 1 takes all traffic/);
    expect(repaired?.events.map((e) => e.type)).toContain('Repaired');
    const tries = Number(/repaired after (\d+) tr/.exec(repaired?.error?.message ?? '')?.[1]);
    // The Lambda outages outlast the execution: the first tries of the repair fail and come again.
    if (!endsWithTheExecution) expect(tries).toBeGreaterThan(1);
    expect(weightsOf(repaired)).toEqual([0, 10, 0]);
    expect(repaired?.gsi2pk).toBeUndefined();
    expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
    // Not before the first backoff, and retried across ticks.
    expect(Date.parse(repaired!.updatedAt) - Date.parse(repaired!.endedAt!)).toBeGreaterThanOrEqual(REPAIR_FIRST_DELAY_SECONDS * 1000 - 1);
    expect(ctx.engine.endpoint.faults.list()).toEqual([]);

    // The alias takes the next deployment.
    const next = await deploy(ctx, app, { strategy: 'AllAtOnce' });
    expectSucceeded(next);
  });
});
