/**
 * Operator control end to end: an explicit step list whose pause is released by
 * resume and whose approval is released by approve; abort during a bake and at an approval;
 * promote (ends the bake in progress: one step per press); promote-full (straight to 100%);
 * pause and resume of a bake. Actions go through the CLI's own `sendControl`: a Lambda Invoke of
 * the control function, which the engine serves over its Lambda API. Bakes the test acts in are 12 hours long (4.3 s real at speed 10,000), and
 * every wait polls the record, so no action can race the clock.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { GlidepathError } from '../../shared/core/errors.ts';
import { createApp } from './support/app.ts';
import { atWeight, control, requestFor, startDeployment, waitForEnd, waitForRecord } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { expectFailed, expectSucceeded, expectTerminalInvariant, gapsOf, weightsOf } from './support/expect.ts';

const SPEED = 10_000;
const ctx = useEngine({ speed: SPEED });

afterEach(() => {
  ctx.engine.clock.speed = SPEED;
});

const HOURS_12 = 12 * 3600;
const longLinear = { type: 'TimeBasedLinear', percentage: 25, intervalMinutes: 720 };

describe('an explicit step list with a pause and an approval', () => {
  it('waits at the pause until resume and at the approval until approve; weights [0,5,50,100]', async () => {
    const app = await createApp(ctx.lambda, 'steps');
    const steps = [{ setWeight: 5 }, { bake: '2m' }, { pause: {} }, { setWeight: 50 }, { bake: 60 }, { approval: {} }, { setWeight: 100 }];
    const started = await startDeployment(ctx, requestFor(app, { strategy: { steps } }));

    const paused = await waitForRecord(ctx, started, 'waiting at the pause step', (r) => r.waitToken?.kind === 'pause');
    expect(paused).toMatchObject({ weight: 5, stepIndex: 2, status: 'InProgress' });
    expect(await control(ctx, started.deploymentId, 'resume')).toMatchObject({ action: 'resume', released: 'next' });

    const waiting = await waitForRecord(ctx, started, 'waiting for approval', (r) => r.waitToken?.kind === 'approval');
    expect(waiting).toMatchObject({ weight: 50, stepIndex: 5 });
    // A resume does not pass an approval: refused, naming the rule, and the deployment still waits.
    const refused = await control(ctx, started.deploymentId, 'resume').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GlidepathError);
    expect(refused).toMatchObject({ code: 'INVALID_CONTROL_ACTION', field: 'action' });
    expect((refused as Error).message).toMatch(/waits for an approval, not a resume/);
    expect(await control(ctx, started.deploymentId, 'approve')).toMatchObject({ action: 'approve', released: 'next' });

    const outcome = await waitForEnd(ctx, started, app);
    expectSucceeded(outcome);
    await expectTerminalInvariant(ctx, app, outcome, 'target');
    expect(weightsOf(outcome.record)).toEqual([0, 5, 50, 100]);
    const [, toFifty, toFull] = gapsOf(outcome.record);
    // 5% → 50%: the 2-minute bake, then as long as the pause held; 50% → 100%: the 1-minute bake and the approval.
    expect(toFifty).toBeGreaterThanOrEqual(120);
    expect(toFull).toBeGreaterThanOrEqual(60);
    expect(outcome.record!.events.filter((e) => e.type === 'Released').map((e) => e.released)).toEqual(['next', 'next']);
  });
});

describe('abort', () => {
  it('during a bake: rolled back to the current version, Stopped with MANUAL_STOP; weights [0,10,0]', async () => {
    const app = await createApp(ctx.lambda, 'abort');
    const started = await startDeployment(ctx, requestFor(app, { strategy: { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 720 } }));
    await waitForRecord(ctx, started, 'baking at 10%', atWeight(10));
    const result = await control(ctx, started.deploymentId, 'abort');
    expect(result).toMatchObject({ action: 'abort', deploymentId: started.deploymentId });

    const outcome = await waitForEnd(ctx, started, app);
    expectFailed(outcome, 'MANUAL_STOP', 'Stopped');
    await expectTerminalInvariant(ctx, app, outcome, 'current');
    expect(weightsOf(outcome.record)).toEqual([0, 10, 0]);
    // Rolled back long before the 12-hour bake could have ended.
    expect(gapsOf(outcome.record)[1]).toBeLessThan(HOURS_12);
    expect(outcome.record!.events.map((e) => e.type)).toContain('RolledBack');
  });

  it('at an approval: the waiting step is failed through its token, rolled back, Stopped', async () => {
    const app = await createApp(ctx.lambda, 'abort-approval');
    const started = await startDeployment(ctx, requestFor(app, { strategy: { steps: [{ setWeight: 20 }, { approval: true }, { setWeight: 100 }] } }));
    await waitForRecord(ctx, started, 'waiting for approval', (r) => r.waitToken?.kind === 'approval');
    expect(await control(ctx, started.deploymentId, 'abort')).toMatchObject({ released: 'abort' });

    const outcome = await waitForEnd(ctx, started, app);
    expectFailed(outcome, 'MANUAL_STOP', 'Stopped');
    await expectTerminalInvariant(ctx, app, outcome, 'current');
    expect(weightsOf(outcome.record)).toEqual([0, 20, 0]);
  });
});

describe('promote and promote-full', () => {
  it('promote ends the bake in progress and goes on to the next step, one step per press', async () => {
    const app = await createApp(ctx.lambda, 'promote');
    const started = await startDeployment(ctx, requestFor(app, { strategy: longLinear }));
    for (const [weight, stepIndex] of [[25, 1], [50, 3], [75, 5]] as const) {
      // In the 12-hour bake after `weight` (its first check has marked the step started).
      const baking = await waitForRecord(ctx, started, `baking at ${weight}%`, (r) => r.weight === weight && r.stepIndex === stepIndex);
      // The previous press was used once: it is cleared, and it did not skip this bake too.
      expect(baking.signals.promote).toBeUndefined();
      expect(await control(ctx, started.deploymentId, 'promote')).toMatchObject({ action: 'promote', status: 'InProgress' });
    }

    const outcome = await waitForEnd(ctx, started, app);
    expectSucceeded(outcome);
    await expectTerminalInvariant(ctx, app, outcome, 'target');
    expect(weightsOf(outcome.record)).toEqual([0, 25, 50, 75, 100]);
    // Every bake was cut short: no gap comes near 12 hours.
    for (const gap of gapsOf(outcome.record)) expect(gap).toBeLessThan(HOURS_12 / 4);
    expect(outcome.record!.signals.promote).toBeUndefined();
  });

  it('promote-full skips every remaining step: [0,25,100]', async () => {
    const app = await createApp(ctx.lambda, 'promote-full');
    const started = await startDeployment(ctx, requestFor(app, { strategy: longLinear }));
    await waitForRecord(ctx, started, 'baking at 25%', (r) => r.weight === 25 && r.stepIndex === 1);
    await control(ctx, started.deploymentId, 'promote-full');

    const outcome = await waitForEnd(ctx, started, app);
    expectSucceeded(outcome);
    await expectTerminalInvariant(ctx, app, outcome, 'target');
    expect(weightsOf(outcome.record)).toEqual([0, 25, 100]);
    expect(gapsOf(outcome.record)[1]).toBeLessThan(HOURS_12 / 4);
    expect(outcome.record!.events.map((e) => e.type)).toContain('Promoted');
  });
});

describe('pause and resume', () => {
  it('a paused bake holds its weight past the bake’s end; resume goes on from there to success', async () => {
    const app = await createApp(ctx.lambda, 'pause');
    const bakeSeconds = HOURS_12;
    const started = await startDeployment(ctx, requestFor(app, { strategy: { steps: [{ setWeight: 10 }, { bake: bakeSeconds }, { setWeight: 100 }] } }));
    const baking = await waitForRecord(ctx, started, 'baking at 10%', (r) => r.weight === 10 && r.stepIndex === 1);
    expect(await control(ctx, started.deploymentId, 'pause')).toMatchObject({ action: 'pause' });

    const paused = await waitForRecord(ctx, started, 'Paused', (r) => r.status === 'Paused' && r.waitToken?.kind === 'hold');
    expect(paused.weight).toBe(10);
    // A second pause is refused: it is paused already.
    await expect(control(ctx, started.deploymentId, 'pause')).rejects.toMatchObject({ code: 'INVALID_CONTROL_ACTION' });

    // Run the clock fast past the end of the bake: the deployment stays paused at 10%.
    const bakeEnd = Date.parse(baking.stepStartedAt!) + bakeSeconds * 1000;
    ctx.engine.clock.speed = 1_000_000;
    await waitForRecord(ctx, started, 'the clock past the bake', () => ctx.engine.clock.now() > bakeEnd + 60_000);
    ctx.engine.clock.speed = SPEED;
    const still = await waitForRecord(ctx, started, 'still paused', () => true);
    expect(still).toMatchObject({ status: 'Paused', weight: 10, stepIndex: 1 });
    expect(weightsOf(still)).toEqual([0, 10]);

    expect(await control(ctx, started.deploymentId, 'resume')).toMatchObject({ action: 'resume', released: 'resume', status: 'InProgress' });
    const outcome = await waitForEnd(ctx, started, app);
    expectSucceeded(outcome);
    await expectTerminalInvariant(ctx, app, outcome, 'target');
    expect(weightsOf(outcome.record)).toEqual([0, 10, 100]);
    expect(gapsOf(outcome.record)[1]).toBeGreaterThanOrEqual(bakeSeconds);
    const types = outcome.record!.events.map((e) => e.type);
    expect(types.indexOf('Paused')).toBeGreaterThan(-1);
    expect(types.indexOf('Released')).toBeGreaterThan(types.indexOf('Paused'));
  });
});

describe('releasing a held or waiting deployment otherwise', () => {
  it('a paused bake released by promote goes on to the next step; one released by abort rolls back', async () => {
    for (const action of ['promote', 'abort'] as const) {
      const app = await createApp(ctx.lambda, `pause-${action}`);
      const started = await startDeployment(ctx, requestFor(app, { strategy: { type: 'TimeBasedCanary', percentage: 30, intervalMinutes: 720 } }));
      await waitForRecord(ctx, started, 'baking at 30%', (r) => r.weight === 30 && r.stepIndex === 1);
      await control(ctx, started.deploymentId, 'pause');
      await waitForRecord(ctx, started, 'Paused', (r) => r.status === 'Paused' && r.waitToken?.kind === 'hold');
      expect(await control(ctx, started.deploymentId, action)).toMatchObject({ released: action === 'promote' ? 'next' : 'abort' });

      const outcome = await waitForEnd(ctx, started, app);
      if (action === 'promote') {
        expectSucceeded(outcome);
        await expectTerminalInvariant(ctx, app, outcome, 'target');
        expect(weightsOf(outcome.record)).toEqual([0, 30, 100]);
        // Released from the hold, the deployment no longer carries the pause.
        expect(outcome.record!.signals.pause).toBeUndefined();
      } else {
        expectFailed(outcome, 'MANUAL_STOP', 'Stopped');
        await expectTerminalInvariant(ctx, app, outcome, 'current');
        expect(weightsOf(outcome.record)).toEqual([0, 30, 0]);
      }
    }
  });

  it('an approval passed by promote (next step) and by promote-full (straight to 100%)', async () => {
    const steps = [{ setWeight: 10 }, { approval: {} }, { setWeight: 40 }, { approval: {} }, { setWeight: 100 }];
    for (const [action, weights] of [['promote', [0, 10, 40]], ['promote-full', [0, 10, 100]]] as const) {
      const app = await createApp(ctx.lambda, `approval-${action}`);
      const started = await startDeployment(ctx, requestFor(app, { strategy: { steps } }));
      await waitForRecord(ctx, started, 'waiting for the first approval', (r) => r.waitToken?.kind === 'approval' && r.stepIndex === 1);
      expect(await control(ctx, started.deploymentId, action)).toMatchObject({ released: action === 'promote' ? 'next' : 'promoteFull' });
      if (action === 'promote') {
        // The next approval waits again: promote passes one step only.
        const next = await waitForRecord(ctx, started, 'waiting for the second approval', (r) => r.waitToken?.kind === 'approval' && r.stepIndex === 3);
        expect(weightsOf(next)).toEqual(weights);
        await control(ctx, started.deploymentId, 'approve');
      }
      const outcome = await waitForEnd(ctx, started, app);
      expectSucceeded(outcome);
      await expectTerminalInvariant(ctx, app, outcome, 'target');
      expect(weightsOf(outcome.record)).toEqual(action === 'promote' ? [...weights, 100] : weights);
    }
  });
});

describe('the control function on the Lambda Invoke API', () => {
  const invoke = async (payload: unknown) => {
    const out = await ctx.lambda.send(new InvokeCommand({ FunctionName: 'glidepath-control', Payload: new TextEncoder().encode(JSON.stringify(payload)) }));
    return { functionError: out.FunctionError, body: JSON.parse(new TextDecoder().decode(out.Payload)) as Record<string, unknown> };
  };

  it('answers an action with its ControlResult, and a refusal as FunctionError Unhandled with errorType = the code', async () => {
    const app = await createApp(ctx.lambda, 'invoke');
    const started = await startDeployment(ctx, requestFor(app, { strategy: { steps: [{ setWeight: 20 }, { approval: {} }, { setWeight: 100 }] } }));
    await waitForRecord(ctx, started, 'waiting for approval', (r) => r.waitToken?.kind === 'approval');

    const refused = await invoke({ deploymentId: started.deploymentId, action: 'resume' });
    expect(refused.functionError).toBe('Unhandled');
    expect(refused.body).toMatchObject({ errorType: 'INVALID_CONTROL_ACTION', errorMessage: expect.stringMatching(/waits for an approval, not a resume/) });
    const missing = await invoke({ deploymentId: 'gp-0000000000nosuchdeploy', action: 'abort' });
    expect(missing).toMatchObject({ functionError: 'Unhandled', body: { errorType: 'DEPLOYMENT_NOT_FOUND' } });
    const invalid = await invoke({ deploymentId: started.deploymentId, action: 'skip' });
    expect(invalid).toMatchObject({ functionError: 'Unhandled', body: { errorType: 'INVALID_REQUEST', errorMessage: 'Control input: input: Invalid input' } });
    // The CLI's call maps the same errors back, field included (the handler's parse names it).
    const mapped = await control(ctx, started.deploymentId, 'skip' as never).catch((e: unknown) => e);
    expect(mapped).toBeInstanceOf(GlidepathError);
    expect(mapped).toMatchObject({ code: 'INVALID_REQUEST', field: 'input', message: 'Control input: input: Invalid input' });

    const approved = await invoke({ deploymentId: started.deploymentId, action: 'approve' });
    expect(approved.functionError).toBeUndefined();
    expect(approved.body).toMatchObject({ deploymentId: started.deploymentId, action: 'approve', released: 'next' });
    expectSucceeded(await waitForEnd(ctx, started, app));
  });
});
