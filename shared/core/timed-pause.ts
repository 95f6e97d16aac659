/**
 * Pauses that end at a time: `{pause: {until: "2026-01-31T09:00:00Z"}}` holds
 * until that instant; `{pause: {untilWindow: true}}` until one of the deployment's windows is
 * open; both together, until the first open window at or after `until`. A `duration` on the same
 * pause is a minimum on top. Pure: the caller gives the time.
 */
import type { PlanStep } from './model/plan.ts';
import type { DeploymentWindow } from './model/request.ts';
import { nextOpen } from './windows.ts';

/** Is this a pause that waits for a time or a window (rather than for an operator)? */
export function isTimedPause(step: PlanStep | undefined): boolean {
  if (!step || !('pause' in step)) return false;
  return step.pause.until !== undefined || step.pause.untilWindow === true;
}

/**
 * Seconds until an `until`/`untilWindow` pause may end (0 or less: it may end now); `undefined`
 * for any other step.
 */
export function pauseRemainingSeconds(
  step: PlanStep | undefined,
  windows: readonly DeploymentWindow[] | undefined,
  now: number,
): number | undefined {
  if (!step || !('pause' in step) || !isTimedPause(step)) return undefined;
  let end = now;
  if (step.pause.until !== undefined) {
    const until = Date.parse(step.pause.until);
    if (Number.isFinite(until)) end = Math.max(end, until);
  }
  if (step.pause.untilWindow === true) end = nextOpen(windows, end);
  return (end - now) / 1000;
}
