/**
 * The words every human view uses for a plan's steps and for durations: the plan table, the live
 * view, `status`, the timeline and the start line of `deploy` all say a step the same way.
 */
import type { PlanStep } from '../../shared/core/model/plan.ts';

/** `0s`, `90` → `1m30s`, `3600` → `1h`, `1h5m`. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
}

/**
 * A pause says what ends it: a time (`until`), a window opening (`untilWindow`, at or after
 * `until` when both are set), a length (`duration`, a minimum on top of a time or a window), or
 * else an operator's `glidepath resume` (shared/core/timed-pause.ts decides when a timed one ends).
 */
function describePause({ duration, until, untilWindow }: { duration?: number; until?: string; untilWindow?: boolean }): string {
  const timed: string[] = [];
  if (until !== undefined && untilWindow === true) timed.push(`until a window opens at or after ${until}`);
  else if (until !== undefined) timed.push(`until ${until}`);
  else if (untilWindow === true) timed.push('until a window opens');
  if (timed.length === 0) return duration === undefined ? 'pause (waits for `glidepath resume`)' : `pause ${formatDuration(duration)}`;
  return `pause ${timed.join('')}${duration === undefined ? '' : `, for at least ${formatDuration(duration)}`}`;
}

export function describeStep(step: PlanStep | undefined): string {
  if (step === undefined) return '';
  if ('setWeight' in step) return `setWeight ${step.setWeight}%`;
  if ('bake' in step) return `bake ${formatDuration(step.bake)}`;
  if ('hook' in step) return `hook ${step.hook}`;
  if ('approval' in step) return 'approval (waits for approve)';
  if ('analysis' in step) return `analysis until passing for ${formatDuration(step.analysis.duration)} (at most ${formatDuration(step.analysis.timeout)})`;
  return describePause(step.pause);
}
