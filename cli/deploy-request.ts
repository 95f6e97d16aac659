/**
 * `glidepath deploy`'s flags → the deployment request, through the same readers and
 * validation as `glidepath plan`. Sources, one of: flags (`--strategy --function --alias --target`),
 * `--appspec <file>`, `--template <file> --function <LogicalId>`, `--request <file>` (the request
 * itself, JSON or YAML). Flags given next to a file override what the file says.
 */
import { parse as parseYaml } from 'yaml';
import { parseRequest } from '../shared/core/validate.ts';
import { readAppSpec } from '../shared/core/readers/appspec.ts';
import { readSamTemplate, samRequestWithStrategy } from '../shared/core/readers/sam.ts';
import type { DeploymentRequest } from '../shared/core/model/request.ts';
import { APPSPEC_DEFAULT_STRATEGY, parseStrategyFlag } from './commands/plan.ts';
import { usageError, type CliIO } from './context.ts';
import { readFlagFile } from './options.ts';
import { serverlessSource } from './serverless-source.ts';

export interface DeployFlags {
  strategy?: string;
  function?: string;
  functionName?: string;
  alias?: string;
  current?: string;
  target?: string;
  appspec?: string;
  template?: string;
  serverless?: string;
  request?: string;
  beforeHook?: string;
  afterHook?: string;
  stepHook?: string;
  alarm?: string[];
  alarmInterval?: string;
  ignoreAlarmsAtStart?: boolean;
  hookTimeout?: string;
  finalBake?: string;
  description?: string;
}

function integerFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw usageError(flag, `must be a whole number of seconds, got ${value}`);
  return Number(value);
}

/** `5m`, `90s`, `1h` or a number of seconds: kept as the request's duration form. */
function durationFlag(value: string | undefined): string | number | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value.trim()) ? Number(value) : value.trim();
}

export interface BuiltRequest {
  request: DeploymentRequest;
  warnings: string[];
}

export function buildDeployRequest(flags: DeployFlags, io: CliIO): BuiltRequest {
  const sources = (['appspec', 'template', 'serverless', 'request'] as const).filter((k) => flags[k] !== undefined);
  if (sources.length > 1) throw usageError(`--${sources[1]}`, `cannot be combined with --${sources[0]}: give one source`);
  const strategy = flags.strategy === undefined ? undefined : parseStrategyFlag(flags.strategy);
  const warnings: string[] = [];
  let request: Record<string, unknown>;
  const versions = (): Record<string, string> => ({
    ...(flags.current === undefined ? {} : { currentVersion: flags.current }),
    ...(flags.target === undefined ? {} : { targetVersion: flags.target }),
  });

  if (flags.appspec !== undefined) {
    const appSpec = readAppSpec(readFlagFile(io, '--appspec', flags.appspec));
    if (strategy === undefined) {
      warnings.push(`the AppSpec names no deployment configuration and --strategy was not given: deploying ${APPSPEC_DEFAULT_STRATEGY}`);
    }
    request = { ...appSpec, strategy: strategy ?? APPSPEC_DEFAULT_STRATEGY };
    if (flags.function !== undefined) request.functionName = flags.function;
    if (flags.alias !== undefined) request.alias = flags.alias;
    Object.assign(request, versions());
  } else if (flags.template !== undefined) {
    if (flags.function === undefined) throw usageError('--function', "is required with --template (the function's logical id)");
    const read = readSamTemplate(readFlagFile(io, '--template', flags.template), flags.function, { strategyGiven: strategy !== undefined });
    warnings.push(...read.warnings);
    request = { ...samRequestWithStrategy(read, strategy as never), ...versions() };
    if (flags.functionName !== undefined) request.functionName = flags.functionName;
    if (flags.alias !== undefined) request.alias = flags.alias;
  } else if (flags.serverless !== undefined) {
    const read = serverlessSource(io, flags.serverless, flags.function, strategy);
    warnings.push(...read.warnings);
    request = { ...read.request, ...versions() };
    if (flags.functionName !== undefined) request.functionName = flags.functionName;
    if (flags.alias !== undefined) request.alias = flags.alias;
  } else if (flags.request !== undefined) {
    const text = readFlagFile(io, '--request', flags.request);
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (error) {
      throw usageError('--request', `must be a deployment request in JSON or YAML (${(error as Error).message.split('\n')[0]})`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw usageError('--request', 'must hold a JSON/YAML object');
    request = { ...(parsed as Record<string, unknown>), ...versions() };
    if (strategy !== undefined) request.strategy = strategy;
    if (flags.function !== undefined) request.functionName = flags.function;
    if (flags.alias !== undefined) request.alias = flags.alias;
  } else {
    if (strategy === undefined) throw usageError('strategy', 'is required: give --strategy, --appspec, --template or --request');
    if (flags.function === undefined) throw usageError('--function', 'is required: the function to deploy (name or ARN)');
    if (flags.alias === undefined) throw usageError('--alias', 'is required: the alias whose traffic moves');
    if (flags.target === undefined) throw usageError('--target', 'is required: the published version to move to');
    request = { functionName: flags.function, alias: flags.alias, ...versions(), strategy };
  }

  const hooks = { ...((request.hooks as Record<string, string> | undefined) ?? {}) };
  if (flags.beforeHook !== undefined) hooks.beforeAllowTraffic = flags.beforeHook;
  if (flags.afterHook !== undefined) hooks.afterAllowTraffic = flags.afterHook;
  if (flags.stepHook !== undefined) hooks.perStep = flags.stepHook;
  if (Object.keys(hooks).length > 0) request.hooks = hooks;
  if (flags.alarm !== undefined && flags.alarm.length > 0) {
    request.alarms = [...new Set([...((request.alarms as string[] | undefined) ?? []), ...flags.alarm])];
  }
  const interval = integerFlag('--alarm-interval', flags.alarmInterval);
  if (interval !== undefined || flags.ignoreAlarmsAtStart) {
    request.alarmPolicy = {
      ...((request.alarmPolicy as Record<string, unknown> | undefined) ?? {}),
      ...(interval === undefined ? {} : { checkIntervalSeconds: interval }),
      ...(flags.ignoreAlarmsAtStart ? { ignoreAlarmsAtStart: true } : {}),
    };
  }
  const hookTimeout = integerFlag('--hook-timeout', flags.hookTimeout);
  if (hookTimeout !== undefined) request.hookTimeoutSeconds = hookTimeout;
  const finalBake = durationFlag(flags.finalBake);
  if (finalBake !== undefined) request.finalBake = finalBake;
  if (flags.description !== undefined) request.description = flags.description;
  if (request.targetVersion === undefined) throw usageError('--target', 'is required: the published version to move to');
  return { request: parseRequest(request), warnings };
}
