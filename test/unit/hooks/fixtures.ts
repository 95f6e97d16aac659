/** Shared arrangements for the hook unit tests. */
import { keys } from '../../../shared/core/model/record.ts';
import type { HookExecution, TaskCallbacks } from '../../../shared/core/hooks/types.ts';
import { TARGET } from '../../../shared/core/hooks/status-protocol.ts';

export const NOW_MS = Date.UTC(2025, 0, 2, 3, 4, 5);
export const NOW_S = Math.floor(NOW_MS / 1000);
export const EXEC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function pendingExecution(overrides: Partial<HookExecution> = {}): HookExecution {
  const executionId = overrides.executionId ?? EXEC_ID;
  return {
    ...keys.hook(executionId),
    executionId,
    deploymentId: 'gp-1',
    lifecycleEvent: 'BeforeAllowTraffic',
    hook: 'orders-smoke',
    taskToken: 'token-1',
    status: 'Pending',
    createdAt: new Date(NOW_MS).toISOString(),
    expiresAt: NOW_S + 60,
    ttl: NOW_S + 3660,
    ...overrides,
  };
}

export interface RecordedCall {
  kind: 'succeed' | 'fail';
  token: string;
  output?: unknown;
  error?: string;
  cause?: string;
}

/** TaskCallbacks that record each call and answer with `answer` (or throw it). */
export function recordingTasks(answer: 'ok' | 'gone' | Error = 'ok'): TaskCallbacks & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const reply = async (): Promise<'ok' | 'gone'> => {
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return {
    calls,
    succeed: async (token, output) => {
      calls.push({ kind: 'succeed', token, output });
      return reply();
    },
    fail: async (token, error, cause) => {
      calls.push({ kind: 'fail', token, error, cause });
      return reply();
    },
  };
}

export function statusRequest(body: unknown, headers: Record<string, string> = {}) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

export function report(status: string, overrides: Record<string, unknown> = {}) {
  return { deploymentId: 'gp-1', lifecycleEventHookExecutionId: EXEC_ID, status, ...overrides };
}
