/** The Clock port on the wall clock and Node's timers (longer waits in slices: a timer holds at most ~24.8 days). */
import type { Clock } from '../core/ports/clock.ts';

const MAX_TIMER_MS = 2 ** 31 - 1;

function sleepMs(ms: number): Promise<void> {
  if (ms <= MAX_TIMER_MS) return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  return new Promise<void>((resolve) => setTimeout(resolve, MAX_TIMER_MS)).then(() => sleepMs(ms - MAX_TIMER_MS));
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (seconds) => sleepMs(seconds * 1000),
};
