/**
 * Hook executions as the hook side of Glidepath sees them, and the ports its cores are given.
 * The table item extends `HookExecutionItem` (shared/core/model/record.ts) with a few more fields.
 */
import type { HookExecutionItem } from '../model/record.ts';

export type ReportedStatus = 'Succeeded' | 'Failed';

export interface HookExecution extends HookExecutionItem {
  /** The hook function as the plan names it. */
  hook: string;
  /** Plan index of a `hook` step (lifecycle event `Step`). */
  stepIndex?: number;
  /** Epoch seconds after which Step Functions no longer waits (created + hookTimeoutSeconds). */
  expiresAt: number;
  completedAt?: string;
  /** Why Glidepath marked it Failed itself (the invocation failed). */
  reason?: string;
  /** The task token was found closed (timed out, execution stopped): later reports are refused. */
  tokenExpired?: boolean;
}

/**
 * - `completed`: this call moved it from Pending;
 * - `alreadyCompleted`: it was no longer Pending;
 * - `expired`: past `expiresAt` or its token was closed;
 * - `notFound`: no such execution.
 */
export type CompleteOutcome = 'completed' | 'alreadyCompleted' | 'expired' | 'notFound';

export interface HookExecutionStore {
  /** Writes a new Pending execution; fails if the id exists (ids are single-use). */
  create(execution: HookExecution): Promise<void>;
  get(executionId: string): Promise<HookExecution | undefined>;
  /**
   * Pending → `status`, atomically: succeeds only while the execution is Pending and
   * `nowSeconds < expiresAt`, so two concurrent reports cannot both win.
   */
  complete(
    executionId: string,
    status: ReportedStatus,
    at: { iso: string; seconds: number },
    reason?: string,
  ): Promise<CompleteOutcome>;
  /** Back to Pending after a completion whose task callback could not be delivered (the hook may retry). */
  reopen(executionId: string, status: ReportedStatus): Promise<void>;
  /** The token is closed: refuse every later report with InvalidLifecycleEventHookExecutionIdException. */
  markExpired(executionId: string): Promise<void>;
}

/** Answers a waiting Task. `gone`: the token no longer waits (timed out, stopped, unknown). Throws on transient errors. */
export interface TaskCallbacks {
  succeed(taskToken: string, output: unknown): Promise<'ok' | 'gone'>;
  fail(taskToken: string, error: string, cause: string): Promise<'ok' | 'gone'>;
}

/** The result of invoking a hook function synchronously, as run-hook needs it. */
export type HookInvocation =
  | { ok: true; statusCode: number; executedVersion?: string }
  | {
      ok: false;
      /** `function` = the function ran and failed; `invoke` = Lambda refused or could not invoke it; `retryable` = throttled or 5xx. */
      kind: 'function' | 'invoke' | 'retryable';
      errorType: string;
      message: string;
    };

export type HookInvoker = (functionNameOrArn: string, payload: unknown) => Promise<HookInvocation>;
