/**
 * Time, as a port: tasks never read the wall clock themselves. On AWS the adapter is the system
 * clock (shared/aws/system-clock.ts); the local engine hands its handlers a compressed or
 * virtual clock through the composition root, so waits, bakes and timestamps agree with it.
 */
export interface Clock {
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
  /** Resolves after `seconds` on this clock. */
  sleep(seconds: number): Promise<void>;
}

/** `clock.now()` as an ISO 8601 timestamp (what records and events store). */
export function isoNow(clock: Pick<Clock, 'now'>): string {
  return new Date(clock.now()).toISOString();
}
