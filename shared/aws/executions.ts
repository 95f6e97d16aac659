/**
 * Reading deployments' executions (Step Functions): one execution, a page of its history, a page
 * of the state machine's executions. What the CLI shows next to the deployment record.
 */
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type DescribeExecutionCommandOutput,
  type ExecutionListItem,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';

export type { HistoryEvent };
export type Execution = Pick<DescribeExecutionCommandOutput, 'name' | 'stateMachineArn' | 'status' | 'input' | 'error' | 'cause' | 'startDate' | 'stopDate'>;
export type ExecutionSummary = Pick<ExecutionListItem, 'name' | 'status' | 'startDate'>;

/** The execution, or undefined when there is none of that ARN. */
export async function describeExecution(sfn: SFNClient, executionArn: string): Promise<Execution | undefined> {
  try {
    return await sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if (isErrorNamed(error, 'ExecutionDoesNotExist')) return undefined;
    throw toGlidepathError(error, `states:DescribeExecution ${executionArn}`);
  }
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** A page of the execution's history, newest first. */
export async function newestHistory(sfn: SFNClient, executionArn: string, nextToken?: string): Promise<Page<HistoryEvent>> {
  try {
    const out = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 200, ...(nextToken ? { nextToken } : {}) }));
    return { items: out.events ?? [], ...(out.nextToken ? { nextToken: out.nextToken } : {}) };
  } catch (error) {
    throw toGlidepathError(error, `states:GetExecutionHistory ${executionArn}`);
  }
}

/** A page of the state machine's executions, newest first. */
export async function listExecutions(sfn: SFNClient, stateMachineArn: string, nextToken?: string): Promise<Page<ExecutionSummary>> {
  try {
    const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
    return { items: out.executions ?? [], ...(out.nextToken ? { nextToken: out.nextToken } : {}) };
  } catch (error) {
    throw toGlidepathError(error, `states:ListExecutions ${stateMachineArn}`);
  }
}

/** Whether the state machine answers within `timeoutMs` (a quick probe of an endpoint). */
export async function stateMachineAnswers(sfn: SFNClient, stateMachineArn: string, timeoutMs: number): Promise<boolean> {
  try {
    await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }), { abortSignal: AbortSignal.timeout(timeoutMs) as never });
    return true;
  } catch {
    return false;
  }
}
