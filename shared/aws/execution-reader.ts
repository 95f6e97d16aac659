/**
 * The watcher's view of the state machine's executions (Step Functions): ListExecutions with
 * statusFilter RUNNING, 1,000 a page (one call per tick up to 1,000 running executions), and
 * DescribeExecution of one that is not running.
 */
import { ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionReader } from '../core/ports/execution-reader.ts';
import { describeExecution } from './executions.ts';
import { toGlidepathError } from './sdk-errors.ts';

/** The most ListExecutions gives in one page. */
const PAGE = 1000;

export function sfnExecutionReader(sfn: SFNClient, stateMachineArn: string): ExecutionReader {
  return {
    async running() {
      const arns = new Set<string>();
      let nextToken: string | undefined;
      do {
        try {
          const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: PAGE, ...(nextToken ? { nextToken } : {}) }));
          for (const e of out.executions ?? []) if (e.executionArn) arns.add(e.executionArn);
          nextToken = out.nextToken;
        } catch (error) {
          throw toGlidepathError(error, `states:ListExecutions ${stateMachineArn}`);
        }
      } while (nextToken);
      return arns;
    },
    async describe(executionArn) {
      const e = await describeExecution(sfn, executionArn);
      if (!e) return undefined;
      return {
        executionArn,
        stateMachineArn: e.stateMachineArn ?? stateMachineArn,
        name: e.name ?? executionArn.split(':').pop()!,
        status: e.status ?? 'RUNNING',
        ...(e.startDate ? { startDate: e.startDate.getTime() } : {}),
        ...(e.stopDate ? { stopDate: e.stopDate.getTime() } : {}),
        ...(e.error ? { error: e.error } : {}),
        ...(e.cause ? { cause: e.cause } : {}),
      };
    },
  };
}
