/**
 * The checks every e2e deployment ends with: the terminal invariant (docs/architecture.md) and the
 * recorded weights over time.
 */
import { expect } from 'vitest';
import { getLock } from '../../../shared/aws/deployment-store.ts';
import type { RecordWithHistory } from './record.ts';
import type { App } from './app.ts';
import type { E2E } from './engine.ts';
import type { Outcome } from './deploy.ts';

/** Why a failed assertion failed: the outcome in one line. */
export function explain(outcome: Outcome): string {
  return JSON.stringify({
    status: outcome.status,
    error: outcome.error,
    cause: outcome.cause,
    recordStatus: outcome.record?.status,
    weights: outcome.record?.weights,
    events: outcome.record?.events.map((e) => `${e.type}: ${e.message}`),
    alias: outcome.alias,
  });
}

/**
 * The terminal invariant: when a deployment ends its alias serves exactly one version — the target on
 * success, the current version otherwise — with no weights; and the alias's lock is released.
 * `versions` default to the app's first two (every app starts with its alias on version 1).
 */
export async function expectTerminalInvariant(
  ctx: E2E,
  app: App,
  outcome: Outcome,
  serves: 'target' | 'current',
  versions: { current: string; target: string } = { current: app.versions[0]!, target: app.versions[1]! },
): Promise<void> {
  expect(outcome.status, explain(outcome)).not.toBe('RUNNING');
  expect(outcome.alias.version, explain(outcome)).toBe(serves === 'target' ? versions.target : versions.current);
  expect(Object.values(outcome.alias.weights).filter((w) => w > 0), explain(outcome)).toEqual([]);
  if (outcome.record) {
    expect(['Succeeded', 'Failed', 'Stopped'], explain(outcome)).toContain(outcome.record.status);
    expect(outcome.record.weight, explain(outcome)).toBe(serves === 'target' ? 100 : 0);
    // A refused request's record holds only what the request said; a started one, what Prepare read.
    if (outcome.record.currentVersion !== '') expect(outcome.record.currentVersion).toBe(versions.current);
    expect(outcome.record.targetVersion).toBe(versions.target);
  }
  expect(await getLock(ctx.store, app.functionName, app.alias)).toBeUndefined();
}

export function expectSucceeded(outcome: Outcome): void {
  expect(outcome.status, explain(outcome)).toBe('SUCCEEDED');
  expect(outcome.record?.status, explain(outcome)).toBe('Succeeded');
  expect(outcome.record?.error).toBeUndefined();
}

/** The execution failed with `code`, and the record says the same. */
export function expectFailed(outcome: Outcome, code: string, recordStatus: 'Failed' | 'Stopped' = 'Failed'): void {
  expect(outcome.status, explain(outcome)).toBe('FAILED');
  expect(outcome.error, explain(outcome)).toBe(code);
  expect(outcome.record?.status, explain(outcome)).toBe(recordStatus);
  expect(outcome.record?.error?.code, explain(outcome)).toBe(code);
}

/** The recorded weights, in order. */
export function weightsOf(record: RecordWithHistory | undefined): number[] {
  return (record?.weights ?? []).map((w) => w.weight);
}

/** Simulated seconds between consecutive recorded weights. */
export function gapsOf(record: RecordWithHistory | undefined): number[] {
  const times = (record?.weights ?? []).map((w) => Date.parse(w.at));
  return times.slice(1).map((t, i) => (t - times[i]!) / 1000);
}

/**
 * The weights were recorded as `expected`, and each traffic increase after a bake came once the
 * bake was over: gap i (between weight i and i+1) is at least `bakes[i]` simulated seconds and
 * less than `bakes[i] + slack`. (The engine's clock runs on while a handler works, so a gap is a
 * bake plus the handlers' real time × speed.)
 */
export function expectWeightsOverTime(record: RecordWithHistory | undefined, expected: number[], bakes: number[], slack: number): void {
  expect(weightsOf(record)).toEqual(expected);
  const gaps = gapsOf(record);
  expect(gaps).toHaveLength(bakes.length);
  gaps.forEach((gap, i) => {
    expect(gap, `gap ${i} (${expected[i]}% → ${expected[i + 1]}%): ${gaps.join(', ')}`).toBeGreaterThanOrEqual(bakes[i]!);
    expect(gap, `gap ${i} (${expected[i]}% → ${expected[i + 1]}%): ${gaps.join(', ')}`).toBeLessThan(bakes[i]! + slack);
  });
}
