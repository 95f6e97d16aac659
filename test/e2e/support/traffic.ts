/**
 * Traffic for analysis tests: a function whose versions fail at a chosen rate (and take a chosen
 * time), and a driver that invokes its alias at so many requests a minute of engine time. Whether
 * a call fails is a pure function of the seed, the version and the call's sequence number, so a
 * run is the same every time whichever way the alias routes.
 */
import { strToU8, zipSync } from 'fflate';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { createFunctionWithVersions, invokeAlias } from '../../../shared/aws/sample-app.ts';
import type { TrafficCounts } from '../../../cli/demo/traffic.ts';
import type { EngineClock } from '../../../infra/local/clock.ts';
import { ROLE, uniqueName, type App } from './app.ts';

export type { TrafficCounts };

export interface VersionProfile {
  /** Probability that a call fails with an unhandled error (0 to 1). */
  errorRate: number;
  /** Milliseconds each call takes (real time; default 0). */
  latencyMs?: number;
}

/** A handler failing with probability `errorRate`, decided by a hash of (seed, version tag, event.seq). */
export function trafficZip(tag: string, profile: VersionProfile, seed: number): Uint8Array {
  if (!(profile.errorRate >= 0 && profile.errorRate <= 1)) throw new RangeError(`errorRate: must be between 0 and 1, got ${profile.errorRate}`);
  const source = `
const RATE = ${profile.errorRate};
const LATENCY_MS = ${profile.latencyMs ?? 0};
const SEED = ${Math.trunc(seed)} ^ ${[...tag].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261)};
// mulberry32's mixing step: a uniform draw in [0, 1) from a 32-bit number.
function draw(n) {
  let t = (n + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
export const handler = async (event) => {
  const seq = Number(event && event.seq) || 0;
  if (LATENCY_MS > 0) await new Promise((r) => setTimeout(r, LATENCY_MS));
  if (draw((SEED ^ Math.imul(seq, 2654435761)) >>> 0) < RATE) throw new Error('version ${tag} failed call ' + seq);
  return { version: ${JSON.stringify(tag)}, seq };
};
`;
  return zipSync({ 'index.mjs': strToU8(source) });
}

/** A function with one published version per profile (version i+1 as profiles[i]) and an alias on version 1. */
export async function createTrafficApp(lambda: LambdaClient, prefix: string, profiles: VersionProfile[], options: { alias?: string; seed?: number } = {}): Promise<App> {
  const functionName = uniqueName(prefix);
  const alias = options.alias ?? 'live';
  const zips = profiles.map((p, i) => trafficZip(String(i + 1), p, options.seed ?? 1));
  const versions = await createFunctionWithVersions(lambda, { name: functionName, role: ROLE }, zips, alias);
  return { functionName, alias, versions };
}

export interface TrafficPlan {
  /** Requests per minute of engine time. */
  ratePerMinute: number;
  /** Seconds of engine time to keep going. */
  durationSeconds: number;
  /** Sequence number of the first call (default 1), so consecutive runs draw anew. */
  firstSeq?: number;
}

/**
 * Invokes `app`'s alias evenly over the duration on the engine clock (one call, then a sleep of
 * 60/rate seconds), counting per executed version what the callers saw.
 */
export async function driveTraffic(clock: EngineClock, lambda: LambdaClient, app: Pick<App, 'functionName' | 'alias'>, plan: TrafficPlan): Promise<TrafficCounts> {
  if (!(plan.ratePerMinute > 0)) throw new RangeError(`ratePerMinute: must be more than 0, got ${plan.ratePerMinute}`);
  if (!(plan.durationSeconds > 0)) throw new RangeError(`durationSeconds: must be more than 0, got ${plan.durationSeconds}`);
  const counts: TrafficCounts = { requests: 0, errors: 0, byVersion: {} };
  const gap = 60 / plan.ratePerMinute;
  const calls = Math.floor((plan.ratePerMinute * plan.durationSeconds) / 60);
  const first = plan.firstSeq ?? 1;
  for (let i = 0; i < calls; i += 1) {
    const { executedVersion, failed } = await invokeAlias(lambda, app.functionName, app.alias, { seq: first + i });
    counts.requests += 1;
    const slot = (counts.byVersion[executedVersion] ??= { requests: 0, errors: 0 });
    slot.requests += 1;
    if (failed) {
      counts.errors += 1;
      slot.errors += 1;
    }
    await clock.sleep(gap);
  }
  return counts;
}

/**
 * Traffic until stopped: `perMinute` invocations every simulated minute, sent in bursts every 10
 * simulated seconds (in virtual time the clock stands still while a burst is sent).
 */
export interface Traffic {
  /** Calls per version that answered, and their failures. */
  readonly byVersion: Record<string, { calls: number; errors: number }>;
  stop(): Promise<void>;
}

const BURST_SECONDS = 10;
const CONCURRENCY = 16;

export function startTraffic(lambda: LambdaClient, clock: EngineClock, app: Pick<App, 'functionName' | 'alias'>, perMinute: number, firstSeq = 0): Traffic {
  const byVersion: Traffic['byVersion'] = {};
  const stopping = new AbortController();
  const perBurst = (perMinute * BURST_SECONDS) / 60;
  let credit = 0;
  let seq = firstSeq;
  const burst = async () => {
    credit += perBurst;
    const calls = Math.floor(credit);
    credit -= calls;
    let next = 0;
    const worker = async () => {
      while (next < calls) {
        next += 1;
        seq += 1;
        const call = await invokeAlias(lambda, app.functionName, app.alias, { seq });
        const counts = (byVersion[call.executedVersion] ??= { calls: 0, errors: 0 });
        counts.calls += 1;
        if (call.failed) counts.errors += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, calls) }, worker));
  };
  const run = (async () => {
    while (!stopping.signal.aborted) {
      await (clock.holding ? clock.holding(burst) : burst());
      await clock.sleep(BURST_SECONDS, { signal: stopping.signal });
    }
  })();
  return {
    byVersion,
    async stop() {
      stopping.abort();
      await run;
    },
  };
}
