/**
 * Command-line flags → a deployment request: the one builder `glidepath plan` and
 * `glidepath deploy` share, through the same readers and validation. Sources, one of: flags
 * (`--strategy --function --alias --target`), `--appspec <file>`, `--template <file> --function
 * <LogicalId>`, `--serverless <serverless.yml> --function <key>`, `--request <file>` (the request itself, JSON or YAML; deploy only). Flags given
 * next to a file override what the file says.
 *
 * A plan may leave out what only a deployment needs (function, alias, versions): it is parsed
 * with `parsePlanningRequest`; a deployment with `parseRequest`.
 */
import { parse as parseYaml } from 'yaml';
import { ruleViolation } from '../shared/core/describe.ts';
import { planPreview } from '../shared/core/planner.ts';
import { parsePlanningRequest, parseRequest } from '../shared/core/validate.ts';
import { readAppSpec } from '../shared/core/readers/appspec.ts';
import { readSamTemplate, samRequestWithStrategy } from '../shared/core/readers/sam.ts';
import type { PlanPreview } from '../shared/core/model/plan.ts';
import type { DeploymentRequest } from '../shared/core/model/request.ts';
import { usageError, type CliIO } from './context.ts';
import { readFlagFile } from './options.ts';
import { serverlessSource } from './serverless-source.ts';

export interface RequestFlags {
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
  /** `--analysis <JSON>` (a string) or `--no-analysis` (false). */
  analysis?: string | boolean;
  onInconclusive?: string;
}

/** The strategy used for an AppSpec when --strategy is not given (an AppSpec names none). */
export const APPSPEC_DEFAULT_STRATEGY = 'AllAtOnce';

/** `--strategy` is a name, or JSON when it starts with `{`. */
export function parseStrategyFlag(value: string): unknown {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[') && !trimmed.startsWith('"')) return trimmed;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', 'strategy', `must be a strategy name or JSON (${reason})`, value);
  }
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

/** What the request is for: a plan needs only a strategy; a deployment its function, alias and target. */
type Purpose = 'plan' | 'deploy';

const SOURCES: Record<Purpose, string> = {
  plan: '--strategy, --appspec, --template or --serverless',
  deploy: '--strategy, --appspec, --template, --serverless or --request',
};

interface Fields {
  fields: Record<string, unknown>;
  warnings: string[];
}

function requestFile(io: CliIO, file: string): Record<string, unknown> {
  const text = readFlagFile(io, '--request', file);
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw usageError('--request', `must be a deployment request in JSON or YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw usageError('--request', 'must hold a JSON/YAML object');
  return parsed as Record<string, unknown>;
}

/** The source the flags name, with the flags that override it, as request fields (not validated yet). */
function sourceFields(flags: RequestFlags, io: CliIO, purpose: Purpose): Fields {
  const sources = (['appspec', 'template', 'serverless', 'request'] as const).filter((k) => flags[k] !== undefined);
  if (sources.length > 1) throw usageError(`--${sources[1]}`, `cannot be combined with --${sources[0]}: give one source`);
  const strategy = flags.strategy === undefined ? undefined : parseStrategyFlag(flags.strategy);
  const warnings: string[] = [];
  const given = (fields: Record<string, string | undefined>): Record<string, string> =>
    Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const versions = given({ currentVersion: flags.current, targetVersion: flags.target });

  if (flags.appspec !== undefined) {
    const appSpec = readAppSpec(readFlagFile(io, '--appspec', flags.appspec));
    if (strategy === undefined) {
      const done = purpose === 'plan' ? 'planned' : 'deploying';
      warnings.push(`the AppSpec names no deployment configuration and --strategy was not given: ${done} ${APPSPEC_DEFAULT_STRATEGY}`);
    }
    const fields = { ...appSpec, ...given({ functionName: flags.function, alias: flags.alias }), ...versions, strategy: strategy ?? APPSPEC_DEFAULT_STRATEGY };
    return { fields, warnings };
  }
  if (flags.template !== undefined) {
    if (flags.function === undefined) throw usageError('--function', "is required with --template (the function's logical id)");
    const read = readSamTemplate(readFlagFile(io, '--template', flags.template), flags.function, { strategyGiven: strategy !== undefined });
    warnings.push(...read.warnings);
    const fields = { ...samRequestWithStrategy(read, strategy as never), ...versions, ...given({ functionName: flags.functionName, alias: flags.alias }) };
    return { fields, warnings };
  }
  if (flags.serverless !== undefined) {
    const read = serverlessSource(io, flags.serverless, flags.function, strategy);
    const fields = { ...read.request, ...versions, ...given({ functionName: flags.functionName, alias: flags.alias }) };
    return { fields, warnings: [...warnings, ...read.warnings] };
  }
  if (flags.request !== undefined) {
    const fields = { ...requestFile(io, flags.request), ...versions, ...(strategy === undefined ? {} : { strategy }), ...given({ functionName: flags.function, alias: flags.alias }) };
    return { fields, warnings };
  }
  if (strategy === undefined) throw usageError('strategy', `is required: give ${SOURCES[purpose]}`);
  if (purpose === 'deploy') {
    if (flags.function === undefined) throw usageError('--function', 'is required: the function to deploy (name or ARN)');
    if (flags.alias === undefined) throw usageError('--alias', 'is required: the alias whose traffic moves');
    if (flags.target === undefined) throw usageError('--target', 'is required: the published version to move to');
  }
  return { fields: { ...given({ functionName: flags.function, alias: flags.alias }), ...versions, strategy }, warnings };
}

/** Hooks, alarms and the other deployment flags, over what the source says. */
function withDeploymentFlags(request: Record<string, unknown>, flags: RequestFlags): Record<string, unknown> {
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
  const analysis = analysisFlags(request.analysis, flags);
  if (analysis !== undefined) request.analysis = analysis;
  return request;
}

/** `--analysis <JSON>` over the source's policy, then `--no-analysis` and `--on-inconclusive`. */
function analysisFlags(given: unknown, flags: RequestFlags): unknown {
  const over = (fields: Record<string, unknown>) => ({ ...((given as Record<string, unknown> | undefined) ?? {}), ...fields });
  if (typeof flags.analysis === 'string') {
    try {
      given = over(JSON.parse(flags.analysis) as Record<string, unknown>);
    } catch (error) {
      throw usageError('--analysis', `must be a JSON object (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (flags.analysis === false) given = over({ enabled: false });
  if (flags.onInconclusive !== undefined) given = over({ onInconclusive: flags.onInconclusive });
  return given;
}

export interface BuiltRequest {
  request: DeploymentRequest;
  warnings: string[];
}

/** The request `glidepath deploy` starts; throws a ValidationError on bad input. */
export function buildDeployRequest(flags: RequestFlags, io: CliIO): BuiltRequest {
  const { fields, warnings } = sourceFields(flags, io, 'deploy');
  const request = withDeploymentFlags(fields, flags);
  if (request.targetVersion === undefined) throw usageError('--target', 'is required: the published version to move to');
  return { request: parseRequest(request), warnings };
}

/** The plan `glidepath plan` prints; throws a ValidationError on bad input. */
export function buildPlan(flags: RequestFlags, io: CliIO): PlanPreview {
  const { fields, warnings } = sourceFields(flags, io, 'plan');
  const plan = planPreview(parsePlanningRequest(withDeploymentFlags(fields, flags)));
  if (warnings.length > 0) plan.warnings = [...warnings, ...(plan.warnings ?? [])];
  return plan;
}
