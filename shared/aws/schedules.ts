/**
 * Scheduled promotions: a one-time EventBridge Scheduler schedule whose target is
 * the control function with `{deploymentId, action: 'promote'}` (or `promote-full`), run as the
 * stack's scheduler role, deleted by Scheduler once it has fired.
 */
import { createHash } from 'node:crypto';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { GlidepathError } from '../core/errors.ts';
import type { ControlRequest } from '../core/model/machine.ts';
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

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to the second. */
export function atExpression(at: number): string {
  return `at(${new Date(Math.ceil(at / 1000) * 1000).toISOString().slice(0, 19)})`;
}

/** `glidepath-promote-<id>-<yyyymmddThhmmss>`: within Scheduler's 64 characters of [0-9a-zA-Z-_.]. */
export function promotionScheduleName(deploymentId: string, at: number): string {
  const stamp = new Date(Math.ceil(at / 1000) * 1000).toISOString().slice(0, 19).replace(/[-:]/g, '');
  const name = `glidepath-promote-${deploymentId}-${stamp}`.replace(/[^0-9a-zA-Z\-_.]/g, '-');
  if (name.length <= 64) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 12);
  return `glidepath-promote-${hash}-${stamp}`;
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
        // The same promotion asked twice is one schedule.
        ClientToken: createHash('sha256').update(`${name}/${JSON.stringify(input)}`).digest('hex').slice(0, 64),
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

/** The schedule, or undefined once it has fired (and deleted itself) or never existed. */
export async function getPromotionSchedule(scheduler: SchedulerClient, name: string, groupName?: string): Promise<{ expression?: string; state?: string } | undefined> {
  try {
    const out = await scheduler.send(new GetScheduleCommand({ Name: name, ...(groupName ? { GroupName: groupName } : {}) }));
    return { ...(out.ScheduleExpression ? { expression: out.ScheduleExpression } : {}), ...(out.State ? { state: out.State } : {}) };
  } catch (error) {
    if (isErrorNamed(error, 'ResourceNotFoundException')) return undefined;
    throw toGlidepathError(error, `scheduler:GetSchedule ${name}`);
  }
}

export async function cancelPromotionSchedule(scheduler: SchedulerClient, name: string, groupName?: string): Promise<boolean> {
  try {
    await scheduler.send(new DeleteScheduleCommand({ Name: name, ...(groupName ? { GroupName: groupName } : {}) }));
    return true;
  } catch (error) {
    if (isErrorNamed(error, 'ResourceNotFoundException')) return false;
    throw toGlidepathError(error, `scheduler:DeleteSchedule ${name}`);
  }
}
