/**
 * Operator control as pure decisions: which action is valid in which state, what
 * each action writes to the record's signals, and what releases a waiting step.
 *
 * Signals are ISO times in `record.signals`. `abort` and `pause` stay until the deployment ends
 * or is resumed; `promote`, `promoteFull` and `approve` are one-shot: the check or the wait that
 * acts on one clears it, so one press moves the deployment once. `resume` is only a note of when
 * the last resume came: it releases a wait directly and never lingers as a release.
 */
import type { SignalResult } from './model/machine.ts';
import type { ControlAction, ControlSignals, DeploymentRecord } from './model/record.ts';
import { stepKind } from './model/plan.ts';
import type { Guard } from './ports/deployment-store.ts';

import type { WaitKind } from './model/record.ts';
export type { WaitKind };

export const SIGNAL_OF: Record<ControlAction, keyof ControlSignals> = {
  abort: 'abort',
  promote: 'promote',
  'promote-full': 'promoteFull',
  pause: 'pause',
  resume: 'resume',
  approve: 'approve',
};

const ACTIVE = new Set(['Created', 'InProgress', 'Paused']);

function set(signals: ControlSignals | undefined, key: keyof ControlSignals): boolean {
  return typeof signals?.[key] === 'string' && signals[key] !== '';
}

type ControlState = Pick<DeploymentRecord, 'id' | 'status' | 'signals' | 'waitToken' | 'stepIndex' | 'plan' | 'rollingBackAt'>;

/** Why `action` cannot be taken now, or `undefined` when it can. */
export function invalidControlAction(record: ControlState, action: ControlAction): string | undefined {
  if (!ACTIVE.has(record.status)) return `deployment ${record.id} has ended (${record.status}); ${action} applies only to an active deployment`;
  if (record.rollingBackAt) return `deployment ${record.id} is already rolling back (since ${record.rollingBackAt}); ${action} can change nothing`;
  switch (action) {
    case 'abort':
    case 'promote':
    case 'promote-full':
      return undefined;
    case 'pause':
      return record.status === 'Paused' || set(record.signals, 'pause') ? `deployment ${record.id} is already paused` : undefined;
    case 'resume':
      if (record.status === 'Paused' || set(record.signals, 'pause') || record.waitToken?.kind === 'pause' || record.waitToken?.kind === 'hold') return undefined;
      return record.waitToken?.kind === 'approval'
        ? `deployment ${record.id} waits for an approval, not a resume: approve it (or promote)`
        : `deployment ${record.id} is neither paused nor waiting; nothing to resume`;
    case 'approve': {
      if (record.waitToken?.kind === 'approval') return undefined;
      const ahead = record.plan.steps.some((step, index) => index > record.stepIndex && stepKind(step) === 'approval');
      return ahead ? undefined : `deployment ${record.id} has no approval step waiting or ahead`;
    }
  }
}

/** What the action writes: signals to set (to `at`) and to clear. */
export function signalWrite(action: ControlAction): { set: keyof ControlSignals; clear: (keyof ControlSignals)[] } {
  if (action === 'resume') return { set: 'resume', clear: ['pause'] };
  return { set: SIGNAL_OF[action], clear: [] };
}

/**
 * The facts an action's write depends on beyond the deployment being active. An approve passes
 * one approval: it is written only if no approve is pending and the record's wait is the one it
 * was judged on, so of two approves racing for one approval, one wins and the other is refused.
 */
export function signalGuards(record: DeploymentRecord, action: ControlAction): Guard[] {
  if (action !== 'approve') return [];
  return [{ unsignalled: ['approve'] }, record.waitToken ? { holdsToken: record.waitToken.token } : { absent: 'waitToken' }];
}

export type Release =
  | { type: 'success'; output: SignalResult; consume: (keyof ControlSignals)[] }
  /** MANUAL_STOP: an operator's abort; ALARM_ACTIVE: a watched alarm fired while the step waited (reconcile); ANALYSIS_FAILED: the watcher's analysis failed the target. */
  | { type: 'failure'; error: 'MANUAL_STOP' | 'ALARM_ACTIVE' | 'ANALYSIS_FAILED'; cause: string; consume: (keyof ControlSignals)[] };

/**
 * What releases a wait of `kind`, given the signals now on the record and the action that
 * triggered the look (none when the wait itself is being registered). `undefined`: keep waiting.
 *
 * - any wait: abort → failure MANUAL_STOP;
 * - a window wait: nothing else (pause and promote are acted on after the shift it holds);
 * - a timed wait (bake, timed pause, final bake): promote, promote-full or pause → `recheck`,
 *   signals left in place for the health check that follows to act on (and clear);
 * - other waits: promote-full → `promoteFull`;
 * - approval step: approve or promote → `next`; pause step: resume or promote → `next`;
 * - hold: promote → `next`; the pause gone (resumed) → `resume`, back to the health check.
 */
export function releaseFor(kind: WaitKind, signals: ControlSignals | undefined, action?: ControlAction): Release | undefined {
  if (set(signals, 'abort')) {
    return { type: 'failure', error: 'MANUAL_STOP', cause: `stopped by an operator (abort at ${signals!.abort})`, consume: [] };
  }
  if (kind === 'window') return undefined;
  if (kind === 'timed') {
    const acted = (['promoteFull', 'promote', 'pause'] as const).find((key) => set(signals, key));
    return acted ? { type: 'success', output: { decision: 'recheck', action: acted === 'promoteFull' ? 'promote-full' : acted }, consume: [] } : undefined;
  }
  const hold = kind === 'hold';
  const alsoClear: (keyof ControlSignals)[] = hold ? ['pause'] : [];
  if (set(signals, 'promoteFull')) {
    return { type: 'success', output: { decision: 'promoteFull', action: 'promote-full' }, consume: ['promoteFull', ...alsoClear] };
  }
  if (set(signals, 'promote')) {
    return { type: 'success', output: { decision: 'next', action: 'promote' }, consume: ['promote', ...alsoClear] };
  }
  if (hold) {
    return set(signals, 'pause') ? undefined : { type: 'success', output: { decision: 'resume', action: 'resume' }, consume: [] };
  }
  // An approve waits for an approval: one given ahead of time must not end a pause step.
  if (kind === 'approval' && set(signals, 'approve')) {
    return { type: 'success', output: { decision: 'next', action: 'approve' }, consume: ['approve'] };
  }
  // A resume ends a pause step; an approval needs an approve (a resume there only lifts a pause).
  if (kind === 'pause' && action === 'resume') return { type: 'success', output: { decision: 'next', action: 'resume' }, consume: [] };
  return undefined;
}

/** The record's wait kind for a step wait: the plan step it waits on. */
export function stepWaitKind(record: Pick<DeploymentRecord, 'plan'>, stepIndex: number): 'approval' | 'pause' {
  const step = record.plan.steps[stepIndex];
  return step && stepKind(step) === 'approval' ? 'approval' : 'pause';
}
