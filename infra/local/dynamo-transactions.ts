/**
 * TransactWriteItems for the local engine's DynamoDB, which dynalite does not serve: all or
 * nothing, with CancellationReasons as DynamoDB returns them. Each item's condition is evaluated
 * by dynalite itself (the write is made with its ConditionExpression); the items the write
 * touched are read first and put back if any condition fails. `TransactionGate` keeps other
 * requests out while a transaction runs, so no one sees or changes its items half way.
 */
import {
  DeleteItemCommand, DescribeTableCommand, GetItemCommand, PutItemCommand, UpdateItemCommand,
  type AttributeValue, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;
type Body = Record<string, any>;

export class DynamoTransactionError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const MAX_ITEMS = 100;

/** Lets requests through, except while a transaction runs (which waits for those in flight). */
export class TransactionGate {
  #inFlight = 0;
  #transaction: Promise<void> | undefined;
  #drained: (() => void) | undefined;

  async enter(): Promise<() => void> {
    while (this.#transaction) await this.#transaction;
    this.#inFlight += 1;
    return () => {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) this.#drained?.();
    };
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.#transaction) await this.#transaction;
    let done!: () => void;
    this.#transaction = new Promise<void>((resolve) => (done = resolve));
    try {
      if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
      this.#drained = undefined;
      return await work();
    } finally {
      this.#transaction = undefined;
      done();
    }
  }
}

interface Operation {
  kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
  spec: Body;
  table: string;
  key: Item;
}

export class DynamoTransactions {
  readonly #keySchemas = new Map<string, string[]>();

  constructor(readonly client: DynamoDBClient) {}

  async #keyNames(table: string): Promise<string[]> {
    let names = this.#keySchemas.get(table);
    if (!names) {
      try {
        const out = await this.client.send(new DescribeTableCommand({ TableName: table }));
        names = (out.Table?.KeySchema ?? []).map((k) => k.AttributeName!);
      } catch {
        throw new DynamoTransactionError('ResourceNotFoundException', 'Requested resource not found');
      }
      this.#keySchemas.set(table, names);
    }
    return names;
  }

  async #operations(input: Body): Promise<Operation[]> {
    const items = input.TransactItems;
    if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS) {
      throw new DynamoTransactionError('ValidationException', `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ITEMS} and greater than or equal to 1`);
    }
    const ops: Operation[] = [];
    const seen = new Set<string>();
    for (const entry of items as Body[]) {
      const kinds = (['Put', 'Update', 'Delete', 'ConditionCheck'] as const).filter((k) => entry?.[k] !== undefined);
      if (kinds.length !== 1) throw new DynamoTransactionError('ValidationException', 'TransactItems can only contain one of Check, Put, Update or Delete');
      const kind = kinds[0]!;
      const spec = entry[kind] as Body;
      const table = String(spec.TableName ?? '');
      const names = await this.#keyNames(table);
      const source = (kind === 'Put' ? spec.Item : spec.Key) as Item | undefined;
      const key = Object.fromEntries(names.map((n) => [n, source?.[n]!]));
      if (names.some((n) => key[n] === undefined)) throw new DynamoTransactionError('ValidationException', 'The provided key element does not match the schema');
      const id = `${table}|${JSON.stringify(key)}`;
      if (seen.has(id)) throw new DynamoTransactionError('ValidationException', 'Transaction request cannot include multiple operations on one item');
      seen.add(id);
      ops.push({ kind, spec, table, key });
    }
    return ops;
  }

  /** Applies every write or none; a failed condition cancels the whole transaction. */
  async transactWriteItems(input: Body): Promise<Record<string, unknown>> {
    const ops = await this.#operations(input);
    const before: (Item | undefined)[] = [];
    for (const op of ops) {
      const out = await this.client.send(new GetItemCommand({ TableName: op.table, Key: op.key, ConsistentRead: true }));
      before.push(out.Item);
    }
    const reasons: Record<string, unknown>[] = [];
    for (const [i, op] of ops.entries()) {
      const condition = {
        ...(op.spec.ConditionExpression === undefined ? {} : { ConditionExpression: op.spec.ConditionExpression }),
        ...(op.spec.ExpressionAttributeNames === undefined ? {} : { ExpressionAttributeNames: op.spec.ExpressionAttributeNames }),
        ...(op.spec.ExpressionAttributeValues === undefined ? {} : { ExpressionAttributeValues: op.spec.ExpressionAttributeValues }),
      };
      try {
        if (op.kind === 'Put') await this.client.send(new PutItemCommand({ TableName: op.table, Item: op.spec.Item, ...condition }));
        else if (op.kind === 'Delete') await this.client.send(new DeleteItemCommand({ TableName: op.table, Key: op.key, ...condition }));
        else if (op.kind === 'Update') await this.client.send(new UpdateItemCommand({ TableName: op.table, Key: op.key, UpdateExpression: op.spec.UpdateExpression, ...condition }));
        else await this.#check(op, before[i], condition);
        reasons.push({ Code: 'None' });
      } catch (error) {
        const name = (error as Error).name;
        if (name !== 'ConditionalCheckFailedException' && name !== 'ValidationException') {
          await this.#restore(ops, before);
          throw error;
        }
        const old = before[i];
        reasons.push({
          Code: name === 'ConditionalCheckFailedException' ? 'ConditionalCheckFailed' : 'ValidationError',
          Message: name === 'ConditionalCheckFailedException' ? 'The conditional request failed' : (error as Error).message,
          ...(op.spec.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old ? { Item: old } : {}),
        });
      }
    }
    if (reasons.some((r) => r.Code !== 'None')) {
      await this.#restore(ops, before);
      throw new DynamoTransactionError('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`, {
        CancellationReasons: reasons,
      });
    }
    return {};
  }

  /** A ConditionCheck: the condition through a conditional write that changes nothing, then undone. */
  async #check(op: Operation, old: Item | undefined, condition: Record<string, unknown>): Promise<void> {
    await this.client.send(new UpdateItemCommand({ TableName: op.table, Key: op.key, ...condition }));
    if (old) await this.client.send(new PutItemCommand({ TableName: op.table, Item: old }));
    else await this.client.send(new DeleteItemCommand({ TableName: op.table, Key: op.key }));
  }

  async #restore(ops: Operation[], before: (Item | undefined)[]): Promise<void> {
    for (const [i, op] of ops.entries()) {
      const old = before[i];
      if (old) await this.client.send(new PutItemCommand({ TableName: op.table, Item: old }));
      else await this.client.send(new DeleteItemCommand({ TableName: op.table, Key: op.key }));
    }
  }
}
