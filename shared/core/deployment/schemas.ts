/**
 * zod schemas for the Task inputs of shared/core/model/machine.ts: what each handler accepts from the
 * state machine (or the CLI, for control). Loose objects: Step Functions may pass more than the
 * contract names, and the contract, not this file, decides what a handler reads.
 */
import { z } from 'zod';
import type {
  CaughtError,
  CheckHealthInput,
  ControlRequest,
  Cursor,
  ExecutionContext,
  FinishInput,
  PrepareInput,
  RollbackInput,
  RollbackResult,
  ShiftInput,
  WaitRegistration,
} from '../model/machine.ts';
import type { PlanStep, StepKind } from '../model/plan.ts';
import { GlidepathError } from '../errors.ts';

const deploymentId = z.string().min(1);

/** Every step kind of the plan (a Record, so a new kind cannot be left out). */
const STEP_KINDS: Record<StepKind, true> = { setWeight: true, bake: true, pause: true, approval: true, hook: true, analysis: true };

/** A plan step as the state machine copies it from the plan: an object with one known key. */
export const planStepSchema = z.custom<PlanStep>(
  (value) =>
    !!value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && Object.hasOwn(STEP_KINDS, Object.keys(value)[0]!),
  'must be a plan step: {"setWeight"}, {"bake"}, {"pause"}, {"approval"}, {"hook"} or {"analysis"}',
);

export const cursorSchema = z.looseObject({
  index: z.number().int().min(0),
  step: planStepSchema.optional(),
  final: z.literal(true).optional(),
});

export const executionSchema = z.looseObject({
  Id: z.string(),
  Name: z.string().min(1),
  StartTime: z.string().optional(),
  RoleArn: z.string().optional(),
  Input: z.unknown().optional(),
});

export const caughtErrorSchema = z.looseObject({ Error: z.string(), Cause: z.string().optional() });

export const rollbackResultSchema = z.looseObject({
  rolledBack: z.boolean(),
  reason: z.string().optional(),
  weight: z.number(),
});

export const prepareInputSchema = z.looseObject({ request: z.unknown(), execution: executionSchema });
export const shiftTargetSchema = z.looseObject({
  functionName: z.string().min(1),
  alias: z.string().min(1),
  currentVersion: z.string().min(1),
  targetVersion: z.string().min(1),
  alarms: z.array(z.string()).optional(),
  alarmPolicy: z
    .looseObject({ checkIntervalSeconds: z.number().optional(), ignorePollAlarmFailure: z.boolean().optional(), enabled: z.boolean().optional() })
    .optional(),
  windows: z.literal(true).optional(),
  announceSteps: z.literal(true).optional(),
});
export const shiftInputSchema = z.looseObject({
  deploymentId,
  cursor: cursorSchema,
  promote: z.literal(true).optional(),
  target: shiftTargetSchema.optional(),
  revisionId: z.string().min(1).optional(),
  weight: z.number().min(0).max(100).optional(),
});
export const checkHealthInputSchema = z.looseObject({ deploymentId, cursor: cursorSchema });
export const rollbackInputSchema = z.looseObject({ deploymentId, error: caughtErrorSchema });
export const finishInputSchema = z.looseObject({
  execution: executionSchema,
  deploymentId: deploymentId.optional(),
  outcome: z.enum(['succeeded', 'failed', 'rejected']),
  error: caughtErrorSchema.optional(),
  rollback: z.union([rollbackResultSchema, caughtErrorSchema]).optional(),
});
export const waitRegistrationSchema = z.looseObject({
  deploymentId,
  wait: z.looseObject({ taskToken: z.string().min(1), kind: z.enum(['step', 'hold', 'timed', 'window']), stepIndex: z.number().int().min(0) }),
});
export const controlRequestSchema = z.looseObject({
  deploymentId,
  action: z.enum(['abort', 'promote', 'promote-full', 'pause', 'resume', 'approve']),
});
export const controlInputSchema = z.union([waitRegistrationSchema, controlRequestSchema]);

/** Parses a Task input; a mismatch is a broken contract between the ASL and the handler. */
export function parseTaskInput<S extends z.ZodType>(schema: S, event: unknown, task: string): z.output<S> {
  const result = schema.safeParse(event);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'input';
  throw new GlidepathError('INVALID_REQUEST', `${task} input: ${where}: ${issue?.message ?? 'is not valid'}`, { field: where });
}

// Keep the schemas and the contract in step: each parsed shape must be assignable to its type.
type Assert<T extends U, U> = T;
type _Checks = [
  Assert<z.output<typeof prepareInputSchema>, PrepareInput>,
  Assert<z.output<typeof shiftInputSchema>, ShiftInput>,
  Assert<z.output<typeof checkHealthInputSchema>, CheckHealthInput>,
  Assert<z.output<typeof rollbackInputSchema>, RollbackInput>,
  Assert<z.output<typeof finishInputSchema>, Omit<FinishInput, 'rollback'> & { rollback?: RollbackResult | CaughtError }>,
  Assert<z.output<typeof waitRegistrationSchema>, WaitRegistration>,
  Assert<z.output<typeof controlRequestSchema>, ControlRequest>,
  Assert<z.output<typeof executionSchema>, ExecutionContext>,
  Assert<z.output<typeof cursorSchema>, Cursor>,
];
