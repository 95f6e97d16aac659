/**
 * Abort wins, end to end: an abort accepted while a hook waits is never followed by a shift. The
 * hook is a function that returns without reporting; the test reports for it through the engine's
 * CodeDeploy endpoint (PutLifecycleEventHookExecutionStatus), after the abort. Then no step and no
 * promotion moves the alias forward (BeforeAllowTraffic), or the promoted alias goes back
 * (AfterAllowTraffic), and the deployment ends Stopped with MANUAL_STOP on the current version.
 */
import { PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createApp } from './support/app.ts';
import { control, requestFor, startDeployment, waitForEnd, type Started } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { expectFailed, expectTerminalInvariant, weightsOf } from './support/expect.ts';

// A simulated hour of hook timeout is 36 s real: far longer than the test takes to report.
const ctx = useEngine({ speed: 100 });

/** The hook execution Glidepath is waiting on for `event`, once run-hook has registered it. */
async function waitingHook(started: Started, event: 'BeforeAllowTraffic' | 'AfterAllowTraffic'): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const { Items = [] } = await ctx.clients.ddb.send(
      new ScanCommand({ TableName: ctx.engine.tableName, FilterExpression: 'deploymentId = :d AND lifecycleEvent = :e', ExpressionAttributeValues: { ':d': started.deploymentId, ':e': event } }),
    );
    if (Items[0]) return String(Items[0].executionId);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${event} hook execution for ${started.deploymentId}`);
}

async function reportSucceeded(started: Started, executionId: string): Promise<void> {
  await ctx.clients.codedeploy.send(new PutLifecycleEventHookExecutionStatusCommand({ deploymentId: started.deploymentId, lifecycleEventHookExecutionId: executionId, status: 'Succeeded' }));
}

describe('an abort accepted while a hook waits', () => {
  for (const strategy of ['Canary10Percent5Minutes', 'AllAtOnce']) {
    it(`BeforeAllowTraffic (${strategy}): the hook then reports Succeeded, the alias never moves, Stopped/MANUAL_STOP`, async () => {
      const app = await createApp(ctx.lambda, 'abort-before');
      const hook = await createApp(ctx.lambda, 'abort-before-hook');
      const started = await startDeployment(ctx, requestFor(app, { strategy, hooks: { beforeAllowTraffic: hook.functionName }, hookTimeoutSeconds: 3600 }));
      const executionId = await waitingHook(started, 'BeforeAllowTraffic');

      expect(await control(ctx, started.deploymentId, 'abort')).toMatchObject({ action: 'abort', status: 'InProgress' });
      await reportSucceeded(started, executionId);

      const outcome = await waitForEnd(ctx, started, app);
      expectFailed(outcome, 'MANUAL_STOP', 'Stopped');
      // Never shifted: no weight above 0 was ever recorded, no shift or promotion event.
      expect(weightsOf(outcome.record).filter((w) => w > 0)).toEqual([]);
      expect(outcome.record!.events.map((e) => e.type)).not.toContain('WeightShifted');
      expect(outcome.record!.events.map((e) => e.type)).not.toContain('Promoted');
      await expectTerminalInvariant(ctx, app, outcome, 'current');
    });
  }

  it('AfterAllowTraffic: the hook then reports Succeeded, the alias goes back, Stopped/MANUAL_STOP on the current version', async () => {
    const app = await createApp(ctx.lambda, 'abort-after');
    const hook = await createApp(ctx.lambda, 'abort-after-hook');
    const started = await startDeployment(ctx, requestFor(app, { strategy: 'AllAtOnce', hooks: { afterAllowTraffic: hook.functionName }, hookTimeoutSeconds: 3600 }));
    const executionId = await waitingHook(started, 'AfterAllowTraffic');

    expect(await control(ctx, started.deploymentId, 'abort')).toMatchObject({ action: 'abort', status: 'InProgress' });
    await reportSucceeded(started, executionId);

    const outcome = await waitForEnd(ctx, started, app);
    expectFailed(outcome, 'MANUAL_STOP', 'Stopped');
    expect(weightsOf(outcome.record)).toEqual([0, 100, 0]);
    expect(outcome.record!.events.map((e) => e.type)).toContain('RolledBack');
    await expectTerminalInvariant(ctx, app, outcome, 'current');

    // Rolled back and ended: a second abort is refused, naming why.
    const refused = await control(ctx, started.deploymentId, 'abort').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'INVALID_CONTROL_ACTION', message: expect.stringContaining('has ended (Stopped)') });
  });
});
