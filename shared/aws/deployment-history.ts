/**
 * A deployment's history items (shared/core/model/record.ts): events, weight points and verdicts
 * are items of their own in the record's partition, written in one TransactWriteItems with the
 * record change they come with (under its guards: both or neither), and read back by a paged Query
 * on the partition in time order. A change with no history stays one UpdateItem (the caller's).
 */
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS, keys, type HistoryKind } from '../core/model/record.ts';
import type { HistoryAppend, HistoryEntries, HistoryOptions } from '../core/ports/deployment-store.ts';
import { GlidepathError } from '../core/errors.ts';
import { buildUpdate, type RecordUpdate } from './update-expression.ts';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';
import type { Store } from './table.ts';

/** TransactWriteItems takes 100 actions: the record's, a new record's lock, and up to 98 history entries. */
export const MAX_HISTORY_PER_CHANGE = 98;

/** Fields of a history item that are not the entry. */
const ITEM_FIELDS = [TABLE_KEYS.pk, TABLE_KEYS.sk, 'deploymentId'];

/** When a write is made, by this writer's clock, and a random suffix: writes of one Glidepath instant keep their order and never share an item. */
function writtenNow(): string {
  return `${String(Date.now()).padStart(13, '0')}${Math.floor(Math.random() * 36 ** 6).toString(36).padStart(6, '0')}`;
}

/** The number of history entries in `append`. */
export function historyCount(append: HistoryAppend | undefined): number {
  return (append?.events?.length ?? 0) + (append?.weights?.length ?? 0) + (append?.verdicts?.length ?? 0);
}

/** One item per entry of `append`, keyed in deployment `id`'s partition. */
export function historyItems(id: string, append: HistoryAppend): Record<string, unknown>[] {
  const item = (key: { pk: string; sk: string }, entry: object) => ({ ...entry, ...key, deploymentId: id });
  const written = writtenNow();
  return [
    ...(append.events ?? []).map((e, seq) => item(keys.event(id, e.at, written, seq), e)),
    ...(append.weights ?? []).map((w, seq) => item(keys.weight(id, w.at, written, seq), w)),
    ...(append.verdicts ?? []).map((v, seq) => item(keys.verdict(id, v, seq), v)),
  ];
}

/** The Put actions of `append`'s items; INTERNAL_ERROR past `limit` (the transaction's room). */
export function historyPuts(store: Store, id: string, append: HistoryAppend, limit = MAX_HISTORY_PER_CHANGE): { Put: { TableName: string; Item: Record<string, unknown> } }[] {
  const count = historyCount(append);
  if (count > limit) {
    throw new GlidepathError('INTERNAL_ERROR', `at most ${limit} history entries can be written with one change of deployment ${id}, got ${count}`);
  }
  return historyItems(id, append).map((Item) => ({ Put: { TableName: store.tableName, Item } }));
}

/**
 * The update of record `id` (its condition included) and one item per history entry, in one
 * transaction. False when the condition did not hold (nothing written).
 */
export async function updateWithHistory(store: Store, id: string, update: RecordUpdate, append: HistoryAppend): Promise<boolean> {
  const puts = historyPuts(store, id, append);
  const changes = Object.keys(update.set ?? {}).length + (update.remove?.length ?? 0);
  const condition = update.condition;
  // History alone: the record is not changed, only its guards checked.
  const recordAction =
    changes > 0 || !condition
      ? { Update: { TableName: store.tableName, Key: keys.deployment(id), ...buildUpdate(update) } }
      : {
          ConditionCheck: {
            TableName: store.tableName,
            Key: keys.deployment(id),
            ConditionExpression: condition.expression,
            ExpressionAttributeNames: condition.names ?? {},
            ...(condition.values && Object.keys(condition.values).length > 0 ? { ExpressionAttributeValues: condition.values } : {}),
          },
        };
  try {
    await store.ddb.send(new TransactWriteCommand({ TransactItems: [recordAction, ...puts] }));
    return true;
  } catch (error) {
    if (isErrorNamed(error, 'TransactionCanceledException')) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
    }
    throw toGlidepathError(error, `dynamodb:TransactWriteItems deployment ${id}`);
  }
}

/** Deployment `id`'s history of one kind, oldest first unless `newestFirst`: a Query paged through (LastEvaluatedKey) until `limit`. */
export async function readHistory<K extends HistoryKind>(store: Store, id: string, kind: K, options: HistoryOptions = {}): Promise<HistoryEntries[K][]> {
  if (options.limit !== undefined && options.limit <= 0) return [];
  const entries: HistoryEntries[K][] = [];
  let startKey: Record<string, unknown> | undefined;
  try {
    do {
      const left = options.limit === undefined ? undefined : options.limit - entries.length;
      const out = await store.ddb.send(
        new QueryCommand({
          TableName: store.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk, '#sk': TABLE_KEYS.sk },
          ExpressionAttributeValues: { ':pk': keys.deployment(id).pk, ':prefix': keys.historyPrefix[kind] },
          ConsistentRead: true,
          ...(options.newestFirst ? { ScanIndexForward: false } : {}),
          ...(left === undefined ? {} : { Limit: left }),
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        const entry = { ...item };
        for (const field of ITEM_FIELDS) delete entry[field];
        entries.push(entry as HistoryEntries[K]);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey && (options.limit === undefined || entries.length < options.limit));
  } catch (error) {
    throw toGlidepathError(error, `dynamodb:Query ${kind} of deployment ${id}`);
  }
  return entries;
}
