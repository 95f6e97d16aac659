/**
 * Fault schedules, a fixed-seed handful: fast-check draws Canary, Linear and step-list deployments
 * with faults, outside alias writes, operator actions and alarms at moments of virtual time; after
 * each, once the faults are gone and the watcher has had its ticks, the terminal invariant holds.
 * Malformed requests are refused naming their field, with nothing changed. The bench plays
 * hundreds (test/bench/fault-schedules.ts).
 */
import fc from 'fast-check';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from './support/app.ts';
import { useEngine } from './support/engine.ts';
import { badInputArb, playSchedule, scheduleArb, tryBadInput } from './support/fault-schedules.ts';

const ctx = useEngine({ speed: 'max' });
const outsideWriter = new LambdaClient({});
afterAll(() => outsideWriter.destroy());

describe('fault schedules', () => {
  it('10 schedules (seed 20261204): each ends in the terminal invariant', async () => {
    const seen = { faults: 0, races: 0 };
    await fc.assert(
      fc.asyncProperty(scheduleArb, async (schedule) => {
        const played = await playSchedule(ctx, schedule, outsideWriter);
        seen.faults += played.faultsArmed;
        seen.races += played.actionsSent + (played.outsideWriteSent ? 1 : 0);
        expect(played.violations, JSON.stringify({ played, schedule })).toEqual([]);
      }),
      { seed: 20261204, numRuns: 10, endOnFailure: true },
    );
    // The schedules did something: faults were armed and actions raced the state machine.
    expect(seen.faults).toBeGreaterThan(0);
    expect(seen.races).toBeGreaterThan(0);
  }, 90_000);

  it('20 malformed requests: refused naming the field, the alias untouched, no lock', async () => {
    const app = await createApp(ctx.lambda, 'fs-bad');
    await fc.assert(
      fc.asyncProperty(badInputArb, async (bad) => {
        const refusal = await tryBadInput(ctx, app, bad);
        expect(refusal.violations).toEqual([]);
      }),
      { seed: 20261204, numRuns: 20, endOnFailure: true },
    );
  }, 60_000);
});
