/**
 * Operator actions: `abort`, `promote [--full]`, `pause`, `resume`, `approve`.
 * Each invokes the control function (cli/control-client.ts), which writes the signal to the
 * deployment record and, when a step is waiting, answers its task token.
 */
import type { Command } from 'commander';
import type { ControlAction } from '../../shared/core/model/record.ts';
import type { ControlResult } from '../../shared/tasks/control.ts';
import type { CliContext, CliIO } from '../context.ts';
import { sendControl } from '../control-client.ts';
import { EXIT_CODES, exitCodeForStatus, failWith } from '../exit-codes.ts';
import { followUntilDone } from '../follow.ts';
import { addOutputOption, outputMode, parseDurationMs, wantsJson, type CommonFlags } from '../options.ts';
import { addTargetOptions, resolveTarget, type Target, type TargetOptions } from '../target.ts';
import { displayFor } from '../view/display.ts';
import { addPromoteAtOptions, runScheduledPromotion, type PromoteAtOptions } from './promote-at.ts';
import { colourStatus } from '../view/render.ts';
import { styleFor } from '../view/style.ts';

interface ControlOptions extends TargetOptions, CommonFlags {
  full?: boolean;
  wait?: boolean;
  timeout?: string;
}

const WHAT: Record<ControlAction, string> = {
  abort: 'rolls back to the current version',
  promote: 'moves on to the next step',
  'promote-full': 'skips to 100% on the target version',
  pause: 'holds at its current weight at the next check (resume, promote or abort release it)',
  resume: 'goes on from where it was held',
  approve: 'passes its approval step',
};

const COMMANDS: { name: string; action: ControlAction; description: string }[] = [
  { name: 'abort', action: 'abort', description: 'stop a deployment now and roll its alias back to the current version' },
  { name: 'promote', action: 'promote', description: 'end the step in progress and go on to the next one (--full: straight to 100%)' },
  { name: 'pause', action: 'pause', description: 'hold a deployment at its current weight' },
  { name: 'resume', action: 'resume', description: 'release a paused deployment (or a pause step)' },
  { name: 'approve', action: 'approve', description: 'pass the approval step the deployment waits at (or the next one)' },
];

export function describeResult(result: ControlResult, io: CliIO): string {
  const style = styleFor(io);
  const action = result.action ?? 'action';
  const released = result.released ? `; the waiting step was released (${result.released})` : '';
  return `${action} → ${style.bold(result.deploymentId)}: the deployment ${WHAT[action as ControlAction] ?? 'was signalled'}${released}. Status: ${colourStatus(result.status, style)}\n`;
}

export function register(program: Command, ctx: CliContext): void {
  for (const spec of COMMANDS) {
    const command = program.command(spec.name).description(spec.description).argument('<id>', 'deployment id (gp-…)');
    if (spec.action === 'promote') addPromoteAtOptions(command.option('--full', 'skip every remaining step: 100% on the target now'));
    if (spec.action === 'abort') {
      command
        .option('--wait', 'wait until the rollback is done; exit 0 when the deployment ended Stopped or Failed (rolled back)')
        .option('--timeout <duration>', 'with --wait: stop waiting after this long (exit code 6)');
    }
    addTargetOptions(command);
    command.option('--control-function <arn>', "the controller's control function, name or ARN (default: stack output ControlFunctionArn)");
    addOutputOption(command);
    command.action(async (id: string, options: ControlOptions) => {
      if (spec.action === 'promote' && (options as PromoteAtOptions).at !== undefined) {
        ctx.exitCode = await runScheduledPromotion(id, options, ctx.io);
        return;
      }
      const action: ControlAction = spec.action === 'promote' && options.full ? 'promote-full' : spec.action;
      ctx.exitCode = await runControl(id, action, options, ctx.io);
    });
  }
}

async function runControl(id: string, action: ControlAction, options: ControlOptions, io: CliIO): Promise<number> {
  const json = wantsJson(options);
  let target: Target | undefined;
  try {
    const mode = outputMode(options);
    const timeoutMs = parseDurationMs('--timeout', options.timeout);
    target = await resolveTarget(options, io);
    const result = await sendControl(target, id, action);
    if (!options.wait) {
      io.stdout.write(mode === 'json' ? `${JSON.stringify(result, null, 2)}\n` : describeResult(result, io));
      return EXIT_CODES.ok;
    }
    if (mode === 'human') io.stdout.write(describeResult(result, io));
    const followed = await followUntilDone(target, id, displayFor(io, mode), io, timeoutMs === undefined ? {} : { timeoutMs });
    if (followed.interrupted) return 130;
    const { snapshot } = followed;
    if (!snapshot.done) return exitCodeForStatus('InProgress');
    // An abort that ended the deployment did what was asked: the alias is back on the current version.
    return snapshot.status === 'Stopped' || snapshot.status === 'Failed' ? EXIT_CODES.ok : EXIT_CODES.failed;
  } catch (error) {
    return failWith(io, error, json);
  } finally {
    await target?.close();
  }
}
