/** DynamoHookStore against dynalite (a real DynamoDB API on loopback): the conditional writes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTable, startDynalite, type LocalDynamo } from '../../infra/local/dynamo.ts';
import { DynamoHookStore } from '../../shared/aws/hook-store.ts';
import { newExecutionId } from '../../shared/core/hooks/execution-id.ts';
import { keys } from '../../shared/core/model/record.ts';
import type { HookExecution } from '../../shared/core/hooks/types.ts';

let dynamo: LocalDynamo;
let raw: DynamoDBClient;
let store: DynamoHookStore;
const NOW_S = 1_800_000_000;
const at = (seconds = NOW_S) => ({ iso: new Date(seconds * 1000).toISOString(), seconds });

function execution(overrides: Partial<HookExecution> = {}): HookExecution {
  const executionId = newExecutionId();
  return {
    ...keys.hook(executionId),
    executionId,
    deploymentId: 'gp-store',
    lifecycleEvent: 'Step',
    hook: 'h',
    stepIndex: 2,
    taskToken: 't',
    status: 'Pending',
    createdAt: at().iso,
    expiresAt: NOW_S + 60,
    ttl: NOW_S + 3660,
    ...overrides,
  };
}

beforeAll(async () => {
  dynamo = await startDynalite();
  raw = new DynamoDBClient({ endpoint: dynamo.url, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await createTable(raw, 'hooks', {
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
  });
  store = new DynamoHookStore(DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }), 'hooks');
});

afterAll(async () => {
  raw?.destroy();
  await dynamo?.close();
});

describe('Class: DynamoHookStore', () => {
  it('writes once: the same id cannot be created twice', async () => {
    const item = execution();
    await store.create(item);
    await expect(store.create(item)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(await store.get(item.executionId)).toEqual(item);
  });

  it('of ten concurrent completions exactly one wins', async () => {
    const item = execution();
    await store.create(item);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.complete(item.executionId, i % 2 ? 'Failed' : 'Succeeded', at())),
    );
    expect(outcomes.filter((o) => o === 'completed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'alreadyCompleted')).toHaveLength(9);
  });

  it('classifies a refused completion: expired, not found, token closed', async () => {
    const late = execution();
    await store.create(late);
    expect(await store.complete(late.executionId, 'Succeeded', at(NOW_S + 60))).toBe('expired');
    expect((await store.get(late.executionId))?.status).toBe('Pending');
    expect(await store.complete(newExecutionId(), 'Succeeded', at())).toBe('notFound');
    const closed = execution();
    await store.create(closed);
    await store.markExpired(closed.executionId);
    expect(await store.complete(closed.executionId, 'Succeeded', at())).toBe('expired');
  });

  it('stores the reason, and reopen returns an undelivered completion to Pending', async () => {
    const item = execution();
    await store.create(item);
    expect(await store.complete(item.executionId, 'Failed', at(), 'the hook threw')).toBe('completed');
    expect(await store.get(item.executionId)).toMatchObject({ status: 'Failed', reason: 'the hook threw', completedAt: at().iso });
    await store.reopen(item.executionId, 'Succeeded'); // not the status it holds: no change
    expect((await store.get(item.executionId))?.status).toBe('Failed');
    await store.reopen(item.executionId, 'Failed');
    const reopened = await store.get(item.executionId);
    expect(reopened?.status).toBe('Pending');
    expect(reopened).not.toHaveProperty('reason');
    expect(await store.complete(item.executionId, 'Succeeded', at())).toBe('completed');
  });
});
