/**
 * A deployment's history (verdicts, events, weight points) as items of their own, against a real
 * DynamoDB implementation (dynalite, the table as template.yaml defines it): the transaction with
 * the record's guards, the paged Query in time order are DynamoDB semantics, which mocks cannot prove.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, createTable, type LocalDynamo } from '../../infra/local/dynamo.ts';
import { readStack } from '../../infra/local/stack.ts';
import { dynamoDeploymentStore } from '../../shared/aws/dynamo-deployment-store.ts';
import { keys, type Verdict } from '../../shared/core/model/record.ts';
import type { DeploymentStore } from '../../shared/core/ports/deployment-store.ts';
import { deploymentRecord } from '../unit/handlers/harness.ts';

let dynamo: LocalDynamo;
let ddb: DynamoDBDocumentClient;
let table = 0;
let store: DeploymentStore;
let tableName: string;

beforeAll(async () => {
  dynamo = await startDynalite();
  ddb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: dynamo.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
});
afterAll(async () => {
  ddb?.destroy();
  await dynamo?.close();
});
beforeEach(async () => {
  tableName = `glidepath-verdicts-${++table}`;
  await createTable(ddb as unknown as DynamoDBClient, tableName, readStack().tableProperties);
  store = dynamoDeploymentStore(ddb, tableName);
});

const minute = (n: number) => new Date(Date.UTC(2026, 0, 1, 9, n)).toISOString();
const verdict = (n: number, check = 'errorRate', outcome: Verdict['outcome'] = 'Pass'): Verdict => ({
  at: minute(n + 1),
  check,
  outcome,
  message: `${check}: interval ${n} → ${outcome} (0/2)`,
  interval: { start: minute(n), end: minute(n + 1) },
  stepIndex: 0,
});

async function recordItemBytes(id: string): Promise<number> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.deployment(id) }));
  return Buffer.byteLength(JSON.stringify(out.Item));
}

describe('verdict items', () => {
  it('writes each verdict as its own item, read back in time order, the record item unchanged in size', async () => {
    const record = deploymentRecord({ status: 'InProgress' });
    expect(await store.create(record)).toBe('created');
    const before = await recordItemBytes(record.id);
    for (let n = 0; n < 60; n++) {
      const made = await store.updateQuietly(record.id, { set: { lastCheckAt: minute(n + 1) }, append: { verdicts: [verdict(n), verdict(n, 'p99Duration')] }, when: [{ active: true }] });
      expect(made).toBe(true);
    }
    const all = await store.history(record.id, 'verdicts');
    expect(all).toHaveLength(120);
    expect(all[0]).toEqual(verdict(0));
    expect(all[1]).toEqual(verdict(0, 'p99Duration'));
    expect(all.map((v) => v.at)).toEqual([...all.map((v) => v.at)].sort());
    const newest = await store.history(record.id, 'verdicts', { newestFirst: true, limit: 3 });
    expect(newest.map((v) => [v.at, v.check])).toEqual([
      [minute(60), 'p99Duration'],
      [minute(60), 'errorRate'],
      [minute(59), 'p99Duration'],
    ]);
    // The record item carries none of them: only the one field set grew it.
    const after = await recordItemBytes(record.id);
    expect(after - before).toBeLessThan(60);
    expect((await store.get(record.id)) as unknown as Record<string, unknown>).not.toHaveProperty('verdicts');
  });

  it('writes neither the change nor its verdicts when a guard fails', async () => {
    const record = deploymentRecord({ status: 'Succeeded' });
    expect(await store.create(record)).toBe('created');
    const change = { set: { note: 'x' }, append: { verdicts: [verdict(0)] }, when: [{ active: true as const }] };
    expect(await store.updateQuietly(record.id, change)).toBe(false);
    expect(await store.update(record.id, change)).toBeUndefined();
    expect(await store.history(record.id, 'verdicts')).toEqual([]);
    expect(await store.get(record.id)).not.toHaveProperty('note');
  });

  it('writes verdicts alone under the guards, and update answers with the record', async () => {
    const record = deploymentRecord({ status: 'InProgress' });
    await store.create(record);
    const updated = await store.update(record.id, { append: { verdicts: [verdict(0, 'errorRate', 'Fail')] }, when: [{ active: true }] });
    expect(updated?.id).toBe(record.id);
    expect(await store.history(record.id, 'verdicts')).toEqual([verdict(0, 'errorRate', 'Fail')]);
    expect(await store.updateQuietly('gp-none', { append: { verdicts: [verdict(1)] } })).toBe(false);
    expect(await store.history('gp-none', 'verdicts')).toEqual([]);
  });

});

describe('events and weight points as items of their own', () => {
  it('keeps them out of the record item, read back in the order written (one instant too), limited and newest first', async () => {
    const record = deploymentRecord({ status: 'InProgress' });
    await store.create(record, { weights: [{ at: minute(0), weight: 0 }], events: [{ at: minute(0), type: 'Started', message: 'started' }] });
    const before = await recordItemBytes(record.id);
    // Every change at the same instant: the order is the order of the writes.
    for (let n = 1; n <= 50; n++) {
      const made = await store.updateQuietly(record.id, { set: { weight: n }, append: { weights: [{ at: minute(1), weight: n }], events: [{ at: minute(1), type: 'Shifted', message: `to ${n}%`, stepIndex: n }] }, when: [{ active: true }] });
      expect(made).toBe(true);
    }
    expect((await store.history(record.id, 'weights')).map((w) => w.weight)).toEqual(Array.from({ length: 51 }, (_, n) => n));
    const events = await store.history(record.id, 'events');
    expect(events[0]).toEqual({ at: minute(0), type: 'Started', message: 'started' });
    expect(events.slice(1).map((e) => e.stepIndex)).toEqual(Array.from({ length: 50 }, (_, n) => n + 1));
    expect((await store.history(record.id, 'weights', { newestFirst: true, limit: 2 })).map((w) => w.weight)).toEqual([50, 49]);
    expect((await store.history(record.id, 'events', { limit: 1 })).map((e) => e.type)).toEqual(['Started']);
    expect(await store.history(record.id, 'events', { limit: 0 })).toEqual([]);
    const item = (await ddb.send(new GetCommand({ TableName: tableName, Key: keys.deployment(record.id) }))).Item!;
    expect(item).not.toHaveProperty('events');
    expect(item).not.toHaveProperty('weights');
    // Only `weight` changed (one digit more).
    expect((await recordItemBytes(record.id)) - before).toBeLessThan(4);
  });

  it('a failed guard writes neither the change nor its entries, with update and updateQuietly', async () => {
    const record = deploymentRecord({ status: 'InProgress', stepIndex: 3 });
    await store.create(record);
    const change = {
      set: { weight: 40, stepIndex: 3 },
      append: { weights: [{ at: minute(1), weight: 40 }], events: [{ at: minute(1), type: 'Shifted', message: 'to 40%' }], verdicts: [verdict(0)] },
      when: [{ stepIndexIsNot: 3 }, { unsignalled: ['abort' as const] }],
    };
    expect(await store.updateQuietly(record.id, change)).toBe(false);
    expect(await store.update(record.id, change)).toBeUndefined();
    expect(await store.history(record.id, 'weights')).toEqual([]);
    expect(await store.history(record.id, 'events')).toEqual([]);
    expect(await store.history(record.id, 'verdicts')).toEqual([]);
    expect(await store.get(record.id)).toMatchObject({ weight: record.weight, stepIndex: 3 });
    // The guards hold: both.
    const updated = await store.update(record.id, { ...change, when: [{ stepIndexIsNot: 2 }, { unsignalled: ['abort'] }] });
    expect(updated).toMatchObject({ weight: 40 });
    expect(await store.history(record.id, 'events')).toEqual([{ at: minute(1), type: 'Shifted', message: 'to 40%' }]);
    // No record: no entries either.
    expect(await store.updateQuietly('gp-none', { append: { events: [{ at: minute(2), type: 'Shifted', message: '' }] } })).toBe(false);
    expect(await store.history('gp-none', 'events')).toEqual([]);
  });

  it('a change without history is one UpdateItem; with history, one TransactWriteItems; past 98 entries refused, nothing written', async () => {
    const record = deploymentRecord({ status: 'InProgress' });
    await store.create(record);
    const sent = vi.spyOn(ddb, 'send');
    await store.updateQuietly(record.id, { set: { weight: 5 } });
    await store.updateQuietly(record.id, { set: { weight: 6 }, append: { weights: [{ at: minute(1), weight: 6 }] } });
    expect(sent.mock.calls.map(([command]) => command.constructor.name)).toEqual(['UpdateCommand', 'TransactWriteCommand']);
    sent.mockRestore();
    const many = Array.from({ length: 99 }, (_, n) => ({ at: minute(2), type: 'Noted', message: String(n) }));
    await expect(store.updateQuietly(record.id, { set: { weight: 7 }, append: { events: many } })).rejects.toMatchObject({ code: 'INTERNAL_ERROR', message: expect.stringContaining('at most 98') });
    expect(await store.get(record.id)).toMatchObject({ weight: 6 });
    expect(await store.history(record.id, 'events')).toEqual([]);
  });

  it('a retried create finds its record: the first entries are not written twice', async () => {
    const record = deploymentRecord({ status: 'InProgress' });
    const first = { weights: [{ at: minute(0), weight: 0 }], events: [{ at: minute(0), type: 'Started', message: 'started' }] };
    expect(await store.create(record, first)).toBe('created');
    expect(await store.create(record, first)).toBe('exists');
    expect(await store.history(record.id, 'events')).toHaveLength(1);
    expect(await store.history(record.id, 'weights')).toHaveLength(1);
  });

  it('reads a history larger than one Query page (1 MB) whole, page after page', async () => {
    const record = deploymentRecord({ status: 'InProgress' });
    await store.create(record);
    const text = 'x'.repeat(4000);
    for (let batch = 0; batch < 3; batch++) {
      const events = Array.from({ length: 98 }, (_, n) => ({ at: minute(batch), type: 'Noted', message: text, n: batch * 98 + n }));
      expect(await store.updateQuietly(record.id, { append: { events } })).toBe(true);
    }
    const sent = vi.spyOn(ddb, 'send');
    const all = await store.history(record.id, 'events');
    expect(sent.mock.calls.length).toBeGreaterThan(1);
    sent.mockRestore();
    expect(all.map((e) => e.n)).toEqual(Array.from({ length: 294 }, (_, n) => n));
  });
});
