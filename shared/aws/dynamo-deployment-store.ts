/**
 * The DeploymentStore port on DynamoDB (the single table of shared/core/model/record.ts): guards
 * become one ConditionExpression (an AND of simple comparisons, so their placeholders never
 * clash), every change is one conditional UpdateItem, and the record + lock are written in one
 * transaction (deployment-store.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GlidepathError } from '../core/errors.ts';
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
import { readHistory, updateWithVerdicts } from './deployment-history.ts';
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
  const append: Record<string, unknown[]> = {};
  if (change.append?.events?.length) append.events = change.append.events;
  if (change.append?.weights?.length) append.weights = change.append.weights;
  return {
    ...(change.set ? { set: change.set } : {}),
    ...(Object.keys(append).length ? { append } : {}),
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

/** Guarded UpdateItem of a record. */
export function dynamoRecordWriter(store: Store): Pick<DeploymentStore, 'update' | 'updateQuietly'> {
  const refuseVerdicts = (id: string, change: RecordChange): void => {
    if (change.append?.verdicts?.length) {
      throw new GlidepathError('INTERNAL_ERROR', `deployment ${id}: verdicts are written through dynamoVerdictRecordWriter (its role needs dynamodb:PutItem and dynamodb:ConditionCheckItem)`);
    }
  };
  return {
    update: (id, change) => {
      refuseVerdicts(id, change);
      return updateDeployment(store, id, updateOf(change));
    },
    updateQuietly: (id, change) => {
      refuseVerdicts(id, change);
      return updateDeploymentOnly(store, id, updateOf(change));
    },
  };
}

/**
 * The record writer that also writes `append.verdicts`, each an item of its own, in one
 * TransactWriteItems with the record change (a function using it needs dynamodb:PutItem and
 * dynamodb:ConditionCheckItem on the table as well as UpdateItem and GetItem).
 */
export function dynamoVerdictRecordWriter(store: Store): Pick<DeploymentStore, 'update' | 'updateQuietly'> {
  const plain = dynamoRecordWriter(store);
  return {
    update: async (id, change) => {
      const verdicts = change.append?.verdicts ?? [];
      if (verdicts.length === 0) return plain.update(id, change);
      // A transaction answers with nothing: the record is read after it.
      return (await updateWithVerdicts(store, id, updateOf(change), verdicts)) ? getDeployment(store, id) : undefined;
    },
    updateQuietly: (id, change) => {
      const verdicts = change.append?.verdicts ?? [];
      if (verdicts.length === 0) return plain.updateQuietly(id, change);
      return updateWithVerdicts(store, id, updateOf(change), verdicts);
    },
  };
}

export function dynamoDeploymentCreator(store: Store): Pick<DeploymentStore, 'create' | 'lock'> {
  return { create: (record) => createDeployment(store, record), lock: (functionName, alias) => getLock(store, functionName, alias) };
}

/** Conditional PutItem of a refused deployment's record. */
export function dynamoRejectionWriter(store: Store): Pick<DeploymentStore, 'putIfAbsent'> {
  return { putIfAbsent: (record) => putRecordIfAbsent(store, record) };
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

/** Query of an alias's deployments (index gsi1). */
export function dynamoDeploymentHistory(store: Store): Pick<DeploymentStore, 'history'> {
  return { history: (id, kind, options) => readHistory(store, id, kind, options) };
}

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
    ...dynamoVerdictRecordWriter(store),
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
