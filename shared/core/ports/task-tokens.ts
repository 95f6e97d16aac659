/**
 * Answering a waiting Step Functions Task through its token. A token nobody waits on any more
 * (the Task timed out, the execution ended) is `gone`, not an error.
 */
export interface TaskTokens {
  succeed(token: string, output: unknown): Promise<'ok' | 'gone'>;
  fail(token: string, error: string, cause: string): Promise<'ok' | 'gone'>;
}
