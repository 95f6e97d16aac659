/**
 * The state machine's executions as the watcher reads them: which are running (one listing for
 * all of them), and how one that is not running ended.
 */
import type { ExecutionEnd } from '../deployment/reconcile-events.ts';

export interface ExecutionReader {
  /** The ARNs of the state machine's RUNNING executions, every page. */
  running(): Promise<Set<string>>;
  /** One execution as Step Functions describes it (`status` RUNNING while it runs); undefined when there is none of that ARN. */
  describe(executionArn: string): Promise<ExecutionEnd | undefined>;
}
