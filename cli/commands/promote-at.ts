/**
 * `glidepath promote <id> --at <time> [--full]`: schedules the promotion instead of sending it now.
 * A one-time EventBridge Scheduler schedule (shared/aws/schedules.ts) invokes the control function
 * at that time with `{deploymentId, action: 'promote'}`, as the stack's scheduler role; on the
 * local engine the same schedule fires on the engine's clock.
 *
 * The control function is the one operator actions invoke (cli/target.ts). The role:
 * --scheduler-role, else GLIDEPATH_SCHEDULER_ROLE_ARN (`glidepath local up` prints it), else the
 * stack output SchedulerRoleArn (cloud), or the local engine's own.
 */
import type { Command } from 'commander';
import { requireDeployment } from '../../shared/aws/deployment-store.ts';
import { isActive } from '../../shared/core/model/record.ts';
import { schedulePromotion, type CreatedSchedule } from '../../shared/aws/schedules.ts';
import { GlidepathError } from '../../shared/core/errors.ts';
import type { ControlAction } from '../../shared/core/model/record.ts';
import { usageError, type CliIO } from '../context.ts';
import { CliFailure, EXIT_CODES, explainUnreachable, failWith } from '../exit-codes.ts';
import { outputMode, wantsJson, type CommonFlags } from '../options.ts';
import { DEFAULT_STACK, requireTable, resolveTarget, type Target, type TargetOptions } from '../target.ts';

export interface PromoteAtOptions extends TargetOptions, CommonFlags {
  at?: string;
  full?: boolean;
  schedulerRole?: string;
}

/** The `--at` option and its companions, on the promote command. */
export function addPromoteAtOptions(command: Command): Command {
  return command
    .option('--at <time>', 'promote at this time instead of now (ISO 8601 with a zone, e.g. 2026-11-25T09:00:00Z): an EventBridge Scheduler schedule')
    .option('--scheduler-role <arn>', 'with --at: the role the schedule runs as (default: stack output SchedulerRoleArn)');
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseAt(value: string): number {
  const ms = Date.parse(value);
  if (!ISO_WITH_ZONE.test(value.trim()) || !Number.isFinite(ms)) {
    throw usageError('--at', `must be an ISO 8601 time with a zone, such as 2026-11-25T09:00:00Z or 2026-11-25T10:00:00+01:00, got ${value}`);
  }
  return ms;
}

async function resolveArns(target: Target, options: PromoteAtOptions, io: CliIO): Promise<{ control: string; role: string }> {
  let role = options.schedulerRole ?? io.env.GLIDEPATH_SCHEDULER_ROLE_ARN;
  if (target.kind !== 'aws') {
    // The local engine's names: its account is in the state machine's ARN.
    const [, , , , account] = target.stateMachineArn.split(':');
    role ??= `arn:aws:iam::${account}:role/glidepath-scheduler`;
  }
  const stack = options.stack ?? DEFAULT_STACK;
  const control = await target.controlFunction();
  role ??= await target.stackOutput('SchedulerRoleArn');
  if (!role) throw new CliFailure(EXIT_CODES.notFound, `--scheduler-role: stack ${stack} has no SchedulerRoleArn output; give --scheduler-role`, 'INVALID_REQUEST', { field: '--scheduler-role' });
  return { control, role };
}

export interface ScheduledPromotion {
  deploymentId: string;
  action: ControlAction;
  at: string;
  schedule: CreatedSchedule;
}

export async function runScheduledPromotion(id: string, options: PromoteAtOptions, io: CliIO): Promise<number> {
  const json = wantsJson(options);
  let target: Target | undefined;
  try {
    const mode = outputMode(options);
    const at = parseAt(options.at!);
    target = await resolveTarget(options, io);
    const record = await requireDeployment({ ddb: target.clients.ddb, tableName: requireTable(target) }, id).catch((error: unknown) => {
      throw explainUnreachable(error, target!.description);
    });
    if (!isActive(record.status)) {
      throw new GlidepathError('INVALID_CONTROL_ACTION', `deployment ${id} has ended (${record.status}): there is nothing to promote`, { field: 'id' });
    }
    const now = await target.now();
    if (at <= now) throw usageError('--at', `must be in the future (it is ${new Date(now).toISOString()} on ${target.description}), got ${options.at}`);
    const { control, role } = await resolveArns(target, options, io);
    const action = options.full ? 'promote-full' : 'promote';
    const schedule = await schedulePromotion(target.clients.scheduler, { deploymentId: id, action, at, controlFunctionArn: control, schedulerRoleArn: role }).catch((error: unknown) => {
      throw explainUnreachable(error, `EventBridge Scheduler (${target!.description})`);
    });
    const result: ScheduledPromotion = { deploymentId: id, action, at: new Date(Math.ceil(at / 1000) * 1000).toISOString(), schedule };
    io.stdout.write(
      mode === 'json'
        ? `${JSON.stringify(result, null, 2)}\n`
        : `${action} → ${id}: scheduled at ${result.at} (EventBridge Scheduler schedule ${schedule.name}); until then the deployment goes on as it is.\n`,
    );
    return EXIT_CODES.ok;
  } catch (error) {
    return failWith(io, error, json);
  } finally {
    await target?.close();
  }
}
