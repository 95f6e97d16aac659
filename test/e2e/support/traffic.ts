/**
 * Traffic on an alias in engine time: `perMinute` invocations every simulated minute, sent in
 * bursts every 10 simulated seconds through the Lambda API (so the engine records Lambda's
 * per-version metrics as AWS would). In virtual time the clock stands still while a burst is
 * sent and moves on when it is done.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { invokeAlias } from '../../../shared/aws/sample-app.ts';
import type { EngineClock } from '../../../infra/local/clock.ts';
import type { App } from './app.ts';

export interface Traffic {
  /** Calls per version that answered, and their failures. */
  readonly byVersion: Record<string, { calls: number; errors: number }>;
  stop(): Promise<void>;
}

const BURST_SECONDS = 10;
const CONCURRENCY = 16;

export function startTraffic(lambda: LambdaClient, clock: EngineClock, app: Pick<App, 'functionName' | 'alias'>, perMinute: number): Traffic {
  const byVersion: Traffic['byVersion'] = {};
  const stopping = new AbortController();
  const perBurst = (perMinute * BURST_SECONDS) / 60;
  let credit = 0;
  const burst = async () => {
    credit += perBurst;
    const calls = Math.floor(credit);
    credit -= calls;
    let next = 0;
    const worker = async () => {
      while (next < calls) {
        next += 1;
        const call = await invokeAlias(lambda, app.functionName, app.alias, {});
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
