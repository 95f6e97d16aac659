/**
 * The engine's DynamoDB serves TransactWriteItems as DynamoDB does: all or nothing, and a
 * TransactionCanceledException whose CancellationReasons say, item by item, what failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalEngine, type LocalEngine } from '../../infra/local/engine.ts';
import { TABLE_KEYS } from '../../shared/core/model/record.ts';
import { rejectionOf } from './endpoint-helpers.ts';

let engine: LocalEngine;
let ddb: DynamoDBDocumentClient;
const key = (id: string) => ({ [TABLE_KEYS.pk]: `TEST#${id}`, [TABLE_KEYS.sk]: 'ITEM' });

beforeAll(async () => {
  engine = await startLocalEngine({ speed: 1, logLevel: 'SILENT' });
  ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: engine.url, region: engine.region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }));
});
afterAll(async () => {
  await engine.close();
});

describe('TransactWriteItems on the local engine', () => {
  it('writes every item when every condition holds', async () => {
    await ddb.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: engine.tableName, Item: { ...key('a'), v: 1 }, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk } } },
        { Put: { TableName: engine.tableName, Item: { ...key('b'), v: 2 } } },
      ],
    }));
    expect((await ddb.send(new GetCommand({ TableName: engine.tableName, Key: key('a') }))).Item).toMatchObject({ v: 1 });
    expect((await ddb.send(new GetCommand({ TableName: engine.tableName, Key: key('b') }))).Item).toMatchObject({ v: 2 });
  });

  it('writes nothing when one condition fails, and says which in CancellationReasons', async () => {
    await ddb.send(new PutCommand({ TableName: engine.tableName, Item: { ...key('held'), holder: 'x' } }));
    const error = await rejectionOf(() =>
      ddb.send(new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: engine.tableName, Item: { ...key('new'), v: 1 }, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk } } },
          { Update: { TableName: engine.tableName, Key: key('b'), UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': 3 } } },
          {
            Put: {
              TableName: engine.tableName, Item: { ...key('held'), holder: 'y' }, ConditionExpression: 'attribute_not_exists(#pk) OR #h = :me',
              ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk, '#h': 'holder' }, ExpressionAttributeValues: { ':me': 'y' }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
      })),
    );
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.message).toBe('Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, ConditionalCheckFailed]');
    expect(error.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual(['None', 'None', 'ConditionalCheckFailed']);
    expect(error.CancellationReasons[2].Item).toMatchObject({ holder: { S: 'x' } });
    // Nothing changed: the new item is not there, the update undone, the held item as it was.
    expect((await ddb.send(new GetCommand({ TableName: engine.tableName, Key: key('new') }))).Item).toBeUndefined();
    expect((await ddb.send(new GetCommand({ TableName: engine.tableName, Key: key('b') }))).Item).toMatchObject({ v: 2 });
    expect((await ddb.send(new GetCommand({ TableName: engine.tableName, Key: key('held') }))).Item).toMatchObject({ holder: 'x' });
  });

  it('checks a ConditionCheck without writing, and refuses two operations on one item', async () => {
    const check = await rejectionOf(() =>
      ddb.send(new TransactWriteCommand({
        TransactItems: [
          { ConditionCheck: { TableName: engine.tableName, Key: key('missing'), ConditionExpression: 'attribute_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk } } },
          { Put: { TableName: engine.tableName, Item: { ...key('c'), v: 1 } } },
        ],
      })),
    );
    expect(check.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual(['ConditionalCheckFailed', 'None']);
    expect((await ddb.send(new GetCommand({ TableName: engine.tableName, Key: key('missing') }))).Item).toBeUndefined();
    expect((await ddb.send(new GetCommand({ TableName: engine.tableName, Key: key('c') }))).Item).toBeUndefined();
    const twice = await rejectionOf(() =>
      ddb.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: engine.tableName, Item: { ...key('d') } } }, { Delete: { TableName: engine.tableName, Key: key('d') } }] })),
    );
    expect(twice.name).toBe('ValidationException');
    expect(twice.message).toBe('Transaction request cannot include multiple operations on one item');
  });
});
