/**
 * What the local engine keeps while it runs: dynalite's iterators are closed when its Query and
 * Scan streams end (each one left open held a snapshot of the table, every item version since),
 * items stored as strings keep their order, and EventBridge stops retrying when the engine closes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createTable, startDynalite, type LocalDynamo } from '../../infra/local/dynamo.ts';
import { SimulatedClock } from '../../infra/local/clock.ts';
import { LocalEventBridge } from '../../infra/local/ways-in/eventbridge.ts';

let dynamo: LocalDynamo;
let raw: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynalite();
  raw = new DynamoDBClient({ endpoint: dynamo.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await createTable(raw, 'memory', {
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'g', AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
  });
});

afterAll(async () => {
  raw?.destroy();
  await dynamo?.close();
});

describe('Local DynamoDB memory', () => {
  const sortKeys = ['b', 'a', 'é', 'z', 'Z', '0', 'ab', '日本'];

  it('closes the iterator of every Query and Scan, ended or cut short by a Limit', async () => {
    for (const sk of sortKeys) {
      await raw.send(new PutItemCommand({ TableName: 'memory', Item: { pk: { S: 'p' }, sk: { S: sk }, g: { S: 'one' }, body: { S: 'x'.repeat(100) } } }));
    }
    for (let i = 0; i < 10; i++) {
      await raw.send(new QueryCommand({ TableName: 'memory', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } } }));
      await raw.send(new QueryCommand({ TableName: 'memory', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } }, Limit: 2 }));
      await raw.send(new QueryCommand({ TableName: 'memory', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'one' } }, Limit: 1 }));
      await raw.send(new ScanCommand({ TableName: 'memory', Limit: 3 }));
      await raw.send(new ScanCommand({ TableName: 'memory' }));
    }
    // Streams close their iterators as they end, just after the answer is sent.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const size = await dynamo.storedSize();
    expect(size.openIterators).toBe(0);
    // Each item once in the table and once in its index, and the table's own description.
    expect(size.entries).toBeGreaterThanOrEqual(2 * sortKeys.length);
    expect(size.chars).toBeGreaterThan(2 * sortKeys.length * 100);
  });

  it('keeps items stored as strings in sort-key order (UTF-8 byte order, as DynamoDB)', async () => {
    const out = await raw.send(new QueryCommand({ TableName: 'memory', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } } }));
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    expect(out.Items!.map((i) => i.sk!.S)).toEqual([...sortKeys].sort((a, b) => Buffer.compare(bytes(a), bytes(b))));
  });
});

describe('Local EventBridge on close', () => {
  it('gives up a delivery waiting to retry, and puts no event after', async () => {
    const clock = new SimulatedClock({ speed: 1 });
    let calls = 0;
    const bridge = new LocalEventBridge({
      clock,
      region: 'us-east-1',
      accountId: '000000000000',
      retryDelays: [3600],
      rules: async () => [{ logicalId: 'R', eventBusName: 'default', pattern: { source: ['bench'] }, enabled: true, targets: [{ id: 't', arn: 'arn:fn' }] }],
      invoke: async () => {
        calls += 1;
        throw new Error('target down');
      },
    });
    await bridge.putEvents([{ Source: 'bench', DetailType: 'd', Detail: '{}' }]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bridge.deliveries[0]).toMatchObject({ status: 'pending', attempts: 1 });
    const t0 = performance.now();
    bridge.close();
    await bridge.drain();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(bridge.deliveries[0]).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringContaining('the engine closed') });
    bridge.publish({ source: 'bench', detailType: 'd', detail: {}, resources: [], time: clock.now() });
    await bridge.drain();
    expect(bridge.events).toHaveLength(1);
    expect(calls).toBe(1);
  });
});
