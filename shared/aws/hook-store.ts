/**
 * The table's `HOOK#<executionId>` items (shared/core/model/record.ts) behind HookExecutionStore:
 * a hook execution is written once (ids are single-use) and completed by one conditional update,
 * so two concurrent reports cannot both win.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { keys } from '../core/model/record.ts';
import type { CompleteOutcome, HookExecution, HookExecutionStore, ReportedStatus } from '../core/hooks/types.ts';
import { isErrorNamed } from './sdk-errors.ts';

type ConditionalUpdate = Omit<UpdateCommandInput, 'TableName' | 'Key'> & { ConditionExpression: string };

export class DynamoHookStore implements HookExecutionStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(execution: HookExecution): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...execution, ...keys.hook(execution.executionId) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(executionId: string): Promise<HookExecution | undefined> {
    const { Item } = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: keys.hook(executionId), ConsistentRead: true }),
    );
    return Item as HookExecution | undefined;
  }

  /** Updates the execution if `update`'s condition holds; `false` when it does not (an answer, not an error). */
  private async updateIf(executionId: string, update: ConditionalUpdate): Promise<boolean> {
    try {
      await this.ddb.send(new UpdateCommand({ TableName: this.tableName, Key: keys.hook(executionId), ...update }));
      return true;
    } catch (error) {
      if (isErrorNamed(error, 'ConditionalCheckFailedException')) return false;
      throw error;
    }
  }

  async complete(
    executionId: string,
    status: ReportedStatus,
    at: { iso: string; seconds: number },
    reason?: string,
  ): Promise<CompleteOutcome> {
    const completed = await this.updateIf(executionId, {
      UpdateExpression: `SET #status = :status, completedAt = :at${reason === undefined ? '' : ', reason = :reason'}`,
      ConditionExpression: '#status = :pending AND expiresAt > :now AND attribute_not_exists(tokenExpired)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': status,
        ':at': at.iso,
        ':pending': 'Pending',
        ':now': at.seconds,
        ...(reason === undefined ? {} : { ':reason': reason }),
      },
    });
    if (completed) return 'completed';
    const item = await this.get(executionId);
    if (!item) return 'notFound';
    return item.status !== 'Pending' ? 'alreadyCompleted' : 'expired';
  }

  async reopen(executionId: string, status: ReportedStatus): Promise<void> {
    await this.updateIf(executionId, {
      UpdateExpression: 'SET #status = :pending REMOVE completedAt, reason',
      ConditionExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pending': 'Pending', ':status': status },
    });
  }

  async markExpired(executionId: string): Promise<void> {
    await this.updateIf(executionId, {
      UpdateExpression: 'SET tokenExpired = :true',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':true': true },
    });
  }
}
