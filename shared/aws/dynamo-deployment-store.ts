/**
 * The DeploymentStore port on DynamoDB (the single table of shared/core/model/record.ts): guards
 * become one ConditionExpression (an AND of simple comparisons, so their placeholders never
 * clash), a change is one conditional UpdateItem, or one TransactWriteItems when it comes with
 * history entries (items of their own, deployment-history.ts), and the record + lock are written
 * in one transaction (deployment-store.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_KEYS, keys, type DeploymentRecord } from '../core/model/record.ts';
import { queryIndexAll } from './table.ts';
import type { DeploymentStore, Guard, RecordChange } from '../core/ports/deployment-store.ts';
import {
  createDeployment,
  getDeployment,
  getLock,
  listDeployments,
  putRecordIfAbsent,
  releaseLock,
  updateDeployment,
  updateDeploymentOnly,
  type Store,
} from './deployment-store.ts';
import { deploymentsWatching, unwatchAlarms, watchAlarms } from './alarm-watches.ts';
import { historyCount, readHistory, updateWithHistory } from './deployment-history.ts';
import type { Condition, RecordUpdate } from './update-expression.ts';

const ACTIVE_STATUSES = ['Created', 'InProgress', 'Paused'] as const;

function guardCondition(guard: Guard, n: number): Condition {
  if ('active' in guard) {
    return {
      expression: `#st${n} IN (${ACTIVE_STATUSES.map((_, i) => `:st${n}_${i}`).join(', ')})`,
      names: { [`#st${n}`]: 'status' },
      values: Object.fromEntries(ACTIVE_STATUSES.map((s, i) => [`:st${n}_${i}`, s])),
    };
  }
  if ('stepIndexIsNot' in guard) {
    return { expression: `#si${n} <> :si${n}`, names: { [`#si${n}`]: 'stepIndex' }, values: { [`:si${n}`]: guard.stepIndexIsNot } };
  }
  if ('unsignalled' in guard) {
    const names: Record<string, string> = { [`#sg${n}`]: 'signals' };
    const absent = guard.unsignalled.map((key, i) => {
      names[`#sg${n}_${i}`] = key;
      return `attribute_not_exists(#sg${n}.#sg${n}_${i})`;
    });
    return absent.length === 0 ? { expression: `attribute_exists(#pk)`, names: { '#pk': TABLE_KEYS.pk } } : { expression: absent.join(' AND '), names };
  }
  if ('signal' in guard) {
    return {
      expression: `#sg${n}.#sk${n} = :sv${n}`,
      names: { [`#sg${n}`]: 'signals', [`#sk${n}`]: guard.signal },
      values: { [`:sv${n}`]: guard.is },
    };
  }
  if ('holdsToken' in guard) {
    return {
      expression: `#wt${n}.#tok${n} = :tok${n}`,
      names: { [`#wt${n}`]: 'waitToken', [`#tok${n}`]: 'token' },
      values: { [`:tok${n}`]: guard.holdsToken },
    };
  }
  const [path, test] = 'present' in guard ? [guard.present, 'attribute_exists'] : [guard.absent, 'attribute_not_exists'];
  const segments = path.split('.');
  const names = Object.fromEntries(segments.map((segment, i) => [`#ab${n}_${i}`, segment]));
  return { expression: `${test}(${segments.map((_, i) => `#ab${n}_${i}`).join('.')})`, names };
}

/** The guards as one condition, the record's existence first. */
export function conditionOf(guards: readonly Guard[] = []): Condition {
  const parts: Condition[] = [{ expression: 'attribute_exists(#pk)', names: { '#pk': TABLE_KEYS.pk } }, ...guards.map(guardCondition)];
  return {
    expression: parts.map((c) => c.expression).join(' AND '),
    names: Object.assign({}, ...parts.map((c) => c.names)),
    values: Object.assign({}, ...parts.map((c) => c.values ?? {})),
  };
}

function updateOf(change: RecordChange): RecordUpdate {
  return {
    ...(change.set ? { set: change.set } : {}),
    ...(change.remove?.length ? { remove: change.remove } : {}),
    condition: conditionOf(change.when),
  };
}

// The store in parts, each on its own DynamoDB actions, so a function's bundle (and the role
// template.yaml gives it) holds only the parts its task uses.

/** GetItem of a record. */
export function dynamoRecordReader(store: Store): Pick<DeploymentStore, 'get'> {
  return { get: (id) => getDeployment(store, id) };
}

/**
 * Guarded change of a record: one UpdateItem, or, with history entries, one TransactWriteItems of
 * the record's update (a ConditionCheck when only history is written) and a Put per entry (a
 * function using it needs dynamodb:PutItem and dynamodb:ConditionCheckItem as well as UpdateItem
 * and GetItem).
 */
export function dynamoRecordWriter(store: Store): Pick<DeploymentStore, 'update' | 'updateQuietly'> {
  return {
    update: async (id, change) => {
      if (historyCount(change.append) === 0) return updateDeployment(store, id, updateOf(change));
      // A transaction answers with nothing: the record is read after it.
      return (await updateWithHistory(store, id, updateOf(change), change.append ?? {})) ? getDeployment(store, id) : undefined;
    },
    updateQuietly: (id, change) =>
      historyCount(change.append) === 0 ? updateDeploymentOnly(store, id, updateOf(change)) : updateWithHistory(store, id, updateOf(change), change.append ?? {}),
  };
}

export function dynamoDeploymentCreator(store: Store): Pick<DeploymentStore, 'create' | 'lock'> {
  return { create: (record, history) => createDeployment(store, record, history), lock: (functionName, alias) => getLock(store, functionName, alias) };
}

/** Conditional PutItem of a refused deployment's record (a TransactWriteItems with its history). */
export function dynamoRejectionWriter(store: Store): Pick<DeploymentStore, 'putIfAbsent'> {
  return { putIfAbsent: (record, history) => putRecordIfAbsent(store, record, history) };
}

/** Conditional DeleteItem of the lock. */
export function dynamoLockReleaser(store: Store): Pick<DeploymentStore, 'releaseLock'> {
  return { releaseLock: (functionName, alias, id) => releaseLock(store, functionName, alias, id) };
}

/** BatchWriteItem of alarm watches. */
export function dynamoAlarmWatches(store: Store): Pick<DeploymentStore, 'watchAlarms' | 'unwatchAlarms'> {
  return {
    watchAlarms: (record, alarmNames) => watchAlarms(store, record, alarmNames),
    unwatchAlarms: (id, alarmNames) => unwatchAlarms(store, id, alarmNames),
  };
}

/** Query of an alarm's watches. */
export function dynamoAlarmWatchers(store: Store): Pick<DeploymentStore, 'watchersOf'> {
  return { watchersOf: (alarmName) => deploymentsWatching(store, alarmName) };
}

/** Paged Query of a deployment's history items. */
export function dynamoDeploymentHistory(store: Store): Pick<DeploymentStore, 'history'> {
  return { history: (id, kind, options) => readHistory(store, id, kind, options) };
}

/** Query of an alias's deployments (index gsi1). */
export function dynamoDeploymentList(store: Store): Pick<DeploymentStore, 'list'> {
  return { list: (functionName, alias, options) => listDeployments(store, functionName, alias, options) };
}

/** Query of the active deployments (index gsi2). */
export function dynamoActiveDeployments(store: Store): Pick<DeploymentStore, 'active'> {
  return { active: () => queryIndexAll<DeploymentRecord>(store, keys.active, 'active deployments', 'gsi2') };
}

/** The whole store (the CLI and tests). */
export function dynamoDeploymentStore(ddb: DynamoDBDocumentClient, tableName: string): DeploymentStore {
  const store: Store = { ddb, tableName };
  return {
    ...dynamoRecordReader(store),
    ...dynamoRecordWriter(store),
    ...dynamoDeploymentCreator(store),
    ...dynamoRejectionWriter(store),
    ...dynamoLockReleaser(store),
    ...dynamoAlarmWatches(store),
    ...dynamoAlarmWatchers(store),
    ...dynamoDeploymentList(store),
    ...dynamoActiveDeployments(store),
    ...dynamoDeploymentHistory(store),
  };
}
