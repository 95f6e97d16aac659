/**
 * Deployment groups in the table (shared/core/model/record.ts): one item per group, `GROUP#<name>` /
 * `GROUP`, listed through index gsi1 under `GROUPS` sorted by name.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../core/model/record.ts';
import { GROUPS_INDEX_KEY, type DeploymentGroup, type GroupItem } from '../core/model/group.ts';
import { toGlidepathError } from './sdk-errors.ts';
import { getItem, queryIndexAll, type Store } from './table.ts';
import type { GroupStore } from '../core/ports/group-store.ts';

export async function getGroupItem(store: Store, name: string): Promise<GroupItem | undefined> {
  return getItem<GroupItem>(store, keys.group(name), `group ${name}`);
}

/** Creates or replaces a group (already validated); keeps its creation time. Returns whether it existed. */
export async function putGroup(store: Store, group: DeploymentGroup, at: string): Promise<{ item: GroupItem; replaced: boolean }> {
  const existing = await getGroupItem(store, group.name);
  const item: GroupItem = {
    ...keys.group(group.name),
    gsi1pk: GROUPS_INDEX_KEY,
    gsi1sk: group.name,
    group,
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
  };
  try {
    await store.ddb.send(new PutCommand({ TableName: store.tableName, Item: item }));
  } catch (error) {
    throw toGlidepathError(error, `dynamodb:PutItem group ${group.name}`);
  }
  return { item, replaced: existing !== undefined };
}

/** Deletes a group; `false` when there was none. */
export async function deleteGroup(store: Store, name: string): Promise<boolean> {
  try {
    const out = await store.ddb.send(new DeleteCommand({ TableName: store.tableName, Key: keys.group(name), ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  } catch (error) {
    throw toGlidepathError(error, `dynamodb:DeleteItem group ${name}`);
  }
}

/** Every group, by name (all pages). */
export async function listGroupItems(store: Store): Promise<GroupItem[]> {
  return queryIndexAll<GroupItem>(store, GROUPS_INDEX_KEY, 'groups');
}

export async function listGroups(store: Store): Promise<DeploymentGroup[]> {
  return (await listGroupItems(store)).map((item) => item.group);
}

/** The GroupStore port on the table. */
export function dynamoGroupStore(store: Store): GroupStore {
  return { list: () => listGroups(store) };
}
