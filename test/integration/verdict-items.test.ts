/**
 * Verdicts as items of their own, against a real DynamoDB implementation (dynalite, the table as
 * template.yaml defines it): the transaction with the record's guards and the Query in time order
 * are DynamoDB semantics, which mocks cannot prove.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

  it('reads events and weights history from the record, limited and newest first', async () => {
    const record = deploymentRecord({ status: 'InProgress' });
    await store.create(record);
    for (let n = 0; n < 5; n++) {
      await store.updateQuietly(record.id, { append: { weights: [{ at: minute(n), weight: n * 10 }], events: [{ at: minute(n), type: 'Shifted', message: `to ${n * 10}%` }] } });
    }
    expect((await store.history(record.id, 'weights', { newestFirst: true, limit: 2 })).map((w) => w.weight)).toEqual([40, 30]);
    const events = await store.history(record.id, 'events');
    expect(events.filter((e) => e.type === 'Shifted')).toHaveLength(5);
  });
});
