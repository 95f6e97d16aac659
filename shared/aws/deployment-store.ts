/**
 * The deployment table (shared/core/model/record.ts): the record and the per-alias lock, written
 * together in one transaction so a deployment exists exactly when it holds its lock; reads,
 * conditional updates, the list of an alias's deployments (index gsi1), and the lock's release.
 */
import { DeleteCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DeploymentInProgressError, DeploymentNotFoundError, GlidepathError } from '../core/errors.ts';
import { TABLE_KEYS, bareFunctionName, isActive, keys, type DeploymentRecord, type LockItem } from '../core/model/record.ts';
import type { HistoryAppend } from '../core/ports/deployment-store.ts';
import { historyPuts } from './deployment-history.ts';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';
import { buildUpdate, type Condition, type RecordUpdate } from './update-expression.ts';
import { getItem, queryIndexPage, type Store } from './table.ts';

export type { Store } from './table.ts';

/** All of `conditions` (placeholders must not clash). */
function and(...conditions: Condition[]): Condition {
  return {
    expression: conditions.map((c) => `(${c.expression})`).join(' AND '),
    names: Object.assign({}, ...conditions.map((c) => c.names)),
    values: Object.assign({}, ...conditions.map((c) => c.values)),
  };
}

/** The record exists (every update of it is conditional on this, see updateDeployment). */
const RECORD_EXISTS: Condition = { expression: 'attribute_exists(#pk)', names: { '#pk': TABLE_KEYS.pk } };

function target(functionName: string, alias: string): string {
  return `${bareFunctionName(functionName)}:${alias}`;
}

export function lockItem(record: DeploymentRecord): LockItem {
  return { ...keys.lock(record.functionName, record.alias), deploymentId: record.id, acquiredAt: record.createdAt };
}

export async function getDeployment(store: Store, id: string): Promise<DeploymentRecord | undefined> {
  return getItem<DeploymentRecord>(store, keys.deployment(id), `deployment ${id}`);
}

export async function requireDeployment(store: Store, id: string): Promise<DeploymentRecord> {
  const record = await getDeployment(store, id);
  if (!record) throw new DeploymentNotFoundError(id);
  return record;
}

export async function getLock(store: Store, functionName: string, alias: string): Promise<LockItem | undefined> {
  return getItem<LockItem>(store, keys.lock(functionName, alias), `lock ${target(functionName, alias)}`);
}

const MAX_ATTEMPTS = 3;

interface PutCondition {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

const RECORD_IS_NEW: PutCondition = { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk } };

/** Which conditions failed; `undefined` when both writes were made. */
type WriteRefusal = { recordExists: boolean; lockHeld: boolean } | undefined;

/** Record + lock (+ its first history items) in one TransactWriteItems. */
async function transactRecordAndLock(store: Store, record: DeploymentRecord, lockCondition: PutCondition, history: HistoryAppend): Promise<WriteRefusal> {
  try {
    await store.ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: store.tableName, Item: record, ...RECORD_IS_NEW } },
          { Put: { TableName: store.tableName, Item: lockItem(record), ...lockCondition } },
          ...historyPuts(store, record.id, history),
        ],
      }),
    );
    return undefined;
  } catch (error) {
    if (!isErrorNamed(error, 'TransactionCanceledException')) throw error;
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    const refusal = { recordExists: reasons[0]?.Code === 'ConditionalCheckFailed', lockHeld: reasons[1]?.Code === 'ConditionalCheckFailed' };
    // Cancelled for another reason (a conflicting transaction): worth a retry by the state machine.
    if (!refusal.recordExists && !refusal.lockHeld) throw error;
    return refusal;
  }
}

/**
 * Writes the record and takes the alias's lock in one transaction. `exists`: this very deployment
 * was created before (a retried Prepare). A lock held by another deployment refuses with
 * DEPLOYMENT_IN_PROGRESS naming it, unless that deployment has ended (its finish could not release
 * the lock) or left no record: then the stale lock is taken over, still conditionally.
 */
export async function createDeployment(store: Store, record: DeploymentRecord, history: HistoryAppend = {}): Promise<'created' | 'exists'> {
  let staleHolder: string | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const lockCondition: PutCondition = staleHolder
      ? { ConditionExpression: '#holder = :stale', ExpressionAttributeNames: { '#holder': 'deploymentId' }, ExpressionAttributeValues: { ':stale': staleHolder } }
      : {
          ConditionExpression: 'attribute_not_exists(#pk) OR #holder = :id',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk, '#holder': 'deploymentId' },
          ExpressionAttributeValues: { ':id': record.id },
        };
    let refusal: WriteRefusal;
    try {
      refusal = await transactRecordAndLock(store, record, lockCondition, history);
    } catch (error) {
      throw toGlidepathError(error, `dynamodb:TransactWriteItems deployment ${record.id}`);
    }
    if (!refusal) return 'created';

    const lock = await getLock(store, record.functionName, record.alias);
    // Our own earlier attempt (a retried Prepare).
    if (lock?.deploymentId === record.id) return 'exists';
    if (refusal.recordExists) {
      throw new GlidepathError('DEPLOYMENT_IN_PROGRESS', `deployment ${record.id} already exists (an execution name used twice)`, {
        details: { activeDeploymentId: record.id },
      });
    }
    if (!lock) {
      staleHolder = undefined; // released in between: try again with the usual condition
      continue;
    }
    const holder = await getDeployment(store, lock.deploymentId);
    if (attempt < MAX_ATTEMPTS - 1 && (!holder || !isActive(holder.status))) {
      staleHolder = lock.deploymentId;
      continue;
    }
    throw new DeploymentInProgressError(lock.deploymentId, target(record.functionName, record.alias));
  }
  throw new GlidepathError('INTERNAL_ERROR', `could not take the lock of ${target(record.functionName, record.alias)} after ${MAX_ATTEMPTS} attempts`);
}

/** The UpdateItem of `update` on record `id`, conditional on the record existing (and on `update.condition`). */
function updateCommand(store: Store, id: string, update: RecordUpdate, returnValues: 'ALL_NEW' | 'NONE'): UpdateCommand {
  const exists = RECORD_EXISTS;
  const condition = update.condition ? (update.condition.expression.includes(exists.expression) ? update.condition : and(exists, update.condition)) : exists;
  return new UpdateCommand({
    TableName: store.tableName,
    Key: keys.deployment(id),
    ...buildUpdate({ ...update, condition }),
    ReturnValues: returnValues,
  });
}

/**
 * A conditional UpdateItem on the record, returning it as it is after the update (ALL_NEW);
 * `undefined` when the condition did not hold. The record must exist either way.
 */
export async function updateDeployment(store: Store, id: string, update: RecordUpdate): Promise<DeploymentRecord | undefined> {
  try {
    const out = await store.ddb.send(updateCommand(store, id, update, 'ALL_NEW'));
    return out.Attributes as DeploymentRecord;
  } catch (error) {
    if (isErrorNamed(error, 'ConditionalCheckFailedException')) return undefined;
    throw toGlidepathError(error, `dynamodb:UpdateItem deployment ${id}`);
  }
}

/**
 * The same conditional UpdateItem without the record in the answer (ReturnValues NONE), for a
 * writer that knows all it needs of the result: true when it was made, false when the condition
 * did not hold (a step need not carry the record back each time).
 */
export async function updateDeploymentOnly(store: Store, id: string, update: RecordUpdate): Promise<boolean> {
  try {
    await store.ddb.send(updateCommand(store, id, update, 'NONE'));
    return true;
  } catch (error) {
    if (isErrorNamed(error, 'ConditionalCheckFailedException')) return false;
    throw toGlidepathError(error, `dynamodb:UpdateItem deployment ${id}`);
  }
}

/** Writes a record only if none exists with its id (a refused deployment's record), with its first history items. */
export async function putRecordIfAbsent(store: Store, record: DeploymentRecord, history: HistoryAppend = {}): Promise<boolean> {
  const put = { TableName: store.tableName, Item: record, ...RECORD_IS_NEW };
  const puts = historyPuts(store, record.id, history);
  try {
    if (puts.length === 0) await store.ddb.send(new PutCommand(put));
    else await store.ddb.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...puts] }));
    return true;
  } catch (error) {
    if (isErrorNamed(error, 'ConditionalCheckFailedException')) return false;
    if (isErrorNamed(error, 'TransactionCanceledException') && (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw toGlidepathError(error, `dynamodb:${puts.length === 0 ? 'PutItem' : 'TransactWriteItems'} deployment ${record.id}`);
  }
}

/** Deletes the alias's lock only if `deploymentId` holds it. */
export async function releaseLock(store: Store, functionName: string, alias: string, deploymentId: string): Promise<'released' | 'notHeld'> {
  try {
    await store.ddb.send(
      new DeleteCommand({
        TableName: store.tableName,
        Key: keys.lock(functionName, alias),
        ConditionExpression: '#holder = :id',
        ExpressionAttributeNames: { '#holder': 'deploymentId' },
        ExpressionAttributeValues: { ':id': deploymentId },
      }),
    );
    return 'released';
  } catch (error) {
    if (isErrorNamed(error, 'ConditionalCheckFailedException')) return 'notHeld';
    throw toGlidepathError(error, `dynamodb:DeleteItem lock ${target(functionName, alias)}`);
  }
}

export interface ListOptions {
  limit?: number;
  /** From `nextToken` of a previous page. */
  startKey?: Record<string, unknown>;
}

/** An alias's deployments, newest first (index gsi1: `TARGET#<function>#<alias>`, sorted by creation time). */
export async function listDeployments(
  store: Store,
  functionName: string,
  alias: string,
  options: ListOptions = {},
): Promise<{ deployments: DeploymentRecord[]; nextKey?: Record<string, unknown> }> {
  const { items, nextKey } = await queryIndexPage<DeploymentRecord>(
    store,
    { partition: keys.targetIndex(functionName, alias), descending: true, limit: options.limit, startKey: options.startKey },
    `deployments of ${target(functionName, alias)}`,
  );
  return { deployments: items, ...(nextKey ? { nextKey } : {}) };
}
