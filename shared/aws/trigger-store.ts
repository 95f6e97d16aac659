/**
 * Trigger idempotency (shared/core/model/record.ts `TRIGGER#<key>`): before a push deploys a group, the
 * trigger claims `<artifact identity>#<group>` with a conditional write. The same object (bucket,
 * key, version id or ETag) or image (digest) twice finds the claim and starts nothing. A claim
 * whose holder died (its lease ran out before the deployment started) or that failed may be taken
 * again, keeping its execution name, so a retried event still starts one deployment.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../core/model/record.ts';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';
import { getItem, type Store } from './table.ts';
import type { Claim, ClaimInput, TriggerClaims, TriggerItem, TriggerOutcome } from '../core/ports/trigger-claims.ts';

/** How long a claim is kept once its deployment started: 90 days, then a repeat of the artifact deploys again. */
export const TRIGGER_TTL_SECONDS = 90 * 24 * 3600;

function read(store: Store, key: string): Promise<TriggerItem | undefined> {
  return getItem<TriggerItem>(store, keys.trigger(key), `trigger ${key}`);
}

export async function claimTrigger(store: Store, input: ClaimInput): Promise<Claim> {
  const existing = await read(store, input.key);
  if (existing && (existing.status === 'started' || (existing.status === 'claimed' && existing.leaseUntil > input.now))) {
    return { duplicate: existing };
  }
  const item: TriggerItem = {
    ...keys.trigger(input.key),
    key: input.key,
    group: input.group,
    artifact: input.artifact,
    executionName: existing?.executionName ?? input.executionName,
    status: 'claimed',
    claimedAt: new Date(input.now).toISOString(),
    leaseUntil: input.now + input.leaseSeconds * 1000,
    ttl: Math.floor(input.now / 1000) + TRIGGER_TTL_SECONDS,
  };
  // Take it only as it was read: nobody else may have claimed it in between.
  const condition: { ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } = existing
    ? {
        ConditionExpression: '#status = :status AND #claimedAt = :claimedAt',
        ExpressionAttributeNames: { '#status': 'status', '#claimedAt': 'claimedAt' },
        ExpressionAttributeValues: { ':status': existing.status, ':claimedAt': existing.claimedAt },
      }
    : { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } };
  try {
    await store.ddb.send(new PutCommand({ TableName: store.tableName, Item: item, ...condition }));
    return { claimed: item };
  } catch (error) {
    if (isErrorNamed(error, 'ConditionalCheckFailedException')) return { duplicate: (await read(store, input.key)) ?? item };
    throw toGlidepathError(error, `dynamodb:PutItem trigger ${input.key}`);
  }
}

/** Records how a claim ended: the deployment it started, or why it failed (which frees it for a retry). */
export async function settleTrigger(
  store: Store,
  key: string,
  outcome: TriggerOutcome,
): Promise<void> {
  const fields: Record<string, unknown> = { ...outcome };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(fields).map(([name, value], i) => {
    names[`#f${i}`] = name;
    values[`:v${i}`] = value;
    return `#f${i} = :v${i}`;
  });
  try {
    await store.ddb.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: keys.trigger(key),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    throw toGlidepathError(error, `dynamodb:UpdateItem trigger ${key}`);
  }
}

/** The TriggerClaims port on the table. */
export function dynamoTriggerClaims(store: Store): TriggerClaims {
  return { claim: (input) => claimTrigger(store, input), settle: (key, outcome) => settleTrigger(store, key, outcome) };
}
