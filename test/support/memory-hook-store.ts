/**
 * An in-memory HookExecutionStore with the same conditional semantics as the DynamoDB one
 * (shared/aws/hook-store.ts). For unit tests and for embedding without a table.
 */
import type { CompleteOutcome, HookExecution, HookExecutionStore, ReportedStatus } from '../../shared/core/hooks/types.ts';

export class MemoryHookStore implements HookExecutionStore {
  readonly items = new Map<string, HookExecution>();

  async create(execution: HookExecution): Promise<void> {
    if (this.items.has(execution.executionId)) throw new Error(`hook execution ${execution.executionId} exists`);
    this.items.set(execution.executionId, structuredClone(execution));
  }

  async get(executionId: string): Promise<HookExecution | undefined> {
    const item = this.items.get(executionId);
    return item && structuredClone(item);
  }

  async complete(
    executionId: string,
    status: ReportedStatus,
    at: { iso: string; seconds: number },
    reason?: string,
  ): Promise<CompleteOutcome> {
    const item = this.items.get(executionId);
    if (!item) return 'notFound';
    if (item.status !== 'Pending') return 'alreadyCompleted';
    if (item.tokenExpired || at.seconds >= item.expiresAt) return 'expired';
    item.status = status;
    item.completedAt = at.iso;
    if (reason !== undefined) item.reason = reason;
    return 'completed';
  }

  async reopen(executionId: string, status: ReportedStatus): Promise<void> {
    const item = this.items.get(executionId);
    if (item?.status === status) {
      item.status = 'Pending';
      delete item.completedAt;
      delete item.reason;
    }
  }

  async markExpired(executionId: string): Promise<void> {
    const item = this.items.get(executionId);
    if (item) item.tokenExpired = true;
  }
}
