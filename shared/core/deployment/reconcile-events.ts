/**
 * The two EventBridge events reconcile receives (template.yaml's Reconcile rules), as AWS sends
 * them: Step Functions' `Step Functions Execution Status Change` and CloudWatch's `CloudWatch Alarm
 * State Change`. Loose objects: only the fields reconcile reads are checked, and AWS's `null`s
 * (an execution with no error, no stop date yet) are accepted.
 */
import { z } from 'zod';

export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';
export const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';

/** The execution statuses that end an execution without its Finish having run (maybe). */
export const ENDED_WITHOUT_FINISH = ['ABORTED', 'TIMED_OUT', 'FAILED'] as const;
export type EndedStatus = (typeof ENDED_WITHOUT_FINISH)[number];

export const executionEndSchema = z.looseObject({
  executionArn: z.string().min(1),
  stateMachineArn: z.string().min(1),
  name: z.string().min(1),
  status: z.string().min(1),
  startDate: z.number().nullish(),
  stopDate: z.number().nullish(),
  error: z.string().nullish(),
  cause: z.string().nullish(),
});

export const executionStatusChangeSchema = z.looseObject({
  source: z.literal('aws.states'),
  'detail-type': z.literal(EXECUTION_STATUS_CHANGE),
  detail: executionEndSchema,
});

const alarmStateSchema = z.looseObject({
  value: z.string().min(1),
  reason: z.string().nullish(),
  timestamp: z.string().nullish(),
});

export const alarmChangeSchema = z.looseObject({
  alarmName: z.string().min(1),
  state: alarmStateSchema,
  previousState: alarmStateSchema.optional(),
});

export const alarmStateChangeSchema = z.looseObject({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal(ALARM_STATE_CHANGE),
  resources: z.array(z.string()).optional(),
  detail: alarmChangeSchema,
});

export const reconcileEventSchema = z.union([executionStatusChangeSchema, alarmStateChangeSchema]);

export type ExecutionEnd = z.output<typeof executionEndSchema>;
export type AlarmChange = z.output<typeof alarmChangeSchema>;
export type ReconcileEvent = z.output<typeof reconcileEventSchema>;

export function isExecutionStatusChange(event: ReconcileEvent): event is z.output<typeof executionStatusChangeSchema> {
  return event.source === 'aws.states';
}

export function isEndedWithoutFinish(status: string): status is EndedStatus {
  return (ENDED_WITHOUT_FINISH as readonly string[]).includes(status);
}
