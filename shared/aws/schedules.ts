/**
 * Scheduled promotions: a one-time EventBridge Scheduler schedule whose target is
 * the control function with `{deploymentId, action: 'promote'}` (or `promote-full`), run as the
 * stack's scheduler role, deleted by Scheduler once it has fired.
 */
import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { GlidepathError } from '../core/errors.ts';
import type { ControlRequest } from '../core/model/machine.ts';
import { atExpression, promotionClientToken, promotionScheduleName } from '../core/promotion-schedule.ts';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';

export interface PromotionSchedule {
  deploymentId: string;
  action: Extract<ControlRequest['action'], 'promote' | 'promote-full'>;
  /** Epoch ms; Scheduler's at() has whole seconds. */
  at: number;
  controlFunctionArn: string;
  schedulerRoleArn: string;
  groupName?: string;
}

export interface CreatedSchedule {
  name: string;
  arn: string;
  expression: string;
}

export async function schedulePromotion(scheduler: SchedulerClient, s: PromotionSchedule): Promise<CreatedSchedule> {
  const name = promotionScheduleName(s.deploymentId, s.at);
  const expression = atExpression(s.at);
  const input: ControlRequest = { deploymentId: s.deploymentId, action: s.action };
  try {
    const out = await scheduler.send(
      new CreateScheduleCommand({
        Name: name,
        ...(s.groupName ? { GroupName: s.groupName } : {}),
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Description: `Glidepath: ${s.action} ${s.deploymentId}`,
        Target: {
          Arn: s.controlFunctionArn,
          RoleArn: s.schedulerRoleArn,
          Input: JSON.stringify(input),
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        },
        ClientToken: promotionClientToken(name, input),
      }),
    );
    if (!out.ScheduleArn) throw new GlidepathError('INTERNAL_ERROR', `scheduler:CreateSchedule ${name} answered without a ScheduleArn`);
    return { name, arn: out.ScheduleArn, expression };
  } catch (error) {
    if (error instanceof ConflictException || isErrorNamed(error, 'ConflictException')) {
      throw new GlidepathError('INVALID_CONTROL_ACTION', `${s.deploymentId} already has a promotion scheduled at ${expression} (schedule ${name})`, { field: '--at', cause: error });
    }
    if (isErrorNamed(error, 'ValidationException')) {
      throw new GlidepathError('INVALID_REQUEST', `scheduler refused the schedule: ${(error as Error).message}`, { field: '--at', cause: error });
    }
    throw toGlidepathError(error, `scheduler:CreateSchedule ${name}`);
  }
}
