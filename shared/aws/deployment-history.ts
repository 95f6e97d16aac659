/**
 * A deployment's history items (shared/core/model/record.ts): verdicts are items of their own in
 * the record's partition, written in one TransactWriteItems with the record update they come with
 * (under its guards: both or neither), and read back by a Query on the partition in time order.
 * Events and weights are still lists of the record; `history` reads them from it.
 */
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS, keys, type HistoryKind, type Verdict } from '../core/model/record.ts';
import type { HistoryEntries, HistoryOptions } from '../core/ports/deployment-store.ts';
import { GlidepathError } from '../core/errors.ts';
import { buildUpdate, type RecordUpdate } from './update-expression.ts';
import { getDeployment } from './deployment-store.ts';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';
import type { Store } from './table.ts';

/** TransactWriteItems takes 100 actions: the record update and up to 99 verdicts. */
export const MAX_VERDICTS_PER_CHANGE = 99;

/** The item of one verdict: the verdict with its keys. */
export function verdictItem(id: string, verdict: Verdict, seq: number): Record<string, unknown> {
  return { ...verdict, ...keys.verdict(id, verdict, seq), deploymentId: id };
}

/**
 * The update of record `id` (its condition included) and one item per verdict, in one transaction.
 * False when the condition did not hold (nothing written).
 */
export async function updateWithVerdicts(store: Store, id: string, update: RecordUpdate, verdicts: readonly Verdict[]): Promise<boolean> {
  if (verdicts.length > MAX_VERDICTS_PER_CHANGE) {
    throw new GlidepathError('INTERNAL_ERROR', `at most ${MAX_VERDICTS_PER_CHANGE} verdicts can be written with one change of deployment ${id}, got ${verdicts.length}`);
  }
  const changes = Object.keys(update.set ?? {}).length + Object.values(update.append ?? {}).flat().length + (update.remove?.length ?? 0);
  const condition = update.condition;
  // Verdicts alone: the record is not changed, only its guards checked.
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
    await store.ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          recordAction,
          ...verdicts.map((verdict, seq) => ({ Put: { TableName: store.tableName, Item: verdictItem(id, verdict, seq) } })),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (isErrorNamed(error, 'TransactionCanceledException')) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
    }
    throw toGlidepathError(error, `dynamodb:TransactWriteItems deployment ${id}`);
  }
}

async function queryVerdicts(store: Store, id: string, options: HistoryOptions): Promise<Verdict[]> {
  const items: Verdict[] = [];
  let startKey: Record<string, unknown> | undefined;
  try {
    do {
      const left = options.limit === undefined ? undefined : options.limit - items.length;
      const out = await store.ddb.send(
        new QueryCommand({
          TableName: store.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk, '#sk': TABLE_KEYS.sk },
          ExpressionAttributeValues: { ':pk': keys.deployment(id).pk, ':prefix': keys.verdictPrefix },
          ConsistentRead: true,
          ...(options.newestFirst ? { ScanIndexForward: false } : {}),
          ...(left === undefined ? {} : { Limit: left }),
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of out.Items ?? []) {
        const { pk: _pk, sk: _sk, deploymentId: _id, ...verdict } = item;
        items.push(verdict as Verdict);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey && (options.limit === undefined || items.length < options.limit));
  } catch (error) {
    throw toGlidepathError(error, `dynamodb:Query verdicts of deployment ${id}`);
  }
  return items;
}

/** Deployment `id`'s history of one kind, oldest first unless `newestFirst`. */
export async function readHistory<K extends HistoryKind>(store: Store, id: string, kind: K, options: HistoryOptions = {}): Promise<HistoryEntries[K][]> {
  if (options.limit !== undefined && options.limit <= 0) return [];
  if (kind === 'verdicts') return (await queryVerdicts(store, id, options)) as HistoryEntries[K][];
  const record = await getDeployment(store, id);
  const all = [...((record?.[kind as 'events' | 'weights'] ?? []) as HistoryEntries[K][])];
  if (options.newestFirst) all.reverse();
  return options.limit === undefined ? all : all.slice(0, options.limit);
}
