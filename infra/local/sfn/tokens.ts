/**
 * Task tokens for `.waitForTaskToken` states. aws-local-stepfunctions does not pause on them
 * (TOOLCHAIN.md), so the engine binds each such Task to a promise that SendTaskSuccess,
 * SendTaskFailure or the task's timeout settles. Tokens are random and single-use.
 */
import { randomBytes } from 'node:crypto';

export class TaskTokenError extends Error {
  constructor(
    readonly code: 'TaskDoesNotExist' | 'TaskTimedOut' | 'InvalidToken',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** An error a waiting Task fails with: Step Functions' Catch matches on `name`. */
export class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

interface Pending {
  executionArn: string;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

export class TaskTokens {
  private readonly pending = new Map<string, Pending>();
  private readonly closed = new Set<string>();

  /** A new token whose promise settles when the token is answered. */
  issue(executionArn: string): { token: string; settled: Promise<unknown> } {
    const token = `gpt1.${randomBytes(24).toString('base64url')}`;
    const settled = new Promise<unknown>((resolve, reject) => {
      this.pending.set(token, { executionArn, resolve, reject });
    });
    // A rejection nobody awaits yet (the handler may still be running) must not crash the process.
    settled.catch(() => undefined);
    return { token, settled };
  }

  succeed(token: string, output: unknown): void {
    this.take(token).resolve(output);
  }

  fail(token: string, error: string | undefined, cause: string | undefined): void {
    this.take(token).reject(new TaskFailure(error || 'States.TaskFailed', cause ?? ''));
  }

  heartbeat(token: string): void {
    this.find(token);
  }

  /** Close a token without answering it (timeout, stopped execution). */
  expire(token: string, error: Error): void {
    const pending = this.pending.get(token);
    if (!pending) return;
    this.pending.delete(token);
    this.closed.add(token);
    pending.reject(error);
  }

  /** Close every token of an execution (StopExecution). */
  expireExecution(executionArn: string, error: Error): void {
    for (const [token, pending] of this.pending) {
      if (pending.executionArn === executionArn) this.expire(token, error);
    }
  }

  private find(token: string): Pending {
    if (typeof token !== 'string' || token.length < 1 || token.length > 1024) {
      throw new TaskTokenError('InvalidToken', 'Invalid token');
    }
    const pending = this.pending.get(token);
    if (pending) return pending;
    if (this.closed.has(token)) throw new TaskTokenError('TaskTimedOut', 'Task Timed Out');
    if (!token.startsWith('gpt1.')) throw new TaskTokenError('InvalidToken', 'Invalid token');
    throw new TaskTokenError('TaskDoesNotExist', 'Task does not exist anymore');
  }

  private take(token: string): Pending {
    const pending = this.find(token);
    this.pending.delete(token);
    this.closed.add(token);
    return pending;
  }
}
