/**
 * The health decision: a pure function of the step in progress, the record's
 * signals and step start, what CloudWatch said, the alarm policy and the time. Used after every
 * shift and at every check of a bake, timed pause or final bake.
 *
 * Precedence: abort > alarm (or alarms that cannot be read) > failed analysis > promoteFull >
 * promote > pause > time (an analysis step ends early once it has passed for its duration; a step
 * whose analysis is inconclusive at its end does what the analysis policy says).
 * An alarm or a failed analysis outranks an operator's promotion: Glidepath never promotes a
 * target that is alarming or judged worse than the current version.
 * INSUFFICIENT_DATA is not ALARM.
 */
import type { Cursor, HealthResult } from './model/machine.ts';
import type { PlanStep } from './model/plan.ts';
import { DEFAULTS, type DeploymentRequest } from './model/request.ts';
import type { ControlSignals, DeploymentRecord, WaitKind } from './model/record.ts';
import { pauseRemainingSeconds } from './timed-pause.ts';
import { MAX_EXECUTION_SECONDS } from './strategies/limits.ts';
import { analysisFailure, analysisStepPassed, inconclusiveEnd, type AnalysisView } from './analysis/decision.ts';

export interface HealthPolicy {
  ignorePollAlarmFailure: boolean;
  enabled: boolean;
}

export function healthPolicy(request: Pick<DeploymentRequest, 'alarmPolicy'>): HealthPolicy {
  return {
    ignorePollAlarmFailure: request.alarmPolicy?.ignorePollAlarmFailure ?? DEFAULTS.ignorePollAlarmFailure,
    enabled: request.alarmPolicy?.enabled ?? DEFAULTS.alarmsEnabled,
  };
}

/** What the alarm read gave: states (and unknown names), an error, or nothing to read. */
export type AlarmObservation =
  | { status: 'read'; alarms: { name: string; state: string; reason?: string }[]; missing: string[] }
  | { status: 'unreadable'; message: string }
  | { status: 'none' };

export interface HealthInput {
  cursor: Cursor;
  record: Pick<DeploymentRecord, 'signals' | 'stepStartedAt' | 'weight'>;
  alarms: AlarmObservation;
  policy: HealthPolicy;
  /** Milliseconds on the Glidepath clock. */
  now: number;
  /** The request's windows: a `{pause: {untilWindow: true}}` step lasts until one is open. */
  windows?: DeploymentRequest['windows'];
  /** The analysis policy and the step's analysis so far (absent: no analysis). */
  analysis?: AnalysisView;
}

export interface HealthDecision {
  result: HealthResult;
  /** A one-shot signal this decision acted on: the caller clears it so it does not act again. */
  consumed?: 'promote' | 'promoteFull';
}

/** How long a step lasts before it is done by itself: bakes and timed pauses; 0 for the rest. */
export function stepDurationSeconds(step: PlanStep | undefined): number {
  if (!step) return 0;
  if ('bake' in step) return step.bake;
  if ('pause' in step && step.pause.duration !== undefined) return step.pause.duration;
  if ('analysis' in step) return step.analysis.timeout;
  return 0;
}

/** The failure the alarms alone call for (ALARM, unreadable, unknown names), per the policy. */
export function alarmFailure(alarms: AlarmObservation, policy: HealthPolicy): HealthResult | undefined {
  if (!policy.enabled) return undefined;
  if (alarms.status === 'unreadable') {
    if (policy.ignorePollAlarmFailure) return undefined;
    return { decision: 'fail', code: 'INTERNAL_ERROR', message: `alarms could not be read: ${alarms.message}` };
  }
  if (alarms.status !== 'read') return undefined;
  const firing = alarms.alarms.filter((a) => a.state === 'ALARM');
  if (firing.length > 0) {
    const message = firing.map((a) => `alarm ${a.name} is in ALARM${a.reason ? ` (${a.reason})` : ''}`).join('; ');
    return { decision: 'fail', code: 'ALARM_ACTIVE', message };
  }
  if (alarms.missing.length > 0 && !policy.ignorePollAlarmFailure) {
    const names = alarms.missing.join(', ');
    return {
      decision: 'fail',
      code: 'INVALID_ALARM_CONFIG',
      message: `${alarms.missing.length === 1 ? 'alarm' : 'alarms'} ${names} ${alarms.missing.length === 1 ? 'does' : 'do'} not exist`,
    };
  }
  return undefined;
}

/**
 * The operator signals decideHealth acts on. With none of them set, the decision depends on the
 * step, the alarms, the policy, the step start and the time alone (resume and approve release
 * waits elsewhere), so a writer that knows those need not read the signals back.
 */
export const DECISION_SIGNALS = ['abort', 'promoteFull', 'promote', 'pause'] as const satisfies readonly (keyof ControlSignals)[];

function signalled(signals: ControlSignals | undefined, key: (typeof DECISION_SIGNALS)[number]): string | undefined {
  const value = signals?.[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function decideHealth(input: HealthInput): HealthDecision {
  const { cursor, record, alarms, policy, now } = input;
  const base: Pick<HealthResult, 'weight' | 'alarms'> = {
    weight: record.weight,
    ...(alarms.status === 'read' ? { alarms: alarms.alarms.map(({ name, state }) => ({ name, state })) } : {}),
  };
  const signals = record.signals;

  const abort = signalled(signals, 'abort');
  if (abort) return { result: { ...base, decision: 'fail', code: 'MANUAL_STOP', message: `stopped by an operator (abort at ${abort})` } };

  const failure = alarmFailure(alarms, policy);
  if (failure) return { result: { ...base, ...failure } };
  const judged = analysisFailure(input.analysis, cursor.index);
  if (judged) return { result: { ...base, ...judged } };

  // After promotion (the final bake) there is nothing left to promote: either signal ends the bake.
  if (signalled(signals, 'promoteFull')) {
    return { result: { ...base, decision: cursor.final ? 'next' : 'promoteFull' }, consumed: 'promoteFull' };
  }
  if (signalled(signals, 'promote')) return { result: { ...base, decision: 'next' }, consumed: 'promote' };

  const pause = signalled(signals, 'pause');
  if (pause) return { result: { ...base, decision: 'pause', message: `paused by an operator at ${pause}` } };

  if (analysisStepPassed(cursor.step, input.analysis, cursor.index)) return { result: { ...base, decision: 'next' } };
  const duration = stepDurationSeconds(cursor.step);
  const started = record.stepStartedAt ? Date.parse(record.stepStartedAt) : now;
  const elapsed = Number.isFinite(started) ? Math.max(0, (now - started) / 1000) : 0;
  // A pause `until` a time or a window lasts at least that long (shared/core/timed-pause.ts).
  const remaining = Math.max(duration - elapsed, pauseRemainingSeconds(cursor.step, input.windows, now) ?? 0);
  if (remaining <= 0) {
    const end = inconclusiveEnd(input.analysis, {
      elapsedSeconds: elapsed,
      durationSeconds: duration,
      stepIndex: cursor.index,
      step: cursor.step,
      final: cursor.final === true,
      signals,
      stepStartedAt: Number.isFinite(started) ? started : now,
    });
    if (end) return { result: { ...base, ...end, ...(end.waitSeconds === undefined ? {} : { waitSeconds: Math.min(MAX_EXECUTION_SECONDS, end.waitSeconds) }) } };
    return { result: { ...base, decision: 'next' } };
  }
  // The wait lasts the time left (whole seconds, never 0 while time remains): alarm events, the
  // watcher and operators end it early; its timeout is the step's end.
  const waitSeconds = Math.min(MAX_EXECUTION_SECONDS, Math.max(1, Math.ceil(remaining)));
  return { result: { ...base, decision: 'wait', waitSeconds } };
}

/** The alarms a deployment watches: its request's, unless its alarm policy is off. */
export function watchedAlarms(request: Pick<DeploymentRequest, 'alarms' | 'alarmPolicy'>): string[] {
  if (!healthPolicy(request).enabled) return [];
  return [...new Set(request.alarms ?? [])];
}

const WAITING_AS: Record<WaitKind, string> = {
  timed: 'baking',
  window: 'holding for a deployment window',
  hold: 'paused',
  approval: 'waiting for an approval',
  pause: 'paused until resumed',
};

/** Why a wait is failed for an alarm, in the words of a health check's failure (alarmFailure). */
export function alarmDuringWait(alarm: { name: string; reason?: string }, wait: { kind: WaitKind; stepIndex: number }): string {
  return `alarm ${alarm.name} is in ALARM${alarm.reason ? ` (${alarm.reason})` : ''} while the deployment was ${WAITING_AS[wait.kind]} at step ${wait.stepIndex}`;
}
