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

export interface TrafficOptions {
  /** Seconds of engine time to keep going (default: until stopped). */
  durationSeconds?: number;
  /** Sequence number before the first call (default 0), so consecutive runs draw anew. */
  firstSeq?: number;
}

/** Traffic on an alias: what the callers saw so far, per executed version. */
export interface Traffic {
  readonly counts: TrafficCounts;
  /** Settles when the duration is over (or once stopped). */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

const BURST_SECONDS = 10;
const CONCURRENCY = 16;

/**
 * Invokes `app`'s alias at `perMinute` calls a minute of engine time, sent in bursts every 10
 * simulated seconds (in virtual time the clock stands still while a burst is sent), for
 * `durationSeconds` or until stopped. Burst k sends the calls due by its end, so a run of whole
 * bursts sends exactly rate × duration calls.
 */
export function startTraffic(lambda: LambdaClient, clock: EngineClock, app: Pick<App, 'functionName' | 'alias'>, perMinute: number, options: TrafficOptions = {}): Traffic {
  if (!(perMinute > 0)) throw new RangeError(`perMinute: must be more than 0, got ${perMinute}`);
  if (options.durationSeconds !== undefined && !(options.durationSeconds > 0)) {
    throw new RangeError(`durationSeconds: must be more than 0, got ${options.durationSeconds}`);
  }
  const counts: TrafficCounts = { requests: 0, errors: 0, byVersion: {} };
  const stopping = new AbortController();
  const bursts = options.durationSeconds === undefined ? Infinity : Math.ceil(options.durationSeconds / BURST_SECONDS);
  const due = (k: number) => Math.floor((perMinute * BURST_SECONDS * k) / 60);
  let seq = options.firstSeq ?? 0;
  const burst = async (k: number) => {
    const calls = due(k + 1) - due(k);
    let next = 0;
    const worker = async () => {
      while (next < calls) {
        next += 1;
        seq += 1;
        const call = await invokeAlias(lambda, app.functionName, app.alias, { seq });
        counts.requests += 1;
        const slot = (counts.byVersion[call.executedVersion] ??= { requests: 0, errors: 0 });
        slot.requests += 1;
        if (call.failed) {
          counts.errors += 1;
          slot.errors += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, calls) }, worker));
  };
  const done = (async () => {
    for (let k = 0; k < bursts && !stopping.signal.aborted; k += 1) {
      await (clock.holding ? clock.holding(() => burst(k)) : burst(k));
      await clock.sleep(BURST_SECONDS, { signal: stopping.signal });
    }
  })();
  return {
    counts,
    done,
    async stop() {
      stopping.abort();
      await done;
    },
  };
}
