import { describe, expect, it } from 'vitest';
import { invalidControlAction, releaseFor, signalWrite, stepWaitKind } from '../../../shared/core/signals.ts';
import type { DeploymentRecord } from '../../../shared/core/model/record.ts';
import type { PlanStep } from '../../../shared/core/model/plan.ts';

const steps: PlanStep[] = [{ setWeight: 10 }, { bake: 60 }, { approval: {} }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }];

function state(overrides: Partial<DeploymentRecord> = {}) {
  return {
    id: 'gp-1',
    status: 'InProgress' as const,
    signals: {},
    stepIndex: 1,
    plan: { functionName: 'f', alias: 'live', strategy: 'Custom', steps, totalBakeSeconds: 60 },
    ...overrides,
  } as Pick<DeploymentRecord, 'id' | 'status' | 'signals' | 'waitToken' | 'stepIndex' | 'plan'>;
}

describe('Function: invalidControlAction', () => {
  it('refuses every action on a deployment that has ended', () => {
    for (const status of ['Succeeded', 'Failed', 'Stopped'] as const) {
      expect(invalidControlAction(state({ status }), 'abort')).toBe(`deployment gp-1 has ended (${status}); abort applies only to an active deployment`);
    }
  });

  it('accepts abort, promote and promote-full on an active deployment', () => {
    for (const action of ['abort', 'promote', 'promote-full'] as const) expect(invalidControlAction(state(), action)).toBeUndefined();
  });

  it('pause only when not paused yet; resume only when paused or waiting', () => {
    expect(invalidControlAction(state(), 'pause')).toBeUndefined();
    expect(invalidControlAction(state({ signals: { pause: 't' } }), 'pause')).toMatch(/already paused/);
    expect(invalidControlAction(state({ status: 'Paused' }), 'pause')).toMatch(/already paused/);
    expect(invalidControlAction(state(), 'resume')).toMatch(/neither paused nor waiting/);
    expect(invalidControlAction(state({ signals: { pause: 't' } }), 'resume')).toBeUndefined();
    expect(invalidControlAction(state({ waitToken: { token: 't', stepIndex: 4, kind: 'pause' } }), 'resume')).toBeUndefined();
    expect(invalidControlAction(state({ stepIndex: 2, waitToken: { token: 't', stepIndex: 2, kind: 'approval' } }), 'resume')).toMatch(/waits for an approval, not a resume/);
  });

  it('approve only with an approval waiting or ahead', () => {
    expect(invalidControlAction(state({ stepIndex: 1 }), 'approve')).toBeUndefined();
    expect(invalidControlAction(state({ stepIndex: 2, waitToken: { token: 't', stepIndex: 2, kind: 'approval' } }), 'approve')).toBeUndefined();
    expect(invalidControlAction(state({ stepIndex: 3 }), 'approve')).toMatch(/no approval step/);
  });
});

describe('Function: signalWrite', () => {
  it('resume clears pause; the others set their own signal', () => {
    expect(signalWrite('resume')).toEqual({ set: 'resume', clear: ['pause'] });
    expect(signalWrite('promote-full')).toEqual({ set: 'promoteFull', clear: [] });
    expect(signalWrite('abort')).toEqual({ set: 'abort', clear: [] });
  });
});

describe('Function: releaseFor', () => {
  it('abort fails any wait with MANUAL_STOP', () => {
    for (const kind of ['approval', 'pause', 'hold'] as const) {
      expect(releaseFor(kind, { abort: 'T1', approve: 'T0' })).toEqual({
        type: 'failure',
        error: 'MANUAL_STOP',
        cause: 'stopped by an operator (abort at T1)',
        consume: [],
      });
    }
  });

  it('an approval step is released by approve, promote or promote-full, not by resume', () => {
    expect(releaseFor('approval', { approve: 'T' })).toEqual({ type: 'success', output: { decision: 'next', action: 'approve' }, consume: ['approve'] });
    expect(releaseFor('approval', { promote: 'T' })).toMatchObject({ output: { decision: 'next' }, consume: ['promote'] });
    expect(releaseFor('approval', { promoteFull: 'T' })).toMatchObject({ output: { decision: 'promoteFull' }, consume: ['promoteFull'] });
    // a resume lifts a pause; it does not approve
    expect(releaseFor('approval', { resume: 'T' }, 'resume')).toBeUndefined();
    expect(releaseFor('approval', {})).toBeUndefined();
    expect(releaseFor('approval', { pause: 'T' })).toBeUndefined();
  });

  it('a pause step is not ended by an approval given ahead of time', () => {
    expect(releaseFor('pause', { approve: 'T' })).toBeUndefined();
    expect(releaseFor('pause', {}, 'resume')).toMatchObject({ output: { decision: 'next' } });
  });

  it('a hold resumes when the pause is gone, and promote / promote-full also clear the pause', () => {
    expect(releaseFor('hold', { pause: 'T' })).toBeUndefined();
    expect(releaseFor('hold', { resume: 'T' })).toEqual({ type: 'success', output: { decision: 'resume', action: 'resume' }, consume: [] });
    expect(releaseFor('hold', { pause: 'T', promote: 'T2' })).toMatchObject({ output: { decision: 'next' }, consume: ['promote', 'pause'] });
    expect(releaseFor('hold', { pause: 'T', promoteFull: 'T2' })).toMatchObject({ output: { decision: 'promoteFull' }, consume: ['promoteFull', 'pause'] });
    // approve is for approvals: it does not end a hold
    expect(releaseFor('hold', { pause: 'T', approve: 'T2' })).toBeUndefined();
  });
});

describe('Function: stepWaitKind', () => {
  it('is approval for an approval step, else pause', () => {
    const record = state() as Pick<DeploymentRecord, 'plan'>;
    expect(stepWaitKind(record, 2)).toBe('approval');
    expect(stepWaitKind(record, 4)).toBe('pause');
  });
});
