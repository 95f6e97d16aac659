/**
 * Step Functions' `Step Functions Execution Status Change` event, as Step Functions sends it to
 * EventBridge's default bus when an execution of a standard state machine changes status:
 * `detail` carries the execution's ARN, state machine, name, status, start and stop dates (epoch
 * milliseconds), input and output (JSON text) and error and cause, `null` where there is none.
 */
import type { ServiceEvent } from '../ways-in/eventbridge.ts';
import type { ExecutionRecord, ExecutionStatus } from './runtime.ts';

export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';

/**
 * The statuses the local engine puts on its bus: those template.yaml's reconcile rule listens for.
 * (Step Functions also sends RUNNING and SUCCEEDED; the engine leaves them out, to spare every
 * deployment an event nobody here reads.)
 */
export const PUBLISHED_STATUSES: readonly ExecutionStatus[] = ['ABORTED', 'TIMED_OUT', 'FAILED'];

export function executionStatusChange(execution: ExecutionRecord): ServiceEvent {
  // Whole milliseconds, as Step Functions gives them (the engine's clock has fractions).
  const startDate = Math.floor(execution.startDate);
  const stopDate = execution.stopDate === undefined ? null : Math.floor(execution.stopDate);
  return {
    source: 'aws.states',
    detailType: EXECUTION_STATUS_CHANGE,
    resources: [execution.executionArn],
    time: stopDate ?? startDate,
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate,
      stopDate,
      input: execution.input,
      output: execution.output ?? null,
      inputDetails: { included: true },
      outputDetails: execution.output === undefined ? null : { included: true },
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
}
