/**
 * Alarm watches (shared/core/model/record.ts): which active deployments watch an alarm, so that an
 * alarm's state-change event finds them without a scan. Written (Prepare) and deleted (Finish)
 * in BatchWriteItem calls of up to 25 items — a request may name up to 1,000 alarms — with
 * DynamoDB's unprocessed items sent again; both are idempotent.
 */
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { GlidepathError } from '../core/errors.ts';
import { TABLE_KEYS, keys, type AlarmWatchItem, type DeploymentRecord } from '../core/model/record.ts';
import type { Store } from './deployment-store.ts';
import { toGlidepathError } from './sdk-errors.ts';

/** BatchWriteItem's limit. */
const BATCH = 25;
/** Sends of the items DynamoDB left unprocessed, with backoff from 50 ms. */
const UNPROCESSED_ATTEMPTS = 6;

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

type Watcher = Pick<DeploymentRecord, 'id' | 'functionName' | 'alias' | 'createdAt'>;

const pause = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

async function batchWrite(store: Store, requests: WriteRequest[], what: string): Promise<void> {
  for (let start = 0; start < requests.length; start += BATCH) {
    let pending: WriteRequest[] = requests.slice(start, start + BATCH);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === UNPROCESSED_ATTEMPTS) {
        throw new GlidepathError('THROTTLED', `dynamodb:BatchWriteItem ${what}: ${pending.length} item(s) still unprocessed after ${UNPROCESSED_ATTEMPTS} attempts`);
      }
      if (attempt > 0) await pause(0.05 * 2 ** (attempt - 1));
      let out;
      try {
        out = await store.ddb.send(new BatchWriteCommand({ RequestItems: { [store.tableName]: pending } }));
      } catch (error) {
        throw toGlidepathError(error, `dynamodb:BatchWriteItem ${what}`);
      }
      pending = (out?.UnprocessedItems?.[store.tableName] ?? []) as WriteRequest[];
    }
  }
}

/** Writes one watch per alarm in `alarmNames` (again, harmlessly, for a retried Prepare). */
export async function watchAlarms(store: Store, record: Watcher, alarmNames: readonly string[]): Promise<void> {
  const items = alarmNames.map(
    (alarmName): AlarmWatchItem => ({
      ...keys.alarmWatch(alarmName, record.id),
      alarmName,
      deploymentId: record.id,
      functionName: record.functionName,
      alias: record.alias,
      createdAt: record.createdAt,
    }),
  );
  await batchWrite(store, items.map((item) => ({ PutRequest: { Item: { ...item } } })), `alarm watches of ${record.id}`);
}

/** Deletes the deployment's watches of `alarmNames`. */
export async function unwatchAlarms(store: Store, deploymentId: string, alarmNames: readonly string[]): Promise<void> {
  const requests = alarmNames.map((alarmName) => ({ DeleteRequest: { Key: keys.alarmWatch(alarmName, deploymentId) } }));
  await batchWrite(store, requests, `alarm watches of ${deploymentId}`);
}

/** The ids of the deployments that watch `alarmName` (every page). */
export async function deploymentsWatching(store: Store, alarmName: string): Promise<string[]> {
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    let out;
    try {
      out = await store.ddb.send(
        new QueryCommand({
          TableName: store.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk },
          ExpressionAttributeValues: { ':pk': keys.alarmWatches(alarmName) },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
    } catch (error) {
      throw toGlidepathError(error, `dynamodb:Query watches of alarm ${alarmName}`);
    }
    for (const item of (out.Items ?? []) as Partial<AlarmWatchItem>[]) if (typeof item.deploymentId === 'string') ids.push(item.deploymentId);
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return ids;
}
