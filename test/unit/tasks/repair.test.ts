/**
 * The repair task over in-memory ports: an alias router that keeps a RevisionId and can be made
 * to fail, a store that applies set/remove/append to one record, a clock the test moves.
 */
import { describe, expect, it } from 'vitest';
import { ConcurrentModificationError, GlidepathError, ThrottledError } from '../../../shared/core/errors.ts';
import type { DeploymentEvent, DeploymentRecord, WeightPoint } from '../../../shared/core/model/record.ts';
import type { AliasRouter, AliasRouting, AliasState } from '../../../shared/core/ports/alias-router.ts';
import type { DeploymentStore, RecordChange } from '../../../shared/core/ports/deployment-store.ts';
import { REPAIR_MAX_DELAY_SECONDS, repairDelaySeconds } from '../../../shared/core/deployment/repair.ts';
import { repair, repairOne, type RepairPorts } from '../../../shared/tasks/repair.ts';
import { deploymentRecord, T0 } from '../handlers/harness.ts';

class MemoryAlias implements AliasRouter {
  state: AliasState = { functionVersion: '7', weights: { '8': 0.1 }, revisionId: 'rev-2' };
  failures: Error[] = [];
  updates = 0;
  #next = 3;
  async read(): Promise<AliasState> {
    return this.state;
  }
  async update(_ref: unknown, routing: AliasRouting, revisionId: string): Promise<AliasState> {
    this.updates += 1;
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (revisionId !== this.state.revisionId) {
      throw new ConcurrentModificationError(`changed since ${revisionId}`, { details: { expectedRevisionId: revisionId, observed: this.state } });
    }
    this.state = { ...routing, revisionId: `rev-${this.#next++}` };
    return this.state;
  }
  /** Someone else's UpdateAlias. */
  setByOther(routing: AliasRouting): void {
    this.state = { ...routing, revisionId: 'rev-theirs' };
  }
}

/** The record and its history (as items of their own would hold it: entries appended in order). */
class MemoryStore implements Pick<DeploymentStore, 'update'> {
  events: DeploymentEvent[] = [{ at: new Date(T0).toISOString(), type: 'Started', message: 'started' }];
  weights: WeightPoint[] = [{ at: new Date(T0).toISOString(), weight: 0 }];
  constructor(public record: DeploymentRecord) {}
  async update(id: string, change: RecordChange): Promise<DeploymentRecord | undefined> {
    if (id !== this.record.id) return undefined;
    const next = { ...this.record, ...change.set } as Record<string, unknown>;
    for (const key of change.remove ?? []) delete next[key];
    this.events.push(...(change.append?.events ?? []));
    this.weights.push(...(change.append?.weights ?? []));
    this.record = next as unknown as DeploymentRecord;
    return this.record;
  }
}

function setup() {
  let now = T0;
  const endedAt = new Date(T0).toISOString();
  const store = new MemoryStore(
    deploymentRecord({
      status: 'Stopped',
      weight: 10,
      revisionId: 'rev-2',
      endedAt,
      gsi2pk: 'ACTIVE',
      gsi2sk: `${endedAt}#gp-test-1`,
      error: { code: 'MANUAL_STOP', message: 'stopped by an operator; rollback failed (INTERNAL_ERROR): lambda down' },
      repair: { since: endedAt, attempts: 0, nextAt: endedAt },
    }),
  );
  const aliases = new MemoryAlias();
  const warnings: Record<string, unknown>[] = [];
  const ports: RepairPorts = {
    aliases,
    store,
    clock: { now: () => now, sleep: async (s) => void (now += s * 1000) },
    log: { info: () => undefined, warn: (_m: string, extra?: Record<string, unknown>) => void warnings.push(extra ?? {}), error: () => undefined } as unknown as RepairPorts['log'],
  };
  return { store, aliases, ports, warnings, advance: (seconds: number) => (now += seconds * 1000) };
}

describe('repair backoff', () => {
  it('a minute after the first failed try, doubling, at most every 30 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(repairDelaySeconds)).toEqual([60, 120, 240, 480, 960, 1800, 1800, 1800]);
    expect(repairDelaySeconds(1000)).toBe(REPAIR_MAX_DELAY_SECONDS);
  });
});

describe('repair task', () => {
  it('puts the alias back on the current version from the recorded revision, ends the repair and leaves the index', async () => {
    const { store, aliases, ports } = setup();
    await expect(repairOne(store.record, ports)).resolves.toBe('repaired');
    expect(aliases.state).toEqual({ functionVersion: '7', weights: {}, revisionId: 'rev-3' });
    expect(store.record).toMatchObject({ status: 'Stopped', weight: 0, revisionId: 'rev-3' });
    expect(store.record.error).toEqual({ code: 'MANUAL_STOP', message: expect.stringMatching(/rollback failed .*; repaired after 1 try: version 7 takes all traffic$/) });
    expect(store.record.repair).toBeUndefined();
    expect(store.record.gsi2pk).toBeUndefined();
    expect(store.weights.at(-1)).toMatchObject({ weight: 0 });
    expect(store.events.map((e) => e.type)).toEqual(['Started', 'Repaired']);
  });

  it('a failed try counts on the record (bounded: attempts, last error, next try) and waits out its backoff', async () => {
    const { store, aliases, ports, advance, warnings } = setup();
    aliases.failures.push(new GlidepathError('INTERNAL_ERROR', 'lambda:UpdateAlias failed (ServiceException)'), new ThrottledError('lambda:UpdateAlias was throttled'));

    await expect(repairOne(store.record, ports)).resolves.toBe('retrying');
    expect(store.record.repair).toEqual({ since: new Date(T0).toISOString(), attempts: 1, nextAt: new Date(T0 + 60_000).toISOString(), lastError: 'INTERNAL_ERROR: lambda:UpdateAlias failed (ServiceException)' });
    expect(store.events.map((e) => e.type)).toEqual(['Started']);
    expect(store.record.gsi2pk).toBe('ACTIVE');

    advance(59);
    await expect(repairOne(store.record, ports)).resolves.toBe('notDue');
    expect(aliases.updates).toBe(1);
    advance(1);
    await expect(repairOne(store.record, ports)).resolves.toBe('retrying');
    expect(store.record.repair).toMatchObject({ attempts: 2, nextAt: new Date(T0 + 60_000 + 120_000).toISOString(), lastError: 'THROTTLED: lambda:UpdateAlias was throttled' });

    advance(120);
    await expect(repairOne(store.record, ports)).resolves.toBe('repaired');
    expect(store.record.error?.message).toMatch(/repaired after 3 tries/);
    expect(warnings.map((w) => w.attempts)).toEqual([1, 2]);
  });

  it('an alias at a revision Glidepath did not receive is left as it is, even if it looks like a planned weight: CONCURRENT_MODIFICATION', async () => {
    const { store, aliases, ports } = setup();
    aliases.setByOther({ functionVersion: '8', weights: {} });
    await expect(repairOne(store.record, ports)).resolves.toBe('leftAlone');
    expect(aliases.state).toEqual({ functionVersion: '8', weights: {}, revisionId: 'rev-theirs' });
    expect(store.record.error).toEqual({ code: 'CONCURRENT_MODIFICATION', message: expect.stringContaining('repair skipped: changed since rev-2') });
    expect(store.record.repair).toBeUndefined();
    expect(store.record.gsi2pk).toBeUndefined();
    expect(store.events.map((e) => e.type)).toEqual(['Started', 'RepairSkipped']);
  });

  it('already back on the current version (the lost answer of a rollback that landed): adopted, nothing moved', async () => {
    const { store, aliases, ports } = setup();
    aliases.state = { functionVersion: '7', weights: {}, revisionId: 'rev-landed' };
    await expect(repairOne(store.record, ports)).resolves.toBe('repaired');
    expect(aliases.state.revisionId).toBe('rev-landed');
    expect(store.record.revisionId).toBe('rev-landed');
  });

  it('a refusal no retry changes (the alias is gone) ends the repair with that error', async () => {
    const { store, aliases, ports } = setup();
    aliases.failures.push(new GlidepathError('INVALID_LAMBDA_FUNCTION', 'alias live of orders-api does not exist'));
    await expect(repairOne(store.record, ports)).resolves.toBe('gaveUp');
    expect(store.record.error?.code).toBe('INVALID_LAMBDA_FUNCTION');
    expect(store.record.repair).toBeUndefined();
    expect(store.events.map((e) => e.type)).toEqual(['Started', 'RepairFailed']);
  });

  it('repair() tries only the marked records and says what became of each', async () => {
    const { store, ports } = setup();
    const running = deploymentRecord({ id: 'gp-running', status: 'InProgress' });
    await expect(repair([running, store.record], ports)).resolves.toEqual([{ deploymentId: 'gp-test-1', outcome: 'repaired' }]);
  });
});
