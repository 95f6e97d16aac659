/**
 * The one clock every part of Glidepath reads. On AWS it is the wall clock; the local engine
 * replaces it with a compressed clock (`--speed 60` = one simulated minute per real second)
 * so Wait states, bakes, alarm evaluation and timestamps all agree.
 */
export interface Clock {
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

let current: Clock = systemClock;

export function now(): number {
  return current.now();
}

export function nowIso(): string {
  return new Date(current.now()).toISOString();
}

/** Swap the clock (the local engine does this once at start); returns the previous one. */
export function setClock(clock: Clock): Clock {
  const previous = current;
  current = clock;
  return previous;
}

/**
 * Waits `seconds` on the current clock: the wall clock on AWS; the local engine's clock, which
 * compresses time, when it offers `sleep(seconds)`.
 */
export function sleep(seconds: number): Promise<void> {
  const clock = current as Clock & { sleep?: (seconds: number) => Promise<void> };
  if (typeof clock.sleep === 'function') return clock.sleep(seconds);
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds * 1000)));
}
