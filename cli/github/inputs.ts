/**
 * The GitHub Action's inputs (action.yml) → `glidepath deploy`'s flags. action.yml hands each
 * input to the step as `INPUT_<NAME>` (upper case, `-` as `_`; the hyphenated form @actions/core
 * reads is accepted too), so the step stays one command and the rules stay here.
 */
import { usageError } from '../context.ts';
import type { DeployOptions } from '../commands/deploy.ts';

/** Input name → the deploy flag it sets (a string flag). */
const STRING_INPUTS = {
  function: 'function',
  'function-name': 'functionName',
  alias: 'alias',
  target: 'target',
  current: 'current',
  strategy: 'strategy',
  template: 'template',
  appspec: 'appspec',
  request: 'request',
  stack: 'stack',
  'state-machine': 'stateMachine',
  table: 'table',
  region: 'region',
  'before-hook': 'beforeHook',
  'after-hook': 'afterHook',
  description: 'description',
  timeout: 'timeout',
} as const satisfies Record<string, keyof DeployOptions>;

export interface ActionInputs {
  flags: DeployOptions;
  wait: boolean;
}

/** The input's value as GitHub gives it; empty means not given (GitHub passes unset inputs as ''). */
export function input(env: Record<string, string | undefined>, name: string): string | undefined {
  const upper = name.toUpperCase();
  const value = env[`INPUT_${upper.replace(/-/g, '_')}`] ?? env[`INPUT_${upper}`];
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function booleanInput(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const value = input(env, name);
  if (value === undefined) return fallback;
  // YAML 1.2 core schema booleans, as @actions/core's getBooleanInput accepts them.
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw usageError(name, `must be true or false, got ${value}`);
}

/** `owner/repo: workflow "CI" run 42 at 1a2b3c4` — who started the deployment, kept with it. */
function runDescription(env: Record<string, string | undefined>): string {
  const parts = [`${env.GITHUB_REPOSITORY ?? 'GitHub'}:`, `workflow "${env.GITHUB_WORKFLOW ?? '?'}"`, `run ${env.GITHUB_RUN_ID}`];
  if (env.GITHUB_SHA) parts.push(`at ${env.GITHUB_SHA.slice(0, 7)}`);
  return parts.join(' ');
}

export function readActionInputs(env: Record<string, string | undefined>): ActionInputs {
  const flags: DeployOptions = {};
  for (const [name, flag] of Object.entries(STRING_INPUTS)) {
    const value = input(env, name);
    if (value !== undefined) flags[flag] = value;
  }
  if (flags.description === undefined && env.GITHUB_RUN_ID) flags.description = runDescription(env);
  const alarms = input(env, 'alarms');
  if (alarms !== undefined) flags.alarm = alarms.split(/[\s,]+/).filter((a) => a.length > 0);
  if (booleanInput(env, 'local', false)) flags.local = true;
  const wait = booleanInput(env, 'wait', true);
  if (wait) flags.wait = true;
  if (!wait && flags.timeout !== undefined) throw usageError('timeout', 'applies only with wait: true');
  return { flags, wait };
}
