/**
 * The reads every store of the single table makes (shared/core/model/record.ts): one item by its keys,
 * read consistently, and the items under one key of index gsi1, a page at a time or all of them.
 * A failed call becomes a GlidepathError naming the operation and what was read.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS } from '../core/model/record.ts';
import { toGlidepathError } from './sdk-errors.ts';

export interface Store {
  ddb: DynamoDBDocumentClient;
  tableName: string;
}

/** The item under `key`, or undefined; `what` names it in errors (e.g. `deployment gp-…`). */
export async function getItem<T>(store: Store, key: Record<string, string>, what: string): Promise<T | undefined> {
  try {
    const out = await store.ddb.send(new GetCommand({ TableName: store.tableName, Key: key, ConsistentRead: true }));
    return out.Item as T | undefined;
  } catch (error) {
    throw toGlidepathError(error, `dynamodb:GetItem ${what}`);
  }
}

export interface IndexQuery {
  /** Default gsi1 (an alias's deployments, the groups); gsi2: the active deployments. */
  index?: 'gsi1' | 'gsi2';
  /** The gsi1pk value, e.g. `keys.targetIndex(…)` or `GROUPS`. */
  partition: string;
  /** Descending gsi1sk (newest first where gsi1sk starts with a time); ascending when absent. */
  descending?: boolean;
  limit?: number;
  /** `nextKey` of the previous page. */
  startKey?: Record<string, unknown>;
}

export interface IndexPage<T> {
  items: T[];
  /** Present when there are more items: the `startKey` of the next page. */
  nextKey?: Record<string, unknown>;
}

/** One page of the items under `query.partition` in index gsi1; `what` names them in errors (e.g. `groups`). */
export async function queryIndexPage<T>(store: Store, query: IndexQuery, what: string): Promise<IndexPage<T>> {
  try {
    const out = await store.ddb.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: query.index === 'gsi2' ? TABLE_KEYS.gsi2 : TABLE_KEYS.gsi1,
        KeyConditionExpression: '#gpk = :gpk',
        ExpressionAttributeNames: { '#gpk': query.index === 'gsi2' ? TABLE_KEYS.gsi2pk : TABLE_KEYS.gsi1pk },
        ExpressionAttributeValues: { ':gpk': query.partition },
        ...(query.descending ? { ScanIndexForward: false } : {}),
        ...(query.limit === undefined ? {} : { Limit: query.limit }),
        ...(query.startKey === undefined ? {} : { ExclusiveStartKey: query.startKey }),
      }),
    );
    return { items: (out.Items ?? []) as T[], ...(out.LastEvaluatedKey ? { nextKey: out.LastEvaluatedKey } : {}) };
  } catch (error) {
    throw toGlidepathError(error, `dynamodb:Query ${what}`);
  }
}

/** Every item under `partition` in index gsi1, in gsi1sk order (all pages). */
export async function queryIndexAll<T>(store: Store, partition: string, what: string, index: IndexQuery['index'] = 'gsi1'): Promise<T[]> {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryIndexPage<T>(store, { partition, index, ...(startKey ? { startKey } : {}) }, what);
    items.push(...page.items);
    startKey = page.nextKey;
  } while (startKey);
  return items;
}
