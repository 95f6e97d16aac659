/**
 * Follows a deployment until it ends: polls the execution and the record, hands each snapshot to
 * a display. Stops early on `timeoutMs` (the deployment keeps running) or when `signal` aborts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Display } from './view/display.ts';
import { HookTracker, readSnapshot, type DeploymentSnapshot } from './snapshot.ts';
import type { Target } from './target.ts';

export interface WatchOptions {
  /** Real milliseconds between polls (default: 250 on the local engine, 2000 on AWS). */
  intervalMs?: number;
  /** Give up after this many real milliseconds (the deployment keeps going). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with every snapshot (the demo uses it). */
  onSnapshot?: (snapshot: DeploymentSnapshot) => void;
}

/** Consecutive failed polls tolerated before the error is reported (a network blip is not an outcome). */
const MAX_POLL_FAILURES = 5;

export function defaultInterval(target: Target): number {
  return target.kind === 'aws' ? 2000 : 250;
}

export async function watchDeployment(target: Target, id: string, display: Display, options: WatchOptions = {}): Promise<DeploymentSnapshot> {
  const interval = options.intervalMs ?? defaultInterval(target);
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  const trackers = new Map<string, HookTracker>();
  let last: DeploymentSnapshot | undefined;
  let failures = 0;
  for (;;) {
    try {
      const snapshot = await readSnapshot(target, id, { trackers });
      failures = 0;
      last = snapshot;
      options.onSnapshot?.(snapshot);
      if (snapshot.done) {
        display.finish(snapshot);
        return snapshot;
      }
      display.update(snapshot);
    } catch (error) {
      failures += 1;
      if (failures >= MAX_POLL_FAILURES || (last === undefined && failures >= 2)) throw error;
    }
    if (options.signal?.aborted || Date.now() >= deadline) {
      if (last) display.finish(last);
      if (!last) throw new Error(`no answer about ${id} before the timeout`);
      return last;
    }
    await sleep(interval, undefined, options.signal ? { signal: options.signal } : undefined).catch(() => undefined);
  }
}
