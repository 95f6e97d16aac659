/**
 * The one place where commands are registered. A command is a file in this folder exporting a
 * `register(program, ctx)`; add it to COMMANDS below.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { register as registerPlan } from './plan.ts';
import { register as registerDeploy } from './deploy.ts';
import { register as registerStatus } from './status.ts';
import { register as registerControl } from './control.ts';
import { register as registerLocal } from './local.ts';
import { register as registerDemo } from './demo.ts';
import { register as registerGroup } from './group.ts';
import { register as registerGitHubAction } from './github-action.ts';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: readonly RegisterCommand[] = [registerPlan, registerDeploy, registerStatus, registerControl, registerLocal, registerDemo, registerGroup, registerGitHubAction];
