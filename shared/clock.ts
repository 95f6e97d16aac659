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
